package io.jstate.states.kinds.service;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.engine.Step;
import io.jstate.states.engine.Watchable;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.HostException;
import java.nio.file.Path;
import java.time.Duration;
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
            @ArgDoc("on a watched change, reload instead of restart") boolean reload,
            @ArgDoc("a shell command that exits 0 exactly when the service runs, for daemons whose init script cannot tell (RabbitMQ's VM up with its app stopped); not given: the init system's status") String status,
            @ArgDoc("a shell command that starts the service from whatever state `status` found it in; not given: the init system's start") String start,
            @ArgDoc("seconds the start may take before it is stopped and the state fails (default 600)") Double startTimeout,
            @ArgDoc("the daemon's log: its last lines go into the state's comment when the start fails or hangs") String log) {
        public Spec {
            ServiceBackends.validName(name);
            if (status != null && status.isBlank()) throw new IllegalArgumentException("status must be a command, not blank");
            if (start != null && start.isBlank()) throw new IllegalArgumentException("start must be a command, not blank");
            if (startTimeout != null && startTimeout <= 0) throw new IllegalArgumentException("start_timeout must be positive");
        }

        /** A plain service: the init system's own status and start. */
        public Spec(String name, Boolean enable, boolean reload) {
            this(name, enable, reload, null, null, null, null);
        }

        Duration startBound() {
            return startTimeout == null ? Exec.DEFAULT_TIMEOUT : Duration.ofMillis((long) (startTimeout * 1000));
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
        Drift running = running(b, spec) ? Drift.NONE : Drift.of(Change.of("running", false, true));
        return new Drift(concat(running.changes(), enableDrift(b, spec.name(), spec.enable())));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        ServiceBackend b = ServiceBackends.select(env);
        if (drift.has("running")) start(b, spec);
        applyEnable(b, spec.name(), spec.enable(), drift);
        return Applied.NONE;
    }

    /**
     * Many init scripts return before the daemon has written its pid file (memcached's, for one),
     * so a status asked at once says "stopped" for a service that is starting: the engine asks
     * again for up to ten seconds after a start or restart before it reports a service that really
     * did not start.
     */
    static final Step.Retry SETTLE = new Step.Retry(50, Duration.ofMillis(200));

    @Override
    public Step.Retry settle(Spec spec) {
        return SETTLE;
    }

    private void start(ServiceBackend b, Spec spec) {
        try {
            if (spec.start() == null) {
                b.start(spec.name(), spec.startBound());
            } else {
                Exec e = Exec.change("/bin/sh", "-c", spec.start()).withTimeout(spec.startBound());
                env.host().run(e).orThrow(e);
            }
        } catch (HostException e) {
            throw new HostException(e.getMessage() + logTail(spec));
        }
        started.add(spec.name());
    }

    /** Lines of the daemon's log quoted after a failed start: enough for the error that stopped it. */
    static final int LOG_LINES = 15;

    private String logTail(Spec spec) {
        if (spec.log() == null) return "";
        Path log = Path.of(spec.log());
        if (!env.host().exists(log)) return "; " + log + " does not exist";
        List<String> lines = env.host().readString(log).lines().toList();
        return "; the last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
    }

    /** The spec's own status command when it has one, else the init system's status. */
    private boolean running(ServiceBackend b, Spec spec) {
        if (spec.status() == null) return b.running(spec.name());
        Exec e = Exec.query("/bin/sh", "-c", spec.status()).withTimeout(STATUS_TIMEOUT);
        ExecResult r = env.host().run(e);
        if (r.timedOut()) r.orThrow(e);
        return r.exitCode() == 0;
    }

    /** How long a status command may take: RabbitMQ's CLI starts an Erlang VM, seconds on a loaded host. */
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public List<Change> react(Spec spec, boolean changedNow) {
        ServiceBackend b = ServiceBackends.select(env);
        if (!running(b, spec)) {
            start(b, spec);
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
        return running(ServiceBackends.select(env), spec) ? List.of(restarted(spec)) : List.of();
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
