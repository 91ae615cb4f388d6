package io.jstate.states.kinds.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupPresentTest {

    final FakeHost host = new FakeHost();
    final FakeAccounts db = new FakeAccounts(host);
    final GroupPresent state = new GroupPresent(TestEnv.debian(host));

    static GroupPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(GroupPresent.Spec.class, "mysql", args);
    }

    @Test
    void createsAMissingGroupThenIsInSync() {
        var spec = spec(Map.of("gid", 990, "system", true));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("group", null, "mysql"), Change.of("gid", null, 990)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run groupadd -r -g 990 mysql"), host.mutations());
        assertTrue(state.check(spec).inSync());
        assertEquals("getent group mysql", host.commandLines().get(0));
    }

    @Test
    void anExistingGroupWithoutGidIsInSync() {
        db.groups.put("mysql", "115");
        assertTrue(state.check(spec(Map.of())).inSync());
    }

    @Test
    void changesTheGid() {
        db.groups.put("mysql", "115");
        var spec = spec(Map.of("gid", 990));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("gid", "115", 990)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run groupmod -g 990 mysql"), host.mutations());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void aBrokenDatabaseIsAnError() {
        host.on(List.of("getent"), e -> ExecResult.fail(1, "getent: bad config"));
        assertThrows(HostException.class, () -> state.check(spec(Map.of())));
    }

    @Test
    void checkOnlyObserves() {
        var ro = new GroupPresent(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(2, ro.check(spec(Map.of("gid", 1))).changes().size());
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void badNamesAreRejected() {
        assertThrows(SpecException.class, () -> SpecBinder.bind(GroupPresent.Spec.class, "-rf", Map.of()));
        assertThrows(SpecException.class, () -> spec(Map.of("gid", -5)));
    }
}
