package io.jstate.states.kinds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.FakeHost;
import io.jstate.states.kinds.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceDeadTest {

    final FakeHost host = new FakeHost();
    final FakeInit apache = new FakeInit(host, "apache2");
    final ServiceDead state = new ServiceDead(TestEnv.debian(host));

    static ServiceDead.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(ServiceDead.Spec.class, "apache2", args);
    }

    @Test
    void stopsAndDisablesARunningServiceThenIsInSync() {
        apache.running = true;
        apache.enabled();
        var spec = spec(Map.of("enable", false));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("running", true, false), Change.of("enabled", true, false)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run /etc/init.d/apache2 stop", "run update-rc.d apache2 disable"), host.mutations());
        host.delete(java.nio.file.Path.of("/etc/rc2.d/S01apache2"));
        host.delete(java.nio.file.Path.of("/etc/rc3.d/S01apache2"));
        host.delete(java.nio.file.Path.of("/etc/rc4.d/S01apache2"));
        host.delete(java.nio.file.Path.of("/etc/rc5.d/S01apache2"));
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void aServiceThatIsNotInstalledIsDead() {
        var state = new ServiceDead(TestEnv.debian(new FakeHost()));
        assertTrue(state.check(SpecBinder.bind(ServiceDead.Spec.class, "apache2", Map.of("enable", false))).inSync());
    }

    @Test
    void checkOnlyObserves() {
        apache.running = true;
        var ro = new ServiceDead(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(2, ro.check(spec(Map.of("enable", true))).changes().size());
        assertTrue(host.mutations().isEmpty());
    }
}
