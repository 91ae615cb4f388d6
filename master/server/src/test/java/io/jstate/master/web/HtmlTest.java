package io.jstate.master.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void aBadgeEscapesItsTextAndTakesItsColourOnlyFromTheFixedSet() {
        String page = Html.page("T", "", null, Html.render("message", Map.of("message", "x")), 0);
        assertTrue(page.contains("<p>x</p>"), page);
        assertEquals("muted", new Html.Badge("\" onclick=\"x", "t").kind());
        assertEquals("ok", Html.badge("ok", 1).kind());
    }

    @Test
    void aNameNoValueHasIsAnErrorNotAnEmptyString() {
        Exception e = assertThrows(RuntimeException.class, () -> Html.render("message", Map.of("other", "x")));
        assertTrue(String.valueOf(e.getMessage()).contains("message"), String.valueOf(e.getMessage()));
    }

    @Test
    void valuesAreEscapedAsBeforeTheTemplates() {
        // The characters HTML needs escaped, and no others: mustache.java's own escaper would also rewrite = and `.
        assertEquals("<p>&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;`=</p>\n",
                Html.render("message", Map.of("message", "<a href=\"x\" title='y'>&`=")));
    }
}
