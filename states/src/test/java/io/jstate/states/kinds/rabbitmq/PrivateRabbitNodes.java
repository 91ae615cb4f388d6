package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.LocalHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Private RabbitMQ nodes for real tests, invisible to the machine's own broker: their own Erlang
 * cookie (HOME is the temp dir), their own epmd on a free loopback port (started and stopped
 * here, by PID), node names and ports of their own, data, logs and config under the temp dir,
 * everything bound to 127.0.0.1. The packaged /usr/sbin wrappers are bypassed because, run as
 * root, they switch to the rabbitmq user and its HOME, which would bring the system cookie back.
 */
final class PrivateRabbitNodes implements AutoCloseable {

    static final Path LIB = Path.of("/usr/lib/rabbitmq/bin");
    static final Path SERVER = LIB.resolve("rabbitmq-server");
    static final Path CTL = LIB.resolve("rabbitmqctl");
    private static final String LOOPBACK_DIST = "-kernel inet_dist_use_interface {127,0,0,1}";

    /** One node: its name, ports and the rabbitmq-server process this class started. */
    record Node(String name, int amqpPort, int distPort, Path base, Process process) {}

    private final Path dir;
    private final String tag;
    private final int epmdPort;
    private final Process epmd;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread shutdownHook;
    private final LocalHost host = LocalHost.system();

    PrivateRabbitNodes(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(SERVER) || !Files.isExecutable(CTL)) {
            throw new IllegalStateException("real RabbitMQ tests need the rabbitmq-server package (" + SERVER + ")");
        }
        this.dir = dir;
        SecureRandom rnd = new SecureRandom();
        byte[] t = new byte[3];
        rnd.nextBytes(t);
        this.tag = HexFormat.of().formatHex(t);
        byte[] cookie = new byte[20];
        rnd.nextBytes(cookie);
        Path cookieFile = dir.resolve(".erlang.cookie");
        Files.writeString(cookieFile, HexFormat.of().formatHex(cookie).toUpperCase(), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(cookieFile, PosixFilePermissions.fromString("r--------"));
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        Files.writeString(dir.resolve("rabbitmq.conf"), "");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        Files.writeString(dir.resolve("advanced.config"), "[].\n");

        this.epmdPort = freePort();
        this.epmd = new ProcessBuilder("epmd", "-port", String.valueOf(epmdPort), "-address", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("epmd.log").toFile()).start();
        this.shutdownHook = new Thread(this::killAll, "private-rabbit-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!listening(epmdPort)) {
            if (!epmd.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("private epmd did not start on port " + epmdPort + ": " + log("epmd.log"));
            }
            Thread.sleep(100);
        }
    }

    /** Starts a node named jst{short}{tag}@localhost without waiting for it; see {@link #awaitStartup}. */
    Node start(String shortName) throws IOException {
        String name = "jst" + shortName + tag + "@localhost";
        Path base = Files.createDirectories(dir.resolve(shortName));
        Map<String, String> env = new LinkedHashMap<>(ctlEnv());
        env.put("RABBITMQ_NODENAME", name);
        int amqp = freePort();
        int dist = freePort();
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", String.valueOf(amqp));
        env.put("RABBITMQ_DIST_PORT", String.valueOf(dist));
        env.put("RABBITMQ_MNESIA_BASE", base.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", base.resolve("log").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", LOOPBACK_DIST);
        ProcessBuilder pb = new ProcessBuilder(SERVER.toString()).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(base.resolve("server.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Node n = new Node(name, amqp, dist, base, pb.start());
        nodes.add(n);
        return n;
    }

    /** Waits until the node has booted, at most {@code max}; fails with the tail of its output. */
    void awaitStartup(Node n, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            // await_startup fails at once while the node is not yet registered with epmd, so poll it.
            ExecResult r = ctl(n, "await_startup", "--timeout", "10");
            if (r.succeeded()) return;
            if (!n.process().isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + n.name() + " did not start within " + max + ": " + r.stderr()
                        + "\n--- server output:\n" + log(dir.relativize(n.base().resolve("server.out")).toString()));
            }
            Thread.sleep(500);
        }
    }

    /** The environment rabbitmqctl needs to reach these nodes: the private cookie and epmd. */
    Map<String, String> ctlEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", dir.toString());
        env.put("ERL_EPMD_PORT", String.valueOf(epmdPort));
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_CTL_ERL_ARGS", LOOPBACK_DIST);
        return env;
    }

    /** The grains a minion of this machine would carry to drive these nodes. */
    Map<String, Object> grains() {
        return Map.of(Rabbitmqctl.GRAIN, Map.of("command", CTL.toString(), "env", ctlEnv()));
    }

    /** Runs rabbitmqctl against a node for the test's own observations. */
    ExecResult ctl(Node n, String... args) {
        return ctlWithStdin(n, null, args);
    }

    /** Runs rabbitmq-diagnostics against a node, as ctl does rabbitmqctl. */
    ExecResult diagnostics(Node n, String... args) {
        return run(CTL.resolveSibling("rabbitmq-diagnostics"), n, null, args);
    }

    ExecResult ctlWithStdin(Node n, String stdin, String... args) {
        return run(CTL, n, stdin, args);
    }

    private ExecResult run(Path command, Node n, String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of(command.toString(), "-n", n.name(), "-q"));
        argv.addAll(List.of(args));
        Exec e = new Exec(argv, true, stdin, ctlEnv(), null, null, Duration.ofSeconds(60));
        return host.run(e);
    }

    /** Stops every node politely, then makes sure every process this class started is gone. */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.process().isAlive()) {
                ExecResult r = ctl(n, "stop");
                if (!r.succeeded()) System.err.println("stopping " + n.name() + ": " + r.stderr());
            }
        }
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or ran: nothing left to undo.
        }
    }

    private void killAll() {
        for (Node n : nodes) stop(n.process());
        stop(epmd);
    }

    /** Ends a process this class started and every process below it, by their handles (PIDs). */
    private static void stop(Process p) {
        List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : family) {
            if (h.isAlive()) {
                h.destroy();
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            }
        }
    }

    private String log(String relative) {
        try {
            String s = Files.readString(dir.resolve(relative));
            return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
        } catch (IOException e) {
            return "(no " + relative + ")";
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
