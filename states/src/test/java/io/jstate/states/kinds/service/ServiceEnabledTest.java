package io.jstate.states.kinds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnabledTest {

    final FakeHost host = new FakeHost();
    final FakeInit keepalived = new FakeInit(host, "keepalived");
    final ServiceEnabled state = new ServiceEnabled(TestEnv.debian(host));
    final ServiceEnabled.Spec spec = SpecBinder.bind(ServiceEnabled.Spec.class, "keepalived", Map.of());

    @Test
    void enablesWithoutStartingThenIsInSync() {
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("enabled", false, true)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run update-rc.d keepalived defaults"), host.mutations());
        assertTrue(state.check(spec).inSync());
        assertTrue(host.commandLines().stream().noneMatch(c -> c.contains("start")));
    }

    @Test
    void aMissingInitScriptFailsClearly() {
        var state = new ServiceEnabled(TestEnv.debian(new FakeHost()));
        HostException e = assertThrows(HostException.class, () -> state.apply(spec, state.check(spec)));
        assertTrue(e.getMessage().contains("has no init script /etc/init.d/keepalived"), e.getMessage());
    }

    @Test
    void checkOnlyObserves() {
        var ro = new ServiceEnabled(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(1, ro.check(spec).changes().size());
        assertTrue(host.mutations().isEmpty());
    }
}
