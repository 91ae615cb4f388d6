package io.jstate.states.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {
    static final Set<String> KNOWN = Set.of("id", "master", "data_dir");

    @Test
    void knownKeysPass() {
        ConfigKeys.requireKnown("m.yaml", "id: a\nmaster: b\n", KNOWN);
        ConfigKeys.requireKnown("m.yaml", "", KNOWN);
    }

    @Test
    void eachUnknownKeyIsNamedWithItsLineAndTheNearestKnownOne() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ConfigKeys.requireKnown("m.yaml", "id: a\n\ndata_dri: /x\nzzzzzzzz: 1\n", KNOWN));
        assertEquals("m.yaml:3: unknown setting 'data_dri' (did you mean data_dir?)\n"
                + "m.yaml:4: unknown setting 'zzzzzzzz'\nknown settings: data_dir, id, master", e.getMessage());
    }

    @Test
    void malformedYamlNamesTheLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConfigKeys.requireKnown("m.yaml", "id: [a\nmaster: b\n", KNOWN));
        assertEquals(true, e.getMessage().startsWith("m.yaml:"), e.getMessage());
    }
}
