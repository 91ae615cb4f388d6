package io.jstate.minion.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The formulas' shell scripts against a real one-node Galera cluster: clustercheck's answers
 * (directly and through socat as the init script serves it) and galera-status's checks.
 */
@Tag("real")
@Timeout(180)
class ClustercheckRealTest {
    private static final Path CLUSTERCHECK = Path.of("../states/formulas/clustercheck/clustercheck.sh");
    private static final Path GALERA_STATUS = Path.of("../states/formulas/galera/galera-status.sh");

    private record Run(int exit, String out) {}

    private static Run run(Map<String, String> env, String stdin, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", argv) + " did not finish");
        }
        return new Run(p.exitValue(), out);
    }

    private static String check(Path config) throws Exception {
        return run(Map.of(), "OPTIONS / HTTP/1.0\r\nUser-Agent: haproxy\r\n\r\n", "bash", CLUSTERCHECK.toString(), config.toString()).out();
    }

    private static void config(Path file, Path creds, Path maintenance, int donor) throws IOException {
        Files.writeString(file, "DEFAULTS_FILE=" + creds + "\nMAINTENANCE_FILE=" + maintenance + "\nAVAILABLE_WHEN_DONOR=" + donor + "\n");
    }

    @Test
    void clustercheckAnswersByTheNodesStateAndTheMaintenanceFlag() throws Exception {
        try (GaleraNode node = new GaleraNode()) {
            node.sql("CREATE USER 'clustercheck'@'localhost' IDENTIFIED BY 'check-pw'; GRANT PROCESS ON *.* TO 'clustercheck'@'localhost';");
            Path creds = node.dir.resolve("clustercheck.cnf");
            Files.writeString(creds, "[client]\nuser = clustercheck\npassword = \"check-pw\"\nsocket = " + node.socket() + "\n");
            Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-------"));
            Path maintenance = node.dir.resolve("maintenance");
            Path conf = node.dir.resolve("clustercheck.conf");
            config(conf, creds, maintenance, 0);

            String ok = check(conf);
            assertTrue(ok.startsWith("HTTP/1.1 200 OK\r\n"), ok);
            assertTrue(ok.endsWith("\r\n\r\nGalera node is synced.\r\n"), ok);
            assertTrue(ok.contains("Content-Length: 24\r\n"), ok);

            Files.writeString(maintenance, "");
            String drained = check(conf);
            assertTrue(drained.startsWith("HTTP/1.1 503 Service Unavailable\r\n") && drained.contains("maintenance"), drained);
            Files.delete(maintenance);

            // A desynced node is a donor (wsrep_local_state 2): served only when the pillar allows it.
            node.sql("SET GLOBAL wsrep_desync = ON;");
            try {
                String donor = check(conf);
                assertTrue(donor.startsWith("HTTP/1.1 503 ") && donor.contains("is a donor."), donor);
                config(conf, creds, maintenance, 1);
                String allowed = check(conf);
                assertTrue(allowed.startsWith("HTTP/1.1 200 OK") && allowed.contains("available when donor"), allowed);
            } finally {
                node.sql("SET GLOBAL wsrep_desync = OFF;");
            }

            Files.writeString(creds, "[client]\nuser = clustercheck\npassword = \"wrong\"\nsocket = " + node.socket() + "\n");
            String denied = check(conf);
            assertTrue(denied.startsWith("HTTP/1.1 503 ") && denied.contains("cannot be read"), denied);
            Files.writeString(creds, "[client]\nuser = clustercheck\npassword = \"check-pw\"\nsocket = " + node.socket() + "\n");

            // The way the init script serves it: socat forks the responder for each connection.
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Process socat = new ProcessBuilder("socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                    "EXEC:bash " + CLUSTERCHECK.toAbsolutePath() + " " + conf).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertEquals(200, status(port));
                Files.writeString(maintenance, "");
                assertEquals(503, status(port));
            } finally {
                socat.destroy();
                if (!socat.waitFor(10, TimeUnit.SECONDS)) socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static int status(int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(10000);
                int code = c.getResponseCode();
                c.disconnect();
                return code;
            } catch (java.net.ConnectException e) {
                if (attempt > 50) throw e;
                Thread.sleep(100);
            }
        }
    }

    @Test
    void galeraStatusReadsTheNodeAndRemembersItsConfig() throws Exception {
        try (GaleraNode node = new GaleraNode()) {
            Map<String, String> env = Map.of("GALERA_CLIENT_OPTS", "--no-defaults --socket=" + node.socket() + " --user=root",
                    "GALERA_PIDFILE", node.pidfile().toString(), "GALERA_CNF", node.cnf().toString(),
                    "GALERA_STAMP", node.dir.resolve("state/60-galera.cnf.sha256").toString());
            String sh = GALERA_STATUS.toString();
            assertEquals(new Run(0, "Synced\n"), run(env, "", "sh", sh, "get", "wsrep_local_state_comment"));
            assertEquals(0, run(env, "", "sh", sh, "running").exit());
            assertEquals(0, run(env, "", "sh", sh, "synced").exit());
            assertEquals(0, run(env, "", "sh", sh, "healthy", "1").exit());
            assertEquals(1, run(env, "", "sh", sh, "healthy", "3").exit());
            assertEquals(0, run(env, "", "sh", sh, "new-cluster").exit(), "started with --wsrep-new-cluster");
            assertEquals(1, run(env, "", "sh", sh, "config-current").exit());
            assertEquals(0, run(env, "", "sh", sh, "record-config").exit());
            assertEquals(0, run(env, "", "sh", sh, "config-current").exit());
            Files.writeString(node.cnf(), Files.readString(node.cnf()) + "# changed\n");
            assertEquals(1, run(env, "", "sh", sh, "config-current").exit(), "a changed file needs a restart");
            node.kill();
            assertEquals(1, run(env, "", "sh", sh, "running").exit());
            assertEquals(1, run(env, "", "sh", sh, "synced").exit());
            assertEquals(1, run(env, "", "sh", sh, "new-cluster").exit());
        }
    }
}
