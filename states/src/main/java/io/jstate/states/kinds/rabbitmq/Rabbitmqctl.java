package io.jstate.states.kinds.rabbitmq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.RunMemo;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.Host;
import io.jstate.states.host.HostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How every RabbitMQ state talks to the broker: one place that builds rabbitmqctl command lines
 * and reads their JSON output.
 *
 * <p>A command line is {@code rabbitmqctl [-n NODE] -q COMMAND OPTIONS [--formatter json] -- ARGS}:
 * {@code -q} drops the "Listing users ..." banners so stdout is pure JSON, and {@code --} keeps a
 * user, vhost or pattern that starts with a dash from being read as an option.
 *
 * <p>Which rabbitmqctl to run and with what environment comes from the minion's
 * {@code rabbitmqctl} grain ({@code {command: /path/to/rabbitmqctl, env: {HOME: ...}}}), not from
 * SLS: it describes how this host reaches its broker (a tarball install, a private node with its
 * own Erlang cookie and epmd port), which is the same for every state and is not a property of a
 * user or a vhost. Without the grain, {@code rabbitmqctl} from PATH runs with the minion's own
 * environment, which is right for a packaged broker.
 */
final class Rabbitmqctl {
    /** rabbitmqctl's JSON: one document, nothing after it; written with sorted keys, so equal values write equal text. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /** The grain that configures this class. */
    static final String GRAIN = "rabbitmqctl";

    /** rabbitmqctl's exit code when the command's data was wrong, e.g. a password did not match. */
    static final int EX_DATAERR = 65;

    /** Which rabbitmqctl to run and the environment variables to give it. */
    record Config(String command, Map<String, String> env) {
        static final Config DEFAULT = new Config("rabbitmqctl", Map.of());

        Config {
            if (command == null || command.isBlank()) throw new IllegalArgumentException("rabbitmqctl command must not be blank");
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        static Config fromGrains(Map<String, Object> grains) {
            Object g = grains.get(GRAIN);
            if (g == null) return DEFAULT;
            if (!(g instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("grain '" + GRAIN + "' must be a mapping with 'command' and/or 'env'");
            }
            for (Object k : m.keySet()) {
                if (!k.equals("command") && !k.equals("env")) {
                    throw new IllegalArgumentException("grain '" + GRAIN + "' has unknown key '" + k + "'; accepted: command, env");
                }
            }
            Object cmd = m.get("command");
            Object env = m.get("env");
            Map<String, String> e = new LinkedHashMap<>();
            if (env instanceof Map<?, ?> em) {
                em.forEach((k, v) -> e.put(String.valueOf(k), String.valueOf(v)));
            } else if (env != null) {
                throw new IllegalArgumentException("grain '" + GRAIN + ".env' must be a mapping of variable names to values");
            }
            return new Config(cmd == null ? DEFAULT.command() : String.valueOf(cmd), e);
        }
    }

    private final Host host;
    private final Config config;
    private final String node;
    private final RunMemo memo;

    Rabbitmqctl(Host host, Config config, String node) {
        this(host, config, node, new RunMemo());
    }

    Rabbitmqctl(Host host, Config config, String node, RunMemo memo) {
        this.host = host;
        this.config = config;
        this.node = node;
        this.memo = memo;
    }

    /** Validates a spec's {@code node} argument: null means rabbitmqctl's default node. */
    static String node(String node) {
        if (node == null) return null;
        if (node.isBlank() || node.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("node must be a node name such as rabbit@ctl1, got '" + node + "'");
        }
        return node;
    }

    /** Rejects a blank required argument, naming it. */
    static String required(String arg, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(arg + " is required");
        return value;
    }

    /** The client a state uses: the env's host, the grain's configuration, the spec's node (null: rabbitmqctl's default). */
    static Rabbitmqctl of(Env env, String node) {
        return new Rabbitmqctl(env.host(), Config.fromGrains(env.grains()), node, env.memo());
    }

    /** One rabbitmqctl invocation before it runs: command, options, positional arguments, secret for stdin. */
    record Call(String command, List<String> opts, List<String> args, boolean asJson, String secret) {
        Call {
            opts = List.copyOf(opts);
            args = List.copyOf(args);
        }

        static Call of(String command, String... args) {
            return new Call(command, List.of(), List.of(args), false, null);
        }

        Call options(String... options) {
            return new Call(command, List.of(options), args, asJson, secret);
        }

        Call json() {
            return new Call(command, opts, args, true, secret);
        }

        /** Feeds a secret on standard input so it never shows in the process list. */
        Call stdin(String s) {
            return new Call(command, opts, args, asJson, s);
        }

        @Override
        public String toString() {
            return "Call[" + command + " " + opts + " " + args + (secret == null ? "" : " with a secret on stdin") + "]";
        }
    }

    List<String> argv(Call c) {
        List<String> argv = new ArrayList<>();
        argv.add(config.command());
        if (node != null) {
            argv.add("-n");
            argv.add(node);
        }
        argv.add("-q");
        argv.add(c.command());
        argv.addAll(c.opts());
        if (c.asJson()) {
            argv.add("--formatter");
            argv.add("json");
        }
        if (!c.args().isEmpty()) {
            argv.add("--");
            argv.addAll(c.args());
        }
        return argv;
    }

    /** Runs an observing command and returns its result whatever the exit code. */
    ExecResult query(Call c) {
        return host.run(exec(Exec.query(argv(c)), c));
    }

    /**
     * The broker's definitions (vhosts, users, permissions, policies) from one
     * {@code export_definitions -}, asked once per run while nothing changes ({@link RunMemo}):
     * the checks of the users stage share one Erlang VM start instead of one or three each.
     */
    Definitions definitions() {
        Call c = Call.of("export_definitions", "-");
        List<String> argv = argv(c);
        return memo.get(new DefinitionsKey(argv, config.env()), () -> {
            Exec e = exec(Exec.query(argv), c);
            ExecResult r = host.run(e);
            if (!r.succeeded()) {
                // Only stderr: what export_definitions prints on stdout holds password hashes.
                String why = r.timedOut() ? "timed out after " + e.timeout().toSeconds() + "s" : "exited " + r.exitCode();
                throw new HostException("'" + e.display() + "' " + why + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()));
            }
            return Definitions.parse(r.stdout());
        });
    }

