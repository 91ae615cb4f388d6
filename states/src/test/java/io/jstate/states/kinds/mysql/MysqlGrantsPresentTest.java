package io.jstate.states.kinds.mysql;

import static io.jstate.states.kinds.mysql.MysqlConnectionTest.DEFAULT_ARGV;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MysqlGrantsPresentTest {

    static final String USAGE = "GRANT USAGE ON *.* TO `nova`@`%` IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'";

    /** SHOW GRANTS answers from a mutable list of lines; each GRANT statement sent is recorded and appended as given. */
    static FakeHost server(List<String> lines) {
        FakeHost h = new FakeHost();
        h.on(e -> !e.mutates(), e -> lines.isEmpty()
                ? ExecResult.fail(1, "ERROR 1141 (42000) at line 1: There is no such grant defined for user 'nova' on host '%'")
                : ExecResult.ok(String.join("\n", lines) + "\n"));
        h.on(Exec::mutates, e -> {
            lines.add(e.stdin().replace(";\n", "").replace("'nova'@'%'", "`nova`@`%`"));
            return ExecResult.ok("");
        });
        return h;
    }

    static MysqlGrantsPresent.Spec spec(Map<String, Object> args) {
        Map<String, Object> a = new HashMap<>(Map.of("user", "nova", "host", "%"));
        a.putAll(args);
        return SpecBinder.bind(MysqlGrantsPresent.Spec.class, "nova-grants", a);
    }

    @Test
    void grantsMissingPrivilegesAndIsThenInSync() {
        List<String> lines = new ArrayList<>(List.of(USAGE));
        FakeHost h = server(lines);
        var state = new MysqlGrantsPresent(new Env(h, Map.of(), null));
        var spec = spec(Map.of("grant", "all", "database", "nova.*"));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("privileges", null, "ALL PRIVILEGES")), d.changes());
        state.apply(spec, d);
        assertTrue(state.check(spec).inSync());
        assertEquals("SHOW GRANTS FOR 'nova'@'%';\n", h.commands().get(0).stdin());
        assertEquals(DEFAULT_ARGV, h.commands().get(1).argv());
        assertEquals("GRANT ALL PRIVILEGES ON `nova`.* TO 'nova'@'%';\n", h.commands().get(1).stdin());
        assertEquals(1, h.mutations().size());
    }

    @Test
    void privilegeListsCompareAsSetsWithAliases() {
        FakeHost h = server(new ArrayList<>(List.of(
                "GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO `nova`@`%` IDENTIFIED BY PASSWORD '*24'",
                "GRANT SELECT, INSERT, UPDATE ON `nova_api`.* TO `nova`@`%`",
                "GRANT ALL PRIVILEGES ON `nova`.* TO `nova`@`%` WITH GRANT OPTION")));
        var state = new MysqlGrantsPresent(new Env(h, Map.of(), null));
        assertTrue(state.check(spec(Map.of("grant", "replication client, lock  tables,RELOAD, process", "database", "*.*"))).inSync());
        assertTrue(state.check(spec(Map.of("grant", "UPDATE, SELECT", "database", "`nova_api`.*"))).inSync());
        assertTrue(state.check(spec(Map.of("grant", "SELECT, DELETE", "database", "nova.*", "grant_option", true))).inSync());
        assertTrue(state.check(spec(Map.of("grant", "USAGE", "database", "*.*"))).inSync());
        assertEquals(List.of(Change.of("privileges", "SELECT, INSERT, UPDATE", "SELECT, INSERT, UPDATE, DELETE")),
                state.check(spec(Map.of("grant", "SELECT, DELETE", "database", "nova_api.*"))).changes());
        assertEquals(List.of(Change.of("grant_option", false, true)),
                state.check(spec(Map.of("grant", "SELECT", "database", "nova_api.*", "grant_option", true))).changes());
        assertEquals(List.of(Change.of("privileges", null, "SELECT")),
                state.check(spec(Map.of("grant", "SELECT", "database", "nova_api.instances"))).changes());
        assertEquals(List.of(), h.mutations());
    }

    @Test
    void grantOptionIsAppliedWithThePrivileges() {
        List<String> lines = new ArrayList<>(List.of(USAGE, "GRANT SELECT ON `nova`.* TO `nova`@`%`"));
        FakeHost h = server(lines);
        var state = new MysqlGrantsPresent(new Env(h, Map.of(), null));
        var spec = spec(Map.of("grant", "SELECT, INSERT", "database", "nova.*", "grant_option", true));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("privileges", "SELECT", "SELECT, INSERT"), Change.of("grant_option", false, true)),
                d.changes());
        state.apply(spec, d);
        assertEquals("GRANT SELECT, INSERT ON `nova`.* TO 'nova'@'%' WITH GRANT OPTION;\n", h.commands().get(1).stdin());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void aMissingAccountHasNoPrivileges() {
        FakeHost h = server(new ArrayList<>());
        Drift d = new MysqlGrantsPresent(new Env(h, Map.of(), null)).check(spec(Map.of("grant", "SELECT", "database", "nova.*")));
        assertEquals(List.of(Change.of("privileges", null, "SELECT")), d.changes());
        assertEquals(List.of(Change.of("privileges", null, "USAGE")), new MysqlGrantsPresent(new Env(h, Map.of(), null))
                .check(spec(Map.of("grant", "USAGE", "database", "*.*"))).changes());
    }

    @Test
    void otherServerErrorsAreNotTakenForAnAnswer() {
        FakeHost h = new FakeHost().on(List.of("mariadb"), e -> ExecResult.fail(1, "ERROR 1045 (28000): Access denied"));
        var state = new MysqlGrantsPresent(new Env(h, Map.of(), null));
        assertThrows(io.jstate.states.host.HostException.class,
                () -> state.check(spec(Map.of("grant", "SELECT", "database", "nova.*"))));
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() {
        FakeHost h = server(new ArrayList<>(List.of(USAGE)));
        Drift d = new MysqlGrantsPresent(new Env(new ReadOnlyHost(h), Map.of(), null))
                .check(spec(Map.of("grant", "SELECT", "database", "nova.*")));
        assertTrue(d.has("privileges"));
        assertEquals(List.of(), h.mutations());
    }

    @Test
    void grantAndObjectAreNormalised() {
        var s = spec(Map.of("grant", " select ,Insert, SELECT", "database", "nova.instances"));
        assertEquals("SELECT, INSERT", s.grant());
        assertEquals("`nova`.`instances`", s.database());
        assertEquals("*.*", spec(Map.of("grant", "ALL", "database", "*.*")).database());
        assertEquals("`nova`.*", spec(Map.of("grant", "ALL", "database", "`nova`.*")).database());
        assertEquals("BINLOG MONITOR, REPLICATION SLAVE, SLAVE MONITOR",
                spec(Map.of("grant", "REPLICATION CLIENT, REPLICATION REPLICA, REPLICA MONITOR", "database", "*.*")).grant());
    }

    @Test
    void hostileValuesAreRefused() {
        for (String bad : List.of("SELECT; DROP DATABASE mysql", "SELECT, x'; DROP DATABASE mysql; --", "DROP DATABASE",
                "SELECT (`a`)", "GRANT OPTION", "ALL, SELECT", "SELECT,", "")) {
            assertEquals("grant", assertThrows(SpecException.class,
                    () -> spec(Map.of("grant", bad, "database", "nova.*")), bad).argument());
        }
        for (String bad : List.of("x'; DROP DATABASE mysql; --.*", "nova", "*.instances", "`no``va`.*", "nova.*; DROP",
                "a\\b.*", "a\nb.*", "nova.t`")) {
            assertEquals("database", assertThrows(SpecException.class,
                    () -> spec(Map.of("grant", "SELECT", "database", bad)), bad).argument());
        }
        for (String arg : List.of("user", "host")) {
            for (String bad : List.of("x'; DROP DATABASE mysql; --", "a`b", "a\\b", "a\nb")) {
                assertEquals(arg, assertThrows(SpecException.class,
                        () -> spec(Map.of("grant", "SELECT", "database", "nova.*", arg, bad)), bad).argument());
            }
        }
    }

    @Test
    void columnPrivilegesInShowGrantsDoNotBreakTheList() {
        assertEquals(List.of("SELECT (`a`, `b`)", "INSERT"), MysqlGrantsPresent.splitPrivileges("SELECT (`a`, `b`), INSERT"));
    }
}
