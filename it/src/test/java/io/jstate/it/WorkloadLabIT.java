package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.it.workload.AmqpResult;
import io.jstate.it.workload.SqlResult;
import io.jstate.it.workload.SqlVerification;
import io.jstate.it.workload.SqlWriteResult;
import io.jstate.it.workload.WorkloadProcess;
import io.jstate.it.workload.WorkloadSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The workload of the fault matrix on a deployed lab (instance wl): a SQL writer through the VIP
 * and a RabbitMQ publisher and consumer, run from the master host's network namespace. Without a
 * fault every write is acknowledged and every confirmed message delivered; with the write node's
 * mariadbd and the publisher's broker killed -9 mid-run, writes and publishes fail and are counted,
 * yet no acknowledged write and no confirmed message is lost, on any node, after the next
 * orchestration repaired the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadLabIT {
    private static final String SECONDS = "30";
    private static final Duration WRITE_BOUND = Duration.ofSeconds(90);
    /** 30 s of publishing, at most 60 s of draining, and the JVM's start. */
    private static final Duration AMQP_BOUND = Duration.ofSeconds(150);
    private static final Duration VERIFY_BOUND = Duration.ofSeconds(90);

    private Lab lab;

    private record Run(Path dir, WorkloadProcess sql, WorkloadProcess amqp) {}

    @BeforeAll
    @Timeout(value = 40, unit = java.util.concurrent.TimeUnit.MINUTES)
    void deployAndSetUp() throws Exception {
        long t0 = System.nanoTime();
        lab = new Lab("workload", Map.of("JLAB_ID", "wl")).up(3);
        long t1 = System.nanoTime();
        Procs.Ran deploy = lab.orchestrate("openstack-ha");
        assertEquals(0, deploy.exit(), deploy.toString());
        Procs.Ran sql = lab.on("ctl1", WorkloadSetup.sql());
        assertEquals(0, sql.exit(), sql.toString());
        Procs.Ran amqp = lab.on("ctl1", WorkloadSetup.amqp());
        assertEquals(0, amqp.exit(), amqp.toString());
        System.out.printf("workload lab: up %d s, deploy %d s, setup %d s%n", secs(t0, t1), deploy.took().toSeconds(),
                sql.took().plus(amqp.took()).toSeconds());
    }

    @AfterAll
    void down() throws Exception {
        if (lab != null) lab.close();
    }

    private static long secs(long from, long to) {
        return (to - from) / 1_000_000_000L;
    }

    private Run start(String name) throws Exception {
        Path dir = lab.logs().resolve(name);
        Path ns = lab.netns("master");
        return new Run(dir, WorkloadProcess.start(ns, dir, "sql-write", "--seconds", SECONDS),
                WorkloadProcess.start(ns, dir, "amqp", "--seconds", SECONDS, "--drain-seconds", "60"));
    }

    private SqlVerification verify(Path dir) throws Exception {
        try (WorkloadProcess v = WorkloadProcess.start(lab.netns("master"), dir, "sql-verify")) {
            return v.await(VERIFY_BOUND, SqlVerification.class);
        }
    }

    private static String hostOf(String address) {
        for (int i = 0; i < Lab.CONTROLLERS.size(); i++) if (address.equals("10.77.0.1" + (i + 1))) return Lab.CONTROLLERS.get(i);
        throw new AssertionError("not a controller's address: '" + address + "'");
    }

    private static void assertNoLoss(SqlVerification v) {
        assertEquals(List.of(), v.unreachableNodes(), v.toString());
        assertEquals(0, v.lost(), v.toString());
        assertEquals(0, v.duplicated(), v.toString());
        assertEquals(0, v.divergent(), v.toString());
    }

    @Test
    @Order(1)
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void withoutAFaultEveryWriteIsAcknowledgedAndEveryConfirmedMessageDelivered() throws Exception {
        Run run = start("no-fault");
        try (WorkloadProcess sql = run.sql(); WorkloadProcess amqp = run.amqp()) {
            SqlWriteResult w = sql.await(WRITE_BOUND, SqlWriteResult.class);
            AmqpResult a = amqp.await(AMQP_BOUND, AmqpResult.class);
            SqlVerification v = verify(run.dir());
            System.out.println("no fault: sql " + SqlResult.of(w, v) + "\n  " + w + "\n  " + v + "\n  amqp " + a);

            assertTrue(w.acked() >= 100, w.toString());
            assertEquals(0, w.failed(), w.toString());
            assertEquals(0.0, w.errorRate());
            assertEquals(w.acked(), v.checked());
            assertNoLoss(v);
            assertEquals(0, v.unackedFound(), v.toString());

            assertTrue(a.confirmed() >= 100, a.toString());
            assertEquals(a.published(), a.confirmed(), a.toString());
            assertEquals(0, a.nacked() + a.unknown() + a.connectionsLost(), a.toString());
            assertEquals(0, a.lostConfirmed(), a.toString());
            assertEquals(a.confirmed(), a.delivered(), a.toString());
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void killingTheWriteNodeAndThePublishersBrokerLosesNoAcknowledgedWriteAndNoConfirmedMessage() throws Exception {
        String writer = lab.writeNode();
        Run run = start("kill-writer-and-broker");
        SqlWriteResult w;
        AmqpResult a;
        String broker;
        try (WorkloadProcess sql = run.sql(); WorkloadProcess amqp = run.amqp()) {
            Thread.sleep(10_000);
            String address = amqp.publisherBroker();
            assertTrue(!address.isEmpty(), "the publisher connected to a broker in 10 s");
            broker = hostOf(address);
            Procs.Ran killDb = lab.on(writer, "kill -9 $(pidof mariadbd)");
            assertEquals(0, killDb.exit(), killDb.toString());
            Procs.Ran killMq = lab.on(broker, "kill -9 $(pidof beam.smp)");
            assertEquals(0, killMq.exit(), killMq.toString());
            System.out.println("killed mariadbd on " + writer + " (behind the VIP) and beam.smp on " + broker + " (the publisher's broker)");
            w = sql.await(WRITE_BOUND, SqlWriteResult.class);
            a = amqp.await(AMQP_BOUND, AmqpResult.class);
        }
        // Before the repair: the survivors have every acknowledged row. The killed node cannot
        // answer, unless mysqld_safe has already started it again and it rejoined.
        SqlVerification before = verify(run.dir());
        Files.move(run.dir().resolve("sql-verify.json"), run.dir().resolve("sql-verify-before-repair.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("faults: sql " + w + "\n  before repair " + before + "\n  amqp " + a);
        String killed = WorkloadSetup.nodes(3306).get(Lab.CONTROLLERS.indexOf(writer));
        assertTrue(before.unreachableNodes().isEmpty() || before.unreachableNodes().equals(List.of(killed)), before.toString());
        assertTrue(before.nodesRead().size() >= 2, before.toString());
        assertEquals(0, before.lost(), before.toString());

        long t0 = System.nanoTime();
        Procs.Ran repair = lab.orchestrate("openstack-ha");
        assertEquals(0, repair.exit(), repair.toString());
        Procs.Ran healthy = lab.verify(Map.of());
        assertEquals(0, healthy.exit(), healthy.toString());
        System.out.printf("repaired by the orchestration in %d s (%d changes), verified healthy after %d s%n", repair.took().toSeconds(),
                Lab.changes(repair), secs(t0, System.nanoTime()));

        SqlVerification after = verify(run.dir());
        System.out.println("faults: sql " + SqlResult.of(w, after) + "\n  after repair " + after);
        assertTrue(w.failed() > 0, "the writes while the write node died failed and were counted: " + w);
        assertTrue(w.acked() >= 100, w.toString());
        assertEquals(w.acked(), after.checked());
        assertNoLoss(after);

        assertTrue(a.nacked() + a.unknown() + a.connectionsLost() > 0, "the publisher's broker died, and that was counted: " + a);
        assertTrue(a.confirmed() >= 100, a.toString());
        assertEquals(0, a.lostConfirmed(), a.toString());

        // The first run's rows too, now that every node went through the fault and the repair.
        assertNoLoss(verify(lab.logs().resolve("no-fault")));
    }
}
