package io.jstate.states.kinds.service;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import java.util.ArrayList;
import java.util.List;

/** {@code service.dead}: the service is stopped (a service that is not installed counts as stopped). */
public final class ServiceDead implements State<ServiceDead.Spec> {

    @StateDoc(summary = "The service is stopped (a service that is not installed counts as stopped).",
            example = """
                no-mariadb-standalone:
                  service.dead:
                    - name: mariadb
                    - enable: false
                """)
    public record Spec(
            @ArgDoc("the service") String name,
            @ArgDoc("true: start at boot; false: do not; not given: leave as it is") Boolean enable) {
        public Spec {
            ServiceBackends.validName(name);
        }
    }

    private final Env env;

    public ServiceDead(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        ServiceBackend b = ServiceBackends.select(env);
        List<Change> changes = new ArrayList<>();
        if (b.running(spec.name())) changes.add(Change.of("running", true, false));
        changes.addAll(ServiceRunning.enableDrift(b, spec.name(), spec.enable()));
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        ServiceBackend b = ServiceBackends.select(env);
        if (drift.has("running")) b.stop(spec.name());
        ServiceRunning.applyEnable(b, spec.name(), spec.enable(), drift);
        return Applied.NONE;
    }
}
