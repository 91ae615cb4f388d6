package io.jstate.states.kinds.service;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;

/** {@code service.enabled}: the service starts at boot; whether it runs now is left alone. */
public final class ServiceEnabled implements State<ServiceEnabled.Spec> {

    @StateDoc(summary = "The service starts at boot; whether it runs now is left alone.",
            example = """
                keepalived:
                  service.enabled: []
                """)
    public record Spec(
            @ArgDoc("the service") String name) {
        public Spec {
            ServiceBackends.validName(name);
        }
    }

    private final Env env;

    public ServiceEnabled(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        return new Drift(ServiceRunning.enableDrift(ServiceBackends.select(env), spec.name(), true));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        ServiceRunning.applyEnable(ServiceBackends.select(env), spec.name(), true, drift);
        return Applied.NONE;
    }
}
