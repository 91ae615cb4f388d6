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

    record Link(String host, Integer port) {
        Link {
            if (port != null && port > 65535) throw new SpecException("link_port", "argument 'link_port': not a port");
        }
    }

    record Linked(String name, Link link, boolean ram) {}

    @Test
    void anEmbeddedRecordTakesFlatArgumentsPrefixedWithItsName() throws Exception {
        assertEquals(List.of("name", "link_host", "link_port", "ram"), SpecBinder.argumentNames(Linked.class));
        Linked l = SpecBinder.bind(Linked.class, "the-id", Map.of("link_host", "db1", "link_port", "3307"));
        assertEquals(new Linked("the-id", new Link("db1", 3307), false), l);
        assertEquals(new Link(null, null), SpecBinder.bind(Linked.class, "x", Map.of()).link(), "built even with no argument");
        SpecBinder.Argument port = SpecBinder.arguments(Linked.class).get(2);
        assertEquals(3307, port.read(l));
        assertEquals("port", port.component().getName());
        assertEquals("link_port", assertThrows(SpecException.class,
                () -> SpecBinder.bind(Linked.class, "x", Map.of("link_port", "many"))).argument());
        assertEquals("link_port", assertThrows(SpecException.class,
                () -> SpecBinder.bind(Linked.class, "x", Map.of("link_port", 70000))).argument());
        assertThrows(SpecException.class, () -> SpecBinder.bind(Linked.class, "x", Map.of("link", Map.of("host", "db1"))));
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
