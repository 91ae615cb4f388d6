package io.jstate.states.formulas;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private one-node Galera cluster for real tests: mariadbd with the real galera-4 provider,
 * started with --wsrep-new-cluster, its data, socket, ports and logs in a temporary directory and
 * bound to 127.0.0.1 only. {@link #close()} kills it by PID and removes the directory, also when
 * the test failed; a shutdown hook does the same should the JVM end first.
 */
final class GaleraNode implements AutoCloseable {
    final Path dir;
    private Process server;
    private final Thread hook;

    GaleraNode() throws Exception {
        dir = Files.createTempDirectory("jstate-galera");
        hook = new Thread(this::kill);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run(120, "mariadb-install-db", "--no-defaults", "--datadir=" + data(), "--auth-root-authentication-method=socket",
                    "--user=root", "--skip-test-db");
            Files.writeString(cnf(), """
                    [mysqld]
                    datadir=%1$s/data
                    socket=%1$s/sock
                    port=%2$d
                    bind-address=127.0.0.1
                    pid-file=%1$s/pid
                    log-error=%1$s/error.log
                    skip-name-resolve
                    innodb-buffer-pool-size=16M
                    binlog_format=ROW
                    innodb_autoinc_lock_mode=2
                    innodb_flush_log_at_trx_commit=1
                    wsrep_on=ON
                    wsrep_provider=/usr/lib/galera/libgalera_smm.so
                    wsrep_cluster_address=gcomm://
                    wsrep_cluster_name=jstate-test
                    wsrep_node_address=127.0.0.1
                    wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:%3$d;ist.recv_addr=127.0.0.1:%4$d;gcache.size=16M"
                    """.formatted(dir, freePort(), freePort(), freePort()));
            start();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    Path data() {
        return dir.resolve("data");
    }

    Path socket() {
        return dir.resolve("sock");
    }

    Path cnf() {
        return dir.resolve("my.cnf");
    }

    Path pidfile() {
        return dir.resolve("pid");
    }

    private void start() throws Exception {
        server = new ProcessBuilder("mariadbd", "--defaults-file=" + cnf(), "--user=root", "--wsrep-new-cluster")
                .redirectErrorStream(true).redirectOutput(dir.resolve("mariadbd.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"Synced".equals(sql("SHOW STATUS LIKE 'wsrep_local_state_comment'").replaceAll(".*\t", "").strip())) {
            if (!server.isAlive()) throw new IllegalStateException("mariadbd exited " + server.exitValue() + ":\n" + log());
            if (System.nanoTime() > deadline) throw new IllegalStateException("mariadbd not Synced within 60s:\n" + log());
            Thread.sleep(300);
        }
    }

    /** Runs SQL as root over the socket; "" when the server does not answer. */
    String sql(String sql) throws Exception {
        if (!Files.exists(socket())) return "";
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + socket(), "--user=root", "--connect-timeout=5",
                "--batch", "--skip-column-names", "-e", sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return p.exitValue() == 0 ? out : "";
    }

    long pid() {
        return server.pid();
    }

    /** SIGKILL, as a crash: nothing is flushed or marked safe. */
    void kill() {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            try {
                server.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("error.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws IOException {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs already and kills the server itself.
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void run(int seconds, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(argv[0] + " did not finish in " + seconds + "s");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(argv[0] + " exited " + p.exitValue());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
