package io.jstate.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfigKeysTest {
    private final ConfigKeys keys = ConfigKeys.of("id", "master", "grains.*", "tls.cert", "tls.key");

    @Test
    void knownKeysAndFreeFormSectionsPass() {
        keys.check("m.yaml", "id: a\nmaster: [x]\ngrains: {roles: [web], anything: {deep: 1}}\ntls: {cert: c, key: k}\n");
        keys.check("m.yaml", "");
        keys.check("m.yaml", "id: [unclosed\n");
    }

    @Test
    void anUnknownKeyNamesFileLineDottedPathAndTheNearestKnownKey() {
        var top = assertThrows(IllegalArgumentException.class, () -> keys.check("m.yaml", "id: a\nmastr: x\n"));
        assertEquals("m.yaml:2: unknown key 'mastr' (did you mean master?); known: grains, id, master, tls", top.getMessage());
        var nested = assertThrows(IllegalArgumentException.class, () -> keys.check("m.yaml", "tls:\n  cert: c\n  kye: k\n"));
        assertEquals("m.yaml:3: unknown key 'tls.kye' (did you mean key?); known under tls: cert, key", nested.getMessage());
        var far = assertThrows(IllegalArgumentException.class, () -> keys.check("m.yaml", "zzzzzzzz: 1\n"));
        assertEquals("m.yaml:1: unknown key 'zzzzzzzz'; known: grains, id, master, tls", far.getMessage());
    }

    @Test
    void aKeyGivenTwiceIsAnErrorNotALastOneWins() {
        var e = assertThrows(org.yaml.snakeyaml.error.YAMLException.class, () -> ConfigKeys.yaml().load("states: /a\nid: x\nstates: /b\n"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("duplicate key states"), e.getMessage());
        assertEquals(java.util.Map.of("states", "/a"), ConfigKeys.yaml().load("states: /a\n"));
    }
}
