package io.jstate.states.kinds.service;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.engine.Watchable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code service.running}: the service runs, and starts at boot if {@code enable} says so. When a
 * watched state changed, the service is restarted (or reloaded) so it picks up the change.
 */
public final class ServiceRunning implements Watchable<ServiceRunning.Spec> {

    @StateDoc(summary = "The service runs, and starts at boot if `enable` says so. When a watched state changed, the service is restarted (or reloaded) so it picks up the change. systemd where it is PID 1, SysV init scripts elsewhere (grain `init`).",
            example = """
                memcached-conf:
                  file.managed:
                    - name: /etc/memcached.conf
                    - contents: "-l 127.0.0.1"

                memcached:
                  service.running:
                    - enable: true
                    - watch:
                      - file: memcached-conf
                """)
    public record Spec(
            @ArgDoc("the service (unit or init script name)") String name,
            @ArgDoc("true: start at boot; false: do not; not given: leave as it is") Boolean enable,
            @ArgDoc("on a watched change, reload instead of restart") boolean reload) {
        public Spec {
            ServiceBackends.validName(name);
        }
    }

    private final Env env;

    /**
     * Services this instance started in this run. A watched change then needs no restart: the
     * fresh process already read the new configuration. Being enabled is a change too, but one
     * after which the old process still runs, hence this set rather than the engine's flag alone.
     */
    private final Set<String> started = new HashSet<>();

    public ServiceRunning(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        ServiceBackend b = ServiceBackends.select(env);
        Drift running = b.running(spec.name()) ? Drift.NONE : Drift.of(Change.of("running", false, true));
        return new Drift(concat(running.changes(), enableDrift(b, spec.name(), spec.enable())));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        ServiceBackend b = ServiceBackends.select(env);
        if (drift.has("running")) start(b, spec.name());
        applyEnable(b, spec.name(), spec.enable(), drift);
        return Applied.NONE;
    }

    /** How long a started service may take to say it runs. */
    static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(10);
    private static final java.time.Duration POLL = java.time.Duration.ofMillis(200);

    /**
     * Many init scripts return before the daemon has written its pid file (memcached's, for one),
     * so a status asked at once says "stopped" for a service that is starting. Asks again for a
     * short while; the engine's recheck then reports a service that really did not start.
     */
    private void start(ServiceBackend b, String name) {
        b.start(name);
        started.add(name);
        long end = env.host().nanoTime() + SETTLE.toNanos();
        try {
            while (!b.running(name) && env.host().nanoTime() < end) env.host().sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<Change> react(Spec spec, boolean changedNow) {
        ServiceBackend b = ServiceBackends.select(env);
        if (!b.running(spec.name())) {
            start(b, spec.name());
            return List.of(Change.of("running", false, true));
        }
        if (changedNow && started.contains(spec.name())) return List.of();
        if (spec.reload()) b.reload(spec.name());
        else b.restart(spec.name());
        return List.of(restarted(spec));
    }

    /** A stopped service is already shown as to be started by check; a running one would be restarted. */
    @Override
    public List<Change> wouldReact(Spec spec) {
        return ServiceBackends.select(env).running(spec.name()) ? List.of(restarted(spec)) : List.of();
    }

    private static Change restarted(Spec spec) {
        return Change.of("service", "running", spec.reload() ? "reloaded" : "restarted");
    }

    /** The "enabled" change, if any, shared by every service state that takes {@code enable}. */
    static List<Change> enableDrift(ServiceBackend b, String name, Boolean enable) {
        if (enable == null) return List.of();
        boolean now = b.enabled(name);
        return now == enable ? List.of() : List.of(Change.of("enabled", now, enable));
    }

    static void applyEnable(ServiceBackend b, String name, Boolean enable, Drift drift) {
        if (enable == null || !drift.has("enabled")) return;
        if (enable) b.enable(name);
        else b.disable(name);
    }

    private static List<Change> concat(List<Change> a, List<Change> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
