package io.jstate.states.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {
    @TempDir
    Path root;

    private Renderer renderer() {
        Map<String, Object> pillar = new HashMap<>();
        pillar.put("flag", false);
        pillar.put("nothing", null);
        pillar.put("db", Map.of("password", "p<a>&ss", "hosts", List.of("a", "b")));
        return new Renderer(root, Map.of(
                "grains", Map.of("os", "Debian"),
                "pillar", pillar,
                "minion", Map.of("id", "ctl1"),
                "peers", List.of(Map.of("id", "ctl2", "address", "10.0.0.12"))));
    }

    private void write(String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void rendersValuesUnescapedWithDottedNamesSectionsAndListIndexes() throws IOException {
        write("t/conf.mustache", """
                os={{grains.os}} id={{minion.id}}
                pw={{pillar.db.password}} {{{pillar.db.password}}} {{&pillar.db.password}}
                first={{peers.0.address}}
                {{#pillar.db.hosts}}
                host={{.}}
                {{/pillar.db.hosts}}
                {{#pillar.flag}}on{{/pillar.flag}}{{^pillar.flag}}off{{/pillar.flag}}
                nothing=[{{pillar.nothing}}]
                {{#peers}}peer={{id}}@{{address}} of {{minion.id}}{{/peers}}
                """);
        assertEquals("""
                os=Debian id=ctl1
                pw=p<a>&ss p<a>&ss p<a>&ss
                first=10.0.0.12
                host=a
                host=b
                off
                nothing=[]
                peer=ctl2@10.0.0.12 of ctl1
                """, renderer().render("jstate://t/conf.mustache", Map.of()));
    }

    @Test
    void listSectionsKnowEachElementsPosition() throws IOException {
        write("t.mustache", "gcomm://{{#pillar.db.hosts}}{{.}}{{^-last}},{{/-last}}{{/pillar.db.hosts}}"
                + " [{{#pillar.db.hosts}}{{-index}}{{#-first}}F{{/-first}}{{/pillar.db.hosts}}]"
                + " {{#peers}}{{id}}{{#-last}}.{{/-last}}{{/peers}}");
        assertEquals("gcomm://a,b [0F1] ctl2.", renderer().render("t.mustache", Map.of()));
    }

    @Test
    void aPositionMarkerOutsideAListIsAMissingVariable() throws IOException {
        write("t.mustache", "{{^-last}},{{/-last}}");
        PlanException e = assertThrows(PlanException.class, () -> renderer().render("t.mustache", Map.of()));
        assertTrue(e.getMessage().contains("-last"), e.getMessage());
    }

    @Test
    void aRenderThatLooksUpASecretValueIsToldEvenWhenTheValueIsNotWritten() throws IOException {
        Map<String, Object> pillar = Map.of("tls", Map.of("key", "-----BEGIN KEY-----\nAAAA\n", "on", "yes"), "port", "443");
        Renderer r = new Renderer(TreeFiles.of(root), Map.of("pillar", pillar), new Secrets(List.of("-----BEGIN KEY-----\nAAAA\n")));
        write("plain.mustache", "listen {{pillar.port}} {{pillar.tls.on}}");
        write("hidden.mustache", "{{#pillar.tls.key}}tls on{{/pillar.tls.key}}");
        write("inner.mustache", "{{#pillar.tls}}{{key}}{{/pillar.tls}}");
        assertEquals("tls on", r.render("hidden.mustache", Map.of()));
        assertTrue(r.readsSecret("hidden.mustache", Map.of()), "a section on a secret reads it");
        assertTrue(r.readsSecret("inner.mustache", Map.of()));
        assertFalse(r.readsSecret("plain.mustache", Map.of()));
        write("db.mustache", "{{pillar.db.password}}");
        assertFalse(renderer().readsSecret("db.mustache", Map.of()), "a renderer without secrets finds none");
        assertTrue(r.secrets().isValue("-----BEGIN KEY-----\nAAAA\n"));
    }

    @Test
    void extraValuesShadowTheContext() throws IOException {
        write("t.mustache", "{{minion.id}} {{port}}");
        assertEquals("ctl9 3306", renderer().render("t.mustache", Map.of("port", 3306, "minion", Map.of("id", "ctl9"))));
    }

    @Test
    void partialsResolveFromTheRootAndMayOmitTheExtension() throws IOException {
        write("common/header.mustache", "# managed on {{minion.id}}\n");
        write("galera/conf.mustache", "{{> common/header.mustache}}{{> /common/header}}body\n");
        assertEquals("# managed on ctl1\n# managed on ctl1\nbody\n", renderer().render("galera/conf.mustache", null));
    }

    @Test
    void aMissingVariableInsideAPartialNamesThePartial() throws IOException {
        write("parts/p.mustache", "line1\n{{nope.deeper}}\n");
        write("main.mustache", "x\n{{> parts/p.mustache}}\n");
        PlanException e = assertThrows(PlanException.class, () -> renderer().render("main.mustache", null));
        assertEquals("parts/p.mustache:2: missing variable 'nope.deeper'", e.getMessage());
    }

    @Test
    void aMissingKeyBelowAPresentMapIsAnErrorToo() throws IOException {
        write("t.mustache", "a\nb {{pillar.db.user}}\n");
        PlanException e = assertThrows(PlanException.class, () -> renderer().render("t.mustache", null));
        assertEquals("t.mustache:2: missing variable 'pillar.db.user'", e.getMessage());
    }

    @Test
    void syntaxErrorsAndMissingFilesAreNamed() throws IOException {
        write("bad.mustache", "{{#pillar.flag}}\nunclosed\n");
        PlanException e = assertThrows(PlanException.class, () -> renderer().render("bad.mustache", null));
        assertTrue(e.getMessage().startsWith("bad.mustache"), e.getMessage());
        PlanException missing = assertThrows(PlanException.class, () -> renderer().render("nope.mustache", null));
        assertTrue(missing.getMessage().startsWith("nope.mustache: no such file"), missing.getMessage());
        write("p.mustache", "{{> nowhere.mustache}}");
        assertThrows(PlanException.class, () -> renderer().render("p.mustache", null));
    }

    @Test
    void sourcesStayInsideTheTree() throws IOException {
        write("a/b.txt", "raw {{x}}");
        Renderer r = renderer();
        assertEquals("raw {{x}}", new String(r.raw("jstate://a/b.txt")));
        assertTrue(r.exists("a/b.txt"));
        assertTrue(r.exists("/a/./b.txt"));
        assertFalse(r.exists("a/c.txt"));
        assertFalse(r.exists("../etc/passwd"));
        assertThrows(PlanException.class, () -> r.raw("a/../../x"));
    }

    @Test
    void compiledTemplatesAreCachedForTheRun() throws IOException {
        write("t.mustache", "one {{minion.id}}");
        Renderer r = renderer();
        assertEquals("one ctl1", r.render("t.mustache", null));
        write("t.mustache", "two {{minion.id}}");
        assertEquals("one ctl1", r.render("t.mustache", null));
        assertEquals("two ctl1", renderer().render("t.mustache", null));
    }
}
