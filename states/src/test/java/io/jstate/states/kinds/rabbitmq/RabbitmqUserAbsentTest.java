package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitmqUserAbsentTest {

    private static RabbitmqUserAbsent.Spec spec(String name) {
        return SpecBinder.bind(RabbitmqUserAbsent.Spec.class, name, Map.of());
    }

    @Test
    void guestFromRealExportIsDeleted() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "export_definitions"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        h.on(List.of("rabbitmqctl", "-q", "delete_user"), e -> ExecResult.ok(""));
        RabbitmqUserAbsent s = new RabbitmqUserAbsent(FakeBroker.env(h));
        Drift d = s.check(spec("guest"));
        assertEquals(List.of(Change.of("user", "guest", null)), d.changes());
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -"), h.commandLines());
        h.clear();
        s.apply(spec("guest"), d);
        assertEquals(List.of(List.of("rabbitmqctl", "-q", "delete_user", "--", "guest")),
                h.commands().stream().map(e -> e.argv()).toList());
    }

    @Test
    void missingUserIsInSync() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "export_definitions"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        assertTrue(new RabbitmqUserAbsent(FakeBroker.env(h)).check(spec("bob")).inSync());
    }

    @Test
    void convergesAndStaysInSync() throws Exception {
        FakeBroker b = new FakeBroker();
        RabbitmqUserAbsent s = new RabbitmqUserAbsent(b.env());
        s.apply(spec("guest"), s.check(spec("guest")));
        assertFalse(b.users.containsKey("guest"));
        b.host.clear();
        assertTrue(s.check(spec("guest")).inSync());
        assertTrue(b.host.mutations().isEmpty());
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() throws Exception {
        FakeBroker b = new FakeBroker();
        Drift d = new RabbitmqUserAbsent(b.env().withHost(new ReadOnlyHost(b.host))).check(spec("guest"));
        assertFalse(d.inSync());
        assertTrue(b.host.mutations().isEmpty());
        assertTrue(b.users.containsKey("guest"));
    }
}
