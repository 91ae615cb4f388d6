package io.jstate.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    @Test
    void aHashVerifiesItsPasswordOnly() {
        String h = PasswordHash.hash("s3cret pass".toCharArray());
        assertTrue(h.startsWith("pbkdf2-sha256$210000$"), h);
        assertTrue(PasswordHash.verify("s3cret pass".toCharArray(), h));
        assertFalse(PasswordHash.verify("s3cret pasS".toCharArray(), h));
        assertFalse(PasswordHash.verify("".toCharArray(), h));
        assertNull(PasswordHash.problem(h));
    }

    @Test
    void weakOrMalformedHashesMatchNothing() {
        byte[] salt = new byte[16];
        String weak = PasswordHash.format(1000, salt, new byte[32]);
        assertNotNull(PasswordHash.problem(weak));
        assertFalse(PasswordHash.verify("x".toCharArray(), weak));
        assertFalse(PasswordHash.verify("x".toCharArray(), "plain"));
        assertFalse(PasswordHash.verify("x".toCharArray(), "pbkdf2-sha256$210000$!!$!!"));
    }

    @Test
    void theUsersFileIsReadAndOneLineRewritten() {
        String a = PasswordHash.hash("a".toCharArray());
        String b = PasswordHash.hash("b".toCharArray());
        String text = "# operators\nalice:" + a + "\n\nbob:" + b + "\n";
        assertEquals(Map.of("alice", a, "bob", b), UsersFile.parse("f", text));
        String c = PasswordHash.hash("c".toCharArray());
        String changed = UsersFile.set(text, "alice", c);
        assertEquals("# operators\nalice:" + c + "\n\nbob:" + b + "\n", changed);
        assertEquals("carol:" + c + "\n", UsersFile.set("", "carol", c));
        UsersFile.BadLine bad = assertThrows(UsersFile.BadLine.class, () -> UsersFile.parse("/etc/jstate/web-users", "alice:" + a + "\nbob:md5$x\n"));
        assertTrue(bad.getMessage().startsWith("/etc/jstate/web-users, line 2 (user bob)"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UsersFile.set("", "bad name", c));
    }
}
