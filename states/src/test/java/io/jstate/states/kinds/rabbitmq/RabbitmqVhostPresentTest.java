package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitmqVhostPresentTest {

    private static RabbitmqVhostPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(RabbitmqVhostPresent.Spec.class, "openstack", args);
    }

    @Test
    void existingVhostFromRealExportIsInSync() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        Drift d = new RabbitmqVhostPresent(FakeBroker.env(h)).check(spec(Map.of()));
        assertTrue(d.inSync());
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -"), h.commandLines());
    }

    @Test
    void missingVhostIsDriftAndApplyAddsItOnTheGivenNode() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        RabbitmqVhostPresent s = new RabbitmqVhostPresent(FakeBroker.env(h));
        RabbitmqVhostPresent.Spec spec = spec(Map.of("name", "nova", "node", "rabbit@ctl1"));
        Drift d = s.check(spec);
        assertEquals(List.of(Change.of("vhost", null, "nova")), d.changes());
        h.clear();
        s.apply(spec, d);
        assertEquals(List.of(List.of("rabbitmqctl", "-n", "rabbit@ctl1", "-q", "add_vhost", "--", "nova")),
                h.commands().stream().map(e -> e.argv()).toList());
        assertEquals(List.of("run rabbitmqctl -n rabbit@ctl1 -q add_vhost -- nova"), h.mutations());
    }

    @Test
    void convergesAndThenStaysInSync() throws Exception {
        FakeBroker b = new FakeBroker();
        RabbitmqVhostPresent s = new RabbitmqVhostPresent(b.env());
        RabbitmqVhostPresent.Spec spec = spec(Map.of());
        s.apply(spec, s.check(spec));
        assertTrue(b.vhosts.contains("openstack"));
        b.host.clear();
        assertTrue(s.check(spec).inSync());
        assertTrue(b.host.mutations().isEmpty());
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() throws Exception {
        FakeBroker b = new FakeBroker();
        Drift d = new RabbitmqVhostPresent(b.env().withHost(new ReadOnlyHost(b.host))).check(spec(Map.of()));
        assertEquals(1, d.changes().size());
        assertTrue(b.host.mutations().isEmpty());
    }

    @Test
    void unreachableNodeIsAnErrorNotDrift() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.fail(69, FakeBroker.fixture("unreachable.txt")));
        HostException e = assertThrows(HostException.class,
                () -> new RabbitmqVhostPresent(FakeBroker.env(h)).check(spec(Map.of())));
        assertTrue(e.getMessage().contains("unable to perform an operation on node"), e.getMessage());
    }

    @Test
    void blankNodeIsRejected() {
        assertThrows(RuntimeException.class, () -> spec(Map.of("node", " ")));
    }
}
