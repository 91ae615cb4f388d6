package io.jstate.states.kinds.mysql;

import static io.jstate.states.kinds.mysql.MysqlConnectionTest.DEFAULT_ARGV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MysqlDatabasePresentTest {

    static final String QUERY = "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA"
            + " WHERE SCHEMA_NAME = BINARY 'nova';\n";

    /** A server holding databases by name with "charset\tcollation", changed only by the statements this kind sends. */
    static FakeHost server(Map<String, String> dbs) {
        FakeHost h = new FakeHost();
        h.on(e -> !e.mutates(), e -> {
            String name = e.stdin().replaceAll("(?s).*BINARY '([^']*)';\n", "$1");
            return ExecResult.ok(dbs.containsKey(name) ? dbs.get(name) + "\n" : "");
        });
        h.on(Exec::mutates, e -> {
            var m = java.util.regex.Pattern.compile("(?:CREATE|ALTER) DATABASE `(\\w+)` CHARACTER SET (\\w+) COLLATE (\\w+);\n")
                    .matcher(e.stdin());
            if (!m.matches()) return ExecResult.fail(1, "ERROR 1064 unexpected: " + e.stdin());
            dbs.put(m.group(1), m.group(2) + "\t" + m.group(3));
            return ExecResult.ok("");
        });
        return h;
    }

    static MysqlDatabasePresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(MysqlDatabasePresent.Spec.class, "nova", args);
    }

    @Test
    void createsAMissingDatabaseWithUtf8mb4AndIsThenInSync() {
        FakeHost h = server(new HashMap<>());
        var state = new MysqlDatabasePresent(new Env(h, Map.of(), null));
        var spec = spec(Map.of());
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("database", null, "created")), d.changes());
        state.apply(spec, d);
        assertTrue(state.check(spec).inSync());
        Exec create = h.commands().get(1);
        assertEquals(DEFAULT_ARGV, create.argv());
        assertEquals("CREATE DATABASE `nova` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;\n", create.stdin());
        assertEquals(QUERY, h.commands().get(0).stdin());
        assertEquals(List.of("run " + String.join(" ", DEFAULT_ARGV)), h.mutations());
    }

    @Test
    void altersCharsetAndCollationThatDiffer() {
        Map<String, String> dbs = new HashMap<>(Map.of("nova", "latin1\tlatin1_swedish_ci"));
        FakeHost h = server(dbs);
        var state = new MysqlDatabasePresent(new Env(h, Map.of(), null));
        var spec = spec(Map.of());
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("character_set", "latin1", "utf8mb4"),
                Change.of("collate", "latin1_swedish_ci", "utf8mb4_general_ci")), d.changes());
        state.apply(spec, d);
        assertEquals("ALTER DATABASE `nova` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;\n", h.commands().get(1).stdin());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void utf8InTheSpecMatchesTheServersUtf8mb3() {
        FakeHost h = server(new HashMap<>(Map.of("nova", "utf8mb3\tutf8mb3_general_ci")));
        var state = new MysqlDatabasePresent(new Env(h, Map.of(), null));
        assertTrue(state.check(spec(Map.of("character_set", "utf8", "collate", "utf8_general_ci"))).inSync());
        assertTrue(state.check(spec(Map.of("character_set", "UTF8"))).inSync());
        assertEquals(List.of(Change.of("collate", "utf8mb3_general_ci", "utf8mb3_unicode_ci")),
                state.check(spec(Map.of("collate", "utf8mb3_unicode_ci"))).changes());
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() {
        FakeHost h = server(new HashMap<>());
        Drift d = new MysqlDatabasePresent(new Env(new ReadOnlyHost(h), Map.of(), null)).check(spec(Map.of()));
        assertTrue(d.has("database"));
        assertEquals(List.of(), h.mutations());
        assertEquals(1, h.commands().size());
    }

    @Test
    void hostileNamesAreRefusedBeforeAnySql() {
        for (String bad : List.of("x'; DROP DATABASE mysql; --", "a`b", "back\\slash", "new\nline", "", "a b",
                "x".repeat(65))) {
            SpecException e = assertThrows(SpecException.class, () -> spec(Map.of("name", bad)), bad);
            assertEquals("name", e.argument());
        }
        assertEquals("character_set", assertThrows(SpecException.class,
                () -> spec(Map.of("character_set", "utf8; DROP DATABASE mysql"))).argument());
        assertEquals("collate", assertThrows(SpecException.class,
                () -> spec(Map.of("collate", "x COLLATE y"))).argument());
    }

    @Test
    void connectionArgumentsReachTheClient() {
        FakeHost h = server(new HashMap<>());
        var spec = spec(Map.of("connection_socket", "/tmp/t/mysqld.sock", "connection_pass", "pw"));
        new MysqlDatabasePresent(new Env(h, Map.of(), null)).check(spec);
        Exec e = h.commands().get(0);
        assertTrue(e.argv().contains("--socket=/tmp/t/mysqld.sock"));
        assertEquals(Map.of("MYSQL_PWD", "pw"), e.env());
        assertTrue(spec.toString().contains("pass=****"), spec.toString());
        assertFalse(spec.toString().contains("=pw"), spec.toString());
    }
}
