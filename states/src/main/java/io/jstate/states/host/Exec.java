package io.jstate.states.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to run. {@code mutates} says whether it may change the system: the engine's
 * read-only view refuses mutating commands while a state checks or during a dry run.
 * {@code stdin} carries secrets (passwords, SQL) so they never show in a process list.
 */
public record Exec(List<String> argv, boolean mutates, String stdin, Map<String, String> env,
                   Path cwd, String runas, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public Exec {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) throw new IllegalArgumentException("empty command");
        env = env == null ? Map.of() : Map.copyOf(env);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** A command that only observes (dpkg-query, systemctl is-active, rabbitmqctl list_users). */
    public static Exec query(String... argv) {
        return new Exec(List.of(argv), false, null, Map.of(), null, null, null);
    }

    public static Exec query(List<String> argv) {
        return new Exec(argv, false, null, Map.of(), null, null, null);
    }

    /** A command that changes the system (apt-get install, service start). */
    public static Exec change(String... argv) {
        return new Exec(List.of(argv), true, null, Map.of(), null, null, null);
    }

    public static Exec change(List<String> argv) {
        return new Exec(argv, true, null, Map.of(), null, null, null);
    }

    public Exec withStdin(String in) {
        return new Exec(argv, mutates, in, env, cwd, runas, timeout);
    }

    public Exec withEnv(Map<String, String> e) {
        return new Exec(argv, mutates, stdin, e, cwd, runas, timeout);
    }

    public Exec withCwd(Path dir) {
        return new Exec(argv, mutates, stdin, env, dir, runas, timeout);
    }

    public Exec withRunas(String user) {
        return new Exec(argv, mutates, stdin, env, cwd, user, timeout);
    }

    public Exec withTimeout(Duration t) {
        return new Exec(argv, mutates, stdin, env, cwd, runas, Objects.requireNonNull(t));
    }

    /** The command line for messages; never includes stdin. */
    public String display() {
        return String.join(" ", argv);
    }
}
