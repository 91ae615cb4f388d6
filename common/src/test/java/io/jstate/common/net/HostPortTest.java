package io.jstate.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void namesAddressesAndBracketedIpv6() {
        assertEquals(new HostPort("master.lan", 4506), HostPort.parse("x", "master.lan:4506"));
        assertEquals(new HostPort("10.0.0.1", 0), HostPort.parse("x", " 10.0.0.1:0 "));
        HostPort v6 = HostPort.parse("x", "[fd00::1]:4507");
        assertEquals("fd00::1", v6.host());
        assertTrue(v6.ipv6());
        assertEquals("[fd00::1]:4507", v6.toString());
        assertEquals(v6, HostPort.parse("x", v6.toString()));
        assertEquals(new HostPort("::1", 5), new HostPort("[::1]", 5));
    }

    @Test
    void aDefaultPortAllowsABareHostAndABareIpv6Address() {
        assertEquals(new HostPort("salt", 4506), HostPort.parse("x", "salt", 4506));
        assertEquals(new HostPort("::1", 4506), HostPort.parse("x", "::1", 4506));
        assertEquals(new HostPort("::1", 4506), HostPort.parse("x", "[::1]", 4506));
        assertEquals(new HostPort("salt", 9), HostPort.parse("x", "salt:9", 4506));
    }

    @Test
    void wildcardsAreDialedOnLoopback() {
        assertTrue(HostPort.parse("x", "0.0.0.0:4507").wildcard());
        assertTrue(HostPort.parse("x", "[::]:4507").wildcard());
        assertFalse(HostPort.parse("x", "127.0.0.2:4507").wildcard());
        assertEquals("127.0.0.1:4507", HostPort.parse("x", "0.0.0.0:4507").dialable().toString());
        assertEquals("[::1]:4507", HostPort.parse("x", "[::]:4507").dialable().toString());
        assertEquals("m:1", HostPort.parse("x", "m:1").dialable().toString());
    }

    @Test
    void errorsNameWhereAndWhat() {
        assertEquals("master.yaml: admin.listen: expected HOST:PORT, got 'localhost'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("master.yaml: admin.listen", "localhost")).getMessage());
        assertEquals("w: bad port in 'h:http'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("w", "h:http")).getMessage());
        assertEquals("w: port 70000 in 'h:70000' is not between 0 and 65535",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("w", "h:70000")).getMessage());
        assertEquals("w: expected HOST:PORT, got ':4507'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("w", ":4507")).getMessage());
        assertEquals("w: no ']' after the IPv6 address in '[::1:4507'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("w", "[::1:4507")).getMessage());
        assertEquals("w: expected HOST:PORT, got an empty value",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("w", " ", 4506)).getMessage());
        assertEquals("w: expected HOST:PORT, got '::1'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("w", "::1")).getMessage());
    }
}
