package io.jstate.states.lang;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.UsesTemplates;
import java.util.List;
import java.util.Map;

/** State kinds that exist only for compiler tests: they bind specs like real kinds and do nothing. */
final class TestKinds {
    private TestKinds() {}

    /** test.nop: a spec with a few argument shapes; {@code port} must be positive. */
    record Nop(String name, String mode, Integer port, Map<String, Object> settings, List<String> items) {
        Nop {
            if (port != null && port <= 0) throw new IllegalArgumentException("port must be positive");
        }
    }

    /** svc.running: a second family, for {family: ref} requisites. */
    record Svc(String name, boolean enable) {}

    /** test.template: names a template of the tree, as file.managed does. */
    record Tpl(String name, String source, Map<String, Object> context) implements UsesTemplates {
        @Override
        public List<TemplateUse> templates() {
            return List.of(new TemplateUse(source, true, context == null ? Map.of() : context));
        }
    }

    static StateRegistry registry() {
        return StateRegistry.builder()
                .register("test.nop", Nop.class, env -> new Noop<>(Nop.class, env))
                .register("test.config", Nop.class, env -> new Noop<>(Nop.class, env))
                .register("svc.running", Svc.class, env -> new Noop<>(Svc.class, env))
                .register("test.template", Tpl.class, env -> new Noop<>(Tpl.class, env))
                .build();
    }

    private record Noop<S extends Record>(Class<S> specType, Env env) implements State<S> {
        @Override
        public Drift check(S spec) {
            return Drift.NONE;
        }

        @Override
        public Applied apply(S spec, Drift drift) {
            return Applied.NONE;
        }
    }
}
