package io.jstate.states.kinds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.StateRegistry;
import io.jstate.states.host.FakeHost;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemKindsRegisteredTest {

    @Test
    void everySystemKindIsBuiltinAndConstructs() {
        StateRegistry registry = Kinds.registry();
        for (String kind : List.of("pkg.installed", "pkg.removed", "service.running", "service.dead", "service.enabled",
                "cmd.run", "user.present", "group.present", "host.present", "sysctl.present", "wait.for")) {
            var k = registry.find(kind).orElseThrow(() -> new AssertionError(kind + " is not registered"));
            var state = k.factory().apply(TestEnv.debian(new FakeHost()));
            assertTrue(state.getClass().getName().endsWith(k.specType().getEnclosingClass().getSimpleName()), kind);
        }
    }
}
