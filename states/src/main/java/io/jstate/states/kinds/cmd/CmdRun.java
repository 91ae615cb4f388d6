package io.jstate.states.kinds.cmd;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.engine.Watchable;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.HostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cmd.run}: runs a shell command, unless a guard says it has done its work already:
 * {@code creates} (the paths exist), {@code onlyif} (a guard command fails) or {@code unless}
 * (every guard command succeeds). Guards only observe, so they run during check and dry runs.
 * A command with {@code onchanges} runs only when the watched state changed; that is the
 * engine's decision, not this class's.
 */
public final class CmdRun implements Watchable<CmdRun.Spec> {

    /** How much of a failed command's output a failure message quotes. */
    static final int TAIL_CHARS = 2000;

    @StateDoc(summary = "A shell command runs, unless a guard says its work is done: `creates` (the paths exist), `onlyif` (a guard command fails) or `unless` (every guard command succeeds). Guards only observe, so they run during checks and dry runs. With `onchanges` it runs only when the watched state changed.",
            example = """
                rabbitmq-plugins-conf:
                  file.managed:
                    - name: /etc/rabbitmq/enabled_plugins
                    - contents: "[rabbitmq_management]."

                rabbitmq-plugins:
                  cmd.run:
                    - name: rabbitmq-plugins --offline enable rabbitmq_management
                    - unless:
                      - rabbitmq-plugins list -e -m | grep -qx rabbitmq_management
                    - onchanges:
                      - file: rabbitmq-plugins-conf
                """)
    public record Spec(
            @ArgDoc("the command, run by `/bin/sh -c`") String name,
            @ArgDoc("working directory, an absolute path") String cwd,
            @ArgDoc("variables added to the environment") Map<String, String> env,
            @ArgDoc("the user to run it as") String runas,
            @ArgDoc("guard commands: all succeeding means the work is done") List<String> unless,
            @ArgDoc("guard commands: any failing means there is nothing to do") List<String> onlyif,
            @ArgDoc("absolute paths: all existing means the work is done") List<String> creates,
            @ArgDoc("exit codes that count as success") List<Integer> successRetcodes) {
        public Spec {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("name (the command) is required");
            if (cwd != null && !cwd.startsWith("/")) throw new IllegalArgumentException("cwd must be an absolute path: " + cwd);
            env = env == null ? Map.of() : Map.copyOf(env);
            unless = unless == null ? List.of() : List.copyOf(unless);
            onlyif = onlyif == null ? List.of() : List.copyOf(onlyif);
            creates = creates == null ? List.of() : List.copyOf(creates);
            for (String c : creates) {
                if (!c.startsWith("/")) throw new IllegalArgumentException("creates must name absolute paths: " + c);
            }
            successRetcodes = successRetcodes == null || successRetcodes.isEmpty() ? List.of(0) : List.copyOf(successRetcodes);
        }
    }

    private final Env env;

    public CmdRun(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        return done(spec) ? Drift.NONE : Drift.of(Change.of("command", null, spec.name()));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        Exec exec = shell(spec, spec.name(), true);
        ExecResult r = env.host().run(exec);
        if (r.timedOut()) {
            throw new HostException("command timed out after " + exec.timeout().toSeconds() + "s" + tail(r));
        }
        if (!spec.successRetcodes().contains(r.exitCode())) {
            throw new HostException("command exited " + r.exitCode() + tail(r));
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("retcode", String.valueOf(r.exitCode()));
        data.put("stdout", r.stdout());
        data.put("stderr", r.stderr());
        return new Applied(null, data);
    }

    /** The result of a command cannot be observed afterwards; its exit code is the proof. */
    @Override
    public boolean recheck() {
        return false;
    }

    /**
     * A watched change runs the command again unless it already ran in this run; its guards still
     * apply, as they would on any run. This only repeats check and apply, so a dry run predicts
     * nothing more than check showed (the engine's default {@link #wouldReact}).
     */
    @Override
    public List<Change> react(Spec spec, boolean changedNow) {
        if (changedNow) return List.of();
        Drift d = check(spec);
        if (d.inSync()) return List.of();
        apply(spec, d);
        return d.changes();
    }

    private boolean done(Spec spec) {
        if (!spec.creates().isEmpty() && spec.creates().stream().allMatch(p -> env.host().exists(Path.of(p)))) return true;
        for (String guard : spec.onlyif()) {
            if (!env.host().run(shell(spec, guard, false)).succeeded()) return true;
        }
        if (!spec.unless().isEmpty()) {
            return spec.unless().stream().allMatch(guard -> env.host().run(shell(spec, guard, false)).succeeded());
        }
        return false;
    }

    private static Exec shell(Spec spec, String command, boolean mutates) {
        List<String> argv = List.of("/bin/sh", "-c", command);
        Exec exec = mutates ? Exec.change(argv) : Exec.query(argv);
        exec = exec.withEnv(spec.env());
        if (spec.cwd() != null) exec = exec.withCwd(Path.of(spec.cwd()));
        if (spec.runas() != null) exec = exec.withRunas(spec.runas());
        return exec;
    }

    private static String tail(ExecResult r) {
        String out = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
        if (out.isEmpty()) return "";
        return ": " + (out.length() > TAIL_CHARS ? "..." + out.substring(out.length() - TAIL_CHARS) : out);
    }
}
