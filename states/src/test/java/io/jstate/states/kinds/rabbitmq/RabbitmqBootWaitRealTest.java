package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.host.ExecResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The formula's rabbitmq-node against two real private nodes after a full stop started in the
 * wrong order: the node that stopped first, started first, waits at boot for the tables of the
 * one that stopped last; rabbitmq-node must say "booting" then (not "app-stopped", whose repair,
 * start_app, does not help), and "running" once the last one is started and the boot ends.
 */
@Tag("real")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RabbitmqBootWaitRealTest {
    @TempDir
    static Path dir;

    private static PrivateRabbitNodes rabbit;

    @BeforeAll
    static void start() throws Exception {
        rabbit = new PrivateRabbitNodes(dir);
    }

    @AfterAll
    static void stop() {
        if (rabbit != null) rabbit.close();
    }

    @Test
    void theNodeStartedFirstAfterAFullStopIsBootingUntilTheLastOneStarts() throws Exception {
        PrivateRabbitNodes.Node a = rabbit.start("a");
        PrivateRabbitNodes.Node b = rabbit.start("b");
        rabbit.awaitStartup(a, Duration.ofSeconds(150));
        rabbit.awaitStartup(b, Duration.ofSeconds(60));
        ok(rabbit.ctl(b, "stop_app"));
        ok(rabbit.ctl(b, "join_cluster", a.name()));
        ok(rabbit.ctl(b, "start_app"));
        // b stops first, a last: a holds the newest view of the cluster's tables.
        ok(rabbit.ctl(b, "stop"));
        ok(rabbit.ctl(a, "stop"));
        assertTrue(b.process().waitFor(60, TimeUnit.SECONDS) && a.process().waitFor(60, TimeUnit.SECONDS), "both nodes stopped");

        PrivateRabbitNodes.Node b2 = rabbit.start("b");
        String seen = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!seen.equals("booting") && System.nanoTime() < deadline && b2.process().isAlive()) {
            seen = status(b2);
            if (!seen.equals("booting")) Thread.sleep(1000);
        }
        assertEquals("booting", seen, "what rabbitmq-node said of the node waiting for the last-stopped one's tables");
        // No peer runs: start must wait for the last-stopped node, never restart this one.
        assertEquals("0", run(b2, "peers"), "peers running, as the booting node's VM answers");

        PrivateRabbitNodes.Node a2 = rabbit.start("a");
        rabbit.awaitStartup(a2, Duration.ofSeconds(150));
        rabbit.awaitStartup(b2, Duration.ofSeconds(150));
        assertEquals("running", status(b2));
        assertEquals("1", run(b2, "peers"), "peers running once the last-stopped node runs again");
    }

    private static String status(PrivateRabbitNodes.Node n) throws Exception {
        return run(n, "status");
    }

    /** rabbitmq-node COMMAND for the node, with the real rabbitmqctl and rabbitmq-diagnostics pointed at it. */
    private static String run(PrivateRabbitNodes.Node n, String command) throws Exception {
        Path conf = Files.writeString(dir.resolve("status-" + n.amqpPort() + ".conf"), "listeners.tcp.1 = 127.0.0.1:" + n.amqpPort() + "\n");
        Path script = Path.of("formulas/rabbitmq/rabbitmq-node.sh").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), command).redirectErrorStream(true);
        pb.environment().putAll(rabbit.ctlEnv());
        pb.environment().put("RABBITMQ_NODENAME", n.name());
        pb.environment().put("RABBITMQ_CONFIG_FILE", conf.toString());
        pb.environment().put("PATH", PrivateRabbitNodes.CTL.getParent() + ":/usr/sbin:/usr/bin:/bin");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rabbitmq-node " + command + " did not finish within 60 s");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static void ok(ExecResult r) {
        assertTrue(r.succeeded(), () -> "exit " + r.exitCode() + ": " + r.stdout() + r.stderr());
    }
}
