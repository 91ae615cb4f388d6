package io.jstate.states.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final String PEM = """
            -----BEGIN PRIVATE KEY-----
            MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
            Zm9vYmFy
            }
            -----END PRIVATE KEY-----
            """;

    @Test
    void eachLineOfAMultiLineSecretIsMaskedWhereverTheLineAppears() {
        Secrets s = new Secrets(List.of(PEM));
        String diff = "+-----BEGIN PRIVATE KEY-----\n+  MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n+Zm9vYmFy\n+}\n";
        assertEquals("+<redacted>\n+  <redacted>\n+<redacted>\n+}\n", s.redact(diff));
        assertTrue(s.appearsIn("key = Zm9vYmFy;"), "a line of 8 characters is a fragment");
        assertFalse(s.appearsIn("}"), "a line shorter than " + Secrets.MIN_LINE + " characters is not");
    }

    @Test
    void aWholeValueIsMaskedAsOneAndALastLineAlone() {
        Secrets s = new Secrets(List.of(PEM, "hunter2hunter2"));
        assertEquals("key: <redacted>", s.redact("key: " + PEM));
        assertEquals("x <redacted>\n... diff truncated", s.redact("x -----END PRIVATE KEY-----\n... diff truncated"));
        assertEquals("pw=<redacted>", s.redact("pw=hunter2hunter2"));
        assertFalse(s.appearsIn("nothing here"));
        assertEquals(List.of(), Secrets.NONE.values());
    }
}
