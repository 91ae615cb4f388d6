package io.jstate.states.kinds.mysql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private MariaDB server for real tests: its own data directory, socket and loopback port in a
 * temporary directory, never the system's. It is stopped by its PID (TERM, then KILL if it does
 * not exit in time) and its directory removed after the tests, also when they or the start fail,
 * and by a shutdown hook should the test JVM be ended first.
 */
final class MariadbServer implements BeforeAllCallback, AfterAllCallback {

    private static final long START_SECONDS = 60;
    private static final long STOP_SECONDS = 30;

    private Path dir;
    private Process server;
    private Thread hook;
    private int port;

    Path socket() {
        return dir.resolve("mysqld.sock");
    }

    int port() {
        return port;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        try {
            start();
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    private void start() throws Exception {
        dir = Files.createTempDirectory("jstate-mariadb");
        Path data = dir.resolve("data");
        Path installLog = dir.resolve("install.log");
        Process install = new ProcessBuilder("mariadb-install-db", "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=socket", "--user=root", "--skip-test-db")
                .redirectErrorStream(true).redirectOutput(installLog.toFile()).redirectInput(ProcessBuilder.Redirect.from(devNull()))
                .start();
        if (!install.waitFor(120, TimeUnit.SECONDS)) {
            install.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("mariadb-install-db did not finish in 120s");
        }
        if (install.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db exited " + install.exitValue() + ":\n" + tail(installLog));
        }
        port = freePort();
        Path errorLog = dir.resolve("error.log");
        server = new ProcessBuilder("mariadbd", "--no-defaults", "--datadir=" + data, "--socket=" + socket(),
                "--port=" + port, "--bind-address=127.0.0.1", "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--user=root", "--log-error=" + errorLog, "--skip-name-resolve", "--innodb-buffer-pool-size=16M")
                .redirectErrorStream(true).redirectOutput(dir.resolve("mariadbd.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(devNull())).start();
        Process started = server;
        hook = new Thread(() -> started.destroyForcibly());
        Runtime.getRuntime().addShutdownHook(hook);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!answers()) {
            if (!server.isAlive()) {
                throw new IllegalStateException("mariadbd exited " + server.exitValue() + ":\n" + tail(errorLog));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("mariadbd did not answer within " + START_SECONDS + "s:\n" + tail(errorLog));
            }
            Thread.sleep(200);
        }
    }

    /** Whether root can run a query over the socket yet. */
    private boolean answers() throws IOException, InterruptedException {
        if (!Files.exists(socket())) return false;
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + socket(), "--user=root",
                "--connect-timeout=5", "-e", "SELECT 1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(devNull())).start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return false;
        }
        return p.exitValue() == 0;
    }

    private void stop() throws IOException, InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            server = null;
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running already and does the same.
            }
            hook = null;
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
                for (Path p : paths) Files.deleteIfExists(p);
            }
            dir = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
