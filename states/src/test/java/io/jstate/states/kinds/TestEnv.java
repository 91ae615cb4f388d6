package io.jstate.states.kinds;

import io.jstate.states.engine.Env;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Plan;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.Runner;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.Step;
import io.jstate.states.engine.Templates;
import io.jstate.states.host.Host;
import java.util.List;
import java.util.Map;

/** Envs for state unit tests: a Debian host without systemd, as in the lab, unless told otherwise. */
public final class TestEnv {
    private TestEnv() {}

    public static final Map<String, Object> DEBIAN_SYSV = Map.of("os_family", "Debian", "init", "sysvinit");
    public static final Map<String, Object> DEBIAN_SYSTEMD = Map.of("os_family", "Debian", "init", "systemd");

    public static Env debian(Host host) {
        return new Env(host, DEBIAN_SYSV, Templates.NONE);
    }

    public static Env systemd(Host host) {
        return new Env(host, DEBIAN_SYSTEMD, Templates.NONE);
    }

    /** The same env seen through the engine's read-only view, as during check and dry run. */
    public static Env readOnly(Env env) {
        return env.withHost(new ReadOnlyHost(env.host()));
    }

    /** Runs one state of a shipped kind through the engine, as a job would (waits, retries and all); its outcome. */
    public static Outcome run(Env env, String kind, Record spec) {
        return run(env, kind, spec, false, RunListener.NONE);
    }

    /** As {@link #run(Env, String, Record)}, as a dry run when {@code test}, telling {@code listener}. */
    public static Outcome run(Env env, String kind, Record spec, boolean test, RunListener listener) {
        Step step = new Step(0, "test-state", kind, spec, new Source("test", "test.sls", 1), List.of(), null);
        return new Runner(Kinds.registry(), env, listener).run(new Plan(List.of(step), Secrets.NONE), test).results().get(0).outcome();
    }
}
