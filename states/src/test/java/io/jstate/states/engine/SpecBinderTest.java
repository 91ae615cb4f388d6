package io.jstate.states.engine;

import io.jstate.common.text.Names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecBinderTest {

    record Spec(String name, String dirMode, Integer port, boolean makedirs, List<String> names, Map<String, Map<String, String>> sections) {
        Spec {
            if (port != null && port <= 0) throw new IllegalArgumentException("port must be positive");
        }
    }

    @Test
    void bindsSnakeCaseArgumentsAndDefaultsNameToId() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("dir_mode", "0755");
        args.put("port", "3306");
        args.put("makedirs", true);
        args.put("names", "one");
        args.put("sections", Map.of("mysqld", Map.of("port", 3306)));
        Spec s = SpecBinder.bind(Spec.class, "the-id", args);
        assertEquals("the-id", s.name());
        assertEquals("0755", s.dirMode());
        assertEquals(3306, s.port());
        assertTrue(s.makedirs());
        assertEquals(List.of("one"), s.names());
        assertEquals("3306", s.sections().get("mysqld").get("port"));
    }

    @Test
    void unknownArgumentIsNamedWithSuggestion() {
        SpecException e = assertThrows(SpecException.class, () -> SpecBinder.bind(Spec.class, "x", Map.of("dirmode", "1")));
        assertEquals("dirmode", e.argument());
        assertTrue(e.getMessage().contains("did you mean dir_mode"), e.getMessage());
    }

    @Test
    void wrongShapeAndValidationFailuresAreSpecErrors() {
        SpecException shape = assertThrows(SpecException.class, () -> SpecBinder.bind(Spec.class, "x", Map.of("port", "many")));
        assertEquals("port", shape.argument());
        SpecException invalid = assertThrows(SpecException.class, () -> SpecBinder.bind(Spec.class, "x", Map.of("port", -1)));
        assertTrue(invalid.getMessage().contains("port must be positive"));
    }

    @Test
    void registryRejectsDuplicatesAndSuggestsNearNames() {
        StateRegistry.Builder b = StateRegistry.builder().register("pkg.installed", Spec.class, env -> null);
        assertThrows(IllegalArgumentException.class, () -> b.register("pkg.installed", Spec.class, env -> null));
        assertEquals(List.of("pkg.installed"), Names.nearest("pkg.instaled", b.build().names()));
    }
}
