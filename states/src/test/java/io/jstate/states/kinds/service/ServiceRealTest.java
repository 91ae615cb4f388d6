package io.jstate.states.kinds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.HostException;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The init-script backend against this machine, for a service that does not exist: nothing is started or changed. */
@Tag("real")
@Timeout(30)
class ServiceRealTest {

    static final String NONE = "jstate-no-such-service";

    @Test
    void aServiceThatDoesNotExistIsStoppedAndNotEnabled() {
        var b = new InitScriptBackend(LocalHost.system());
        assertFalse(b.running(NONE));
        assertFalse(b.enabled(NONE));
        HostException e = assertThrows(HostException.class, () -> b.start(NONE, java.time.Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("no init script /etc/init.d/" + NONE), e.getMessage());
    }

    @Test
    void statesCheckTheRealSystemReadOnly() {
        var env = TestEnv.readOnly(TestEnv.debian(LocalHost.system()));
        assertEquals(List.of(Change.of("running", false, true)),
                new ServiceRunning(env).check(SpecBinder.bind(ServiceRunning.Spec.class, NONE, Map.of())).changes());
        assertTrue(new ServiceDead(env).check(SpecBinder.bind(ServiceDead.Spec.class, NONE, Map.of("enable", false))).inSync());
        assertEquals(List.of(Change.of("enabled", false, true)),
                new ServiceEnabled(env).check(SpecBinder.bind(ServiceEnabled.Spec.class, NONE, Map.of())).changes());
    }
}
