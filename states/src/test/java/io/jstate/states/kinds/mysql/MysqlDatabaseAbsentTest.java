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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MysqlDatabaseAbsentTest {

    static FakeHost server(AtomicBoolean exists) {
        FakeHost h = new FakeHost();
        h.on(e -> !e.mutates(), e -> ExecResult.ok(exists.get() ? "1\n" : ""));
        h.on(Exec::mutates, e -> {
            exists.set(false);
            return ExecResult.ok("");
        });
        return h;
    }

    static MysqlDatabaseAbsent.Spec spec(String name) {
        return SpecBinder.bind(MysqlDatabaseAbsent.Spec.class, name, Map.of());
    }

    @Test
    void dropsAnExistingDatabaseAndIsThenInSync() {
        FakeHost h = server(new AtomicBoolean(true));
        var state = new MysqlDatabaseAbsent(new Env(h, Map.of(), null));
        Drift d = state.check(spec("old_app"));
        assertEquals(List.of(Change.of("database", "present", "removed")), d.changes());
        state.apply(spec("old_app"), d);
        assertTrue(state.check(spec("old_app")).inSync());
        assertEquals("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = BINARY 'old_app';\n",
                h.commands().get(0).stdin());
        assertEquals(DEFAULT_ARGV, h.commands().get(1).argv());
        assertEquals("DROP DATABASE `old_app`;\n", h.commands().get(1).stdin());
        assertEquals(1, h.mutations().size());
    }

    @Test
    void missingDatabaseIsInSync() {
        FakeHost h = server(new AtomicBoolean(false));
        assertTrue(new MysqlDatabaseAbsent(new Env(h, Map.of(), null)).check(spec("old_app")).inSync());
        assertEquals(List.of(), h.mutations());
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() {
        FakeHost h = server(new AtomicBoolean(true));
        assertTrue(new MysqlDatabaseAbsent(new Env(new ReadOnlyHost(h), Map.of(), null)).check(spec("old_app")).has("database"));
        assertEquals(List.of(), h.mutations());
    }

    @Test
    void systemAndHostileNamesAreRefused() {
        for (String bad : List.of("mysql", "MySQL", "information_schema", "performance_schema", "sys",
                "x'; DROP DATABASE mysql; --", "a`b", "a\\b", "a\nb")) {
            assertEquals("name", assertThrows(SpecException.class, () -> spec(bad), bad).argument());
        }
    }
}