    /** What makes two export_definitions calls the same question: the command line and its environment. */
    private record DefinitionsKey(List<String> argv, Map<String, String> env) {}

    /** Runs a mutating command; a failure becomes a HostException quoting rabbitmqctl's error. */
    ExecResult change(Call c) {
        return tryChange(c).orThrow(exec(Exec.change(argv(c)), c));
    }

    /** Runs a mutating command and returns its result whatever the exit code. */
    ExecResult tryChange(Call c) {
        memo.clear();
        return host.run(exec(Exec.change(argv(c)), c));
    }

    /** Parses the JSON output of a {@link #query} that succeeded, or throws quoting its error. */
    Object parse(Call c, ExecResult r) {
        Exec e = exec(Exec.query(argv(c)), c);
        return parse(e, r.orThrow(e));
    }

    /** The text a failed command printed, for matching well-known errors such as a missing vhost. */
    static String output(ExecResult r) {
        return r.stdout() + "\n" + r.stderr();
    }

    private Exec exec(Exec e, Call c) {
        Exec out = e.withEnv(config.env());
        // rabbitmqctl reads a password from stdin up to the end of the line; a newline ends it cleanly.
        return c.secret() == null ? out : out.withStdin(c.secret() + "\n");
    }

    private static Object parse(Exec e, ExecResult r) {
        String out = r.stdout().strip();
        try {
            return json(out.isEmpty() ? "[]" : out);
        } catch (IllegalArgumentException ex) {
            throw new HostException("'" + e.display() + "' printed something that is not JSON (" + ex.getMessage() + "): "
                    + abbreviate(out));
        }
    }

    /**
     * One JSON document as maps, lists, text, numbers, booleans and null.
     *
     * @throws IllegalArgumentException when the text is not exactly one JSON document
     */
    static Object json(String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage());
        }
    }

    /** {@code value} as compact JSON with object keys sorted: comparing two such texts compares the values. */
    static String canonical(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
