package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.jstate.proto.v1.ApplyJob;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.BundleFile;
import io.jstate.proto.v1.FunctionJob;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.Peer;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.SignedJob;
import io.jstate.states.host.LocalHost;
import io.jstate.common.wire.Structs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon against a fake gateway over the in-process transport: enrollment, jobs, spool, reconnects. */
@Timeout(60)
class MinionDaemonTest {
    static final Timings FAST = new Timings(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMillis(200),
            Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(100), Duration.ofSeconds(5));

    @TempDir
    Path tmp;

    private final TestMaster master = new TestMaster();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<MinionDaemon> daemons = new ArrayList<>();
    private final Map<String, Object> grains = new java.util.concurrent.ConcurrentHashMap<>(Map.of("id", "web1", "roles", List.of("web")));

    @AfterEach
    void stopAll() {
        daemons.forEach(MinionDaemon::stop);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        servers.forEach(Server::shutdownNow);
    }

    private FakeGateway serve(String name, int pending) throws Exception {
        FakeGateway gw = new FakeGateway(master, pending);
        servers.add(InProcessServerBuilder.forName(name).addService(gw).build().start());
        return gw;
    }

    private MinionDaemon start(List<String> masters) {
        MinionConfig config = new MinionConfig("web1", masters, null, null, null, tmp.resolve("data"), Map.of(), null);
        MasterChannels channels = (m, trust, identity) -> InProcessChannelBuilder.forName(m).build();
        MinionDaemon d = new MinionDaemon(config, channels, LocalHost.under(tmp.resolve("root")), () -> new LinkedHashMap<>(grains),
                Clock.systemUTC(), new SecureRandom(), FAST, log::add);
        Thread t = new Thread(() -> {
            try {
                d.run();
            } catch (InterruptedException e) {
                // stopped
            }
        }, "daemon-under-test");
        t.start();
        daemons.add(d);
        threads.add(t);
        return d;
    }

    static BundleFile file(String path, String content) {
        return BundleFile.newBuilder().setPath(path).setContent(ByteString.copyFrom(content, StandardCharsets.UTF_8)).build();
    }

    private static Bundle bundle() {
        return Bundle.newBuilder()
                .addFiles(file("top.sls", "base:\n  '*':\n    - motd\n"))
                .addFiles(file("motd.sls", "motd:\n  file.managed:\n    - name: /etc/motd\n"
                        + "    - contents: '{{ pillar.greeting }} from {{ minion.id }}, peers:{{#peers}} {{ id }}{{/peers}}'\n"
                        + "issue:\n  file.managed:\n    - name: /etc/issue\n    - contents: welcome\n    - require:\n      - file: motd\n"))
                .setPillar(Structs.struct(Map.of("greeting", "hello")))
                .addPeers(Peer.newBuilder().setId("web2").addAddresses("127.0.0.2").addRoles("web").setConnected(true))
                .build();
    }

    private SignedJob apply(String jid) {
        Job job = TestMaster.job(jid, "web1", Instant.now())
                .setApply(ApplyJob.newBuilder().setBundle(bundle()).addTargets("highstate").setTimeoutMs(60_000)).build();
        return master.sign(job);
    }

    private SignedJob ping(String jid) {
        return master.sign(TestMaster.job(jid, "web1", Instant.now()).setFunction(FunctionJob.newBuilder().setName("test.ping")).build());
    }

    private static Predicate<MinionMessage> result(String jid) {
        return m -> m.hasResult() && m.getResult().getJid().equals(jid);
    }

    private Path spooled(String jid) {
        return tmp.resolve("data/spool/" + jid + ".pb");
    }

    private static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void enrollsConnectsRunsJobsAndKeepsResultsUntilAcknowledged() throws Exception {
        Files.createDirectories(tmp.resolve("root/etc"));
        FakeGateway gw = serve("gw-main", 2);
        start(List.of("gw-main"));

        // Enrollment: pending twice, then accepted; the same CSR every time.
        MinionMessage hello = gw.await(MinionMessage::hasHello);
        assertEquals(3, gw.enrolls.size());
        assertArrayEquals(gw.enrolls.get(0).getCsrDer().toByteArray(), gw.enrolls.get(2).getCsrDer().toByteArray());
        assertEquals("web1", gw.enrolls.get(0).getMinionId());
        assertEquals("web1", Pki.csrSubjectCn(gw.enrolls.get(0).getCsrDer().toByteArray()));
        assertTrue(Files.exists(tmp.resolve("data/pki/minion.crt")));
        assertTrue(Files.exists(tmp.resolve("data/pki/master-ca.crt")));
        assertTrue(Files.exists(tmp.resolve("data/pki/master-signing.pub")));
        assertTrue(log.stream().anyMatch(l -> l.contains("first contact") && l.contains(MasterPins.fingerprint(master.ca))), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("waiting for master gw-main")), log.toString());

        assertEquals("web1", Structs.map(hello.getHello().getGrains()).get("id"));
        assertFalse(hello.getHello().getVersion().isEmpty());
        assertEquals(0, hello.getHello().getSpooledJidsCount());
        gw.await(MinionMessage::hasHeartbeat);

        // An apply: accepted, one event per state, then the final result, spooled until the ack.
        gw.sendJob(apply("20260301100000000001"));
        MinionMessage accepted = gw.await(MinionMessage::hasAccepted);
        assertEquals("20260301100000000001", accepted.getAccepted().getJid());
        assertEquals(0, accepted.getAccepted().getQueuePosition());
        assertEquals("motd", gw.await(MinionMessage::hasState).getState().getResult().getId());
        assertEquals("issue", gw.await(MinionMessage::hasState).getState().getResult().getId());
        JobResult r = gw.await(result("20260301100000000001")).getResult();
        assertEquals("", r.getReport().getCompileError());
        assertEquals(2, r.getReport().getStatesCount());
        assertTrue(r.getReport().getStates(0).hasChanged(), r.toString());
        assertEquals("hello from web1, peers: web2\n", Files.readString(tmp.resolve("root/etc/motd")));
        assertTrue(Files.exists(spooled("20260301100000000001")));
        gw.ack("20260301100000000001");
        eventually("the acknowledged result leaves the spool", () -> !Files.exists(spooled("20260301100000000001")));

        // Refusals travel the same way: a replay, a flipped byte, another minion's job.
        SignedJob once = ping("20260301100000000002");
        gw.sendJob(once);
        gw.await(result("20260301100000000002"));
        gw.sendJob(once);
        assertEquals(Refusal.Reason.REPLAYED, gw.await(result("20260301100000000002")).getResult().getRefused().getReason());
        byte[] flipped = ping("20260301100000000003").getJob().toByteArray();
        flipped[flipped.length - 3] ^= 1;
        gw.sendJob(ping("20260301100000000003").toBuilder().setJob(ByteString.copyFrom(flipped)).build());
        assertEquals(Refusal.Reason.BAD_SIGNATURE, gw.await(m -> m.hasResult() && m.getResult().hasRefused()
                && m.getResult().getRefused().getReason() == Refusal.Reason.BAD_SIGNATURE).getResult().getRefused().getReason());
        gw.sendJob(master.sign(TestMaster.job("20260301100000000004", "web2", Instant.now())
                .setFunction(FunctionJob.newBuilder().setName("test.ping")).build()));
        assertEquals(Refusal.Reason.WRONG_TARGET, gw.await(result("20260301100000000004")).getResult().getRefused().getReason());

        // Grains that change are sent again.
        grains.put("roles", List.of("web", "db"));
        MinionMessage update = gw.await(MinionMessage::hasGrains);
        assertEquals(List.of("web", "db"), Structs.map(update.getGrains().getGrains()).get("roles"));

        // A result not acknowledged before the stream is cut is sent again after the reconnect.
        gw.sendJob(ping("20260301100000000005"));
        assertEquals(true, Structs.plain(gw.await(result("20260301100000000005")).getResult().getFunction().getValue()));
        gw.cut();
        MinionMessage again = gw.await(MinionMessage::hasHello);
        assertTrue(again.getHello().getSpooledJidsList().contains("20260301100000000005"), again.toString());
        gw.await(result("20260301100000000005"));
        gw.ack("20260301100000000005");
        eventually("the resent result is acknowledged", () -> !Files.exists(spooled("20260301100000000005")));
    }

    @Test
    void aRestartedMinionResendsItsSpooledResultsAfterHello() throws Exception {
        FakeGateway gw = serve("gw-restart", 0);
        MinionDaemon first = start(List.of("gw-restart"));
        gw.await(MinionMessage::hasHello);
        gw.sendJob(ping("20260301100000000010"));
        gw.await(result("20260301100000000010"));
        first.stop();
        assertTrue(Files.exists(spooled("20260301100000000010")));

        start(List.of("gw-restart"));
        MinionMessage hello = gw.await(MinionMessage::hasHello);
        assertEquals(List.of("20260301100000000010"), hello.getHello().getSpooledJidsList());
        assertEquals(1, gw.enrolls.size(), "an enrolled minion does not enroll again");
        gw.await(result("20260301100000000010"));
        gw.ack("20260301100000000010");
        eventually("acknowledged", () -> !Files.exists(spooled("20260301100000000010")));
    }

    @Test
    void aSilentMasterIsLeftAndTheNextOneTried() throws Exception {
        FakeGateway silent = serve("gw-silent", 0);
        silent.sendHeartbeats = false;
        FakeGateway other = serve("gw-other", 0);
        start(List.of("gw-unreachable", "gw-silent", "gw-other"));
        silent.await(MinionMessage::hasHello);
        // The minion gives up on a master that says nothing for the silence period and moves on.
        other.await(MinionMessage::hasHello);
        assertTrue(log.stream().anyMatch(l -> l.contains("no word from the master")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("cannot enroll with master gw-unreachable")), log.toString());
    }

    @Test
    void jobsQueueBehindTheRunningOne() throws Exception {
        FakeGateway gw = serve("gw-queue", 0);
        start(List.of("gw-queue"));
        gw.await(MinionMessage::hasHello);
        Job slow = TestMaster.job("20260301100000000020", "web1", Instant.now())
                .setFunction(FunctionJob.newBuilder().setName("cmd.run").addArgs("sleep 1")).build();
        gw.sendJob(master.sign(slow));
        gw.sendJob(ping("20260301100000000021"));
        gw.sendJob(ping("20260301100000000022"));
        assertEquals(0, gw.await(m -> m.hasAccepted() && m.getAccepted().getJid().endsWith("20")).getAccepted().getQueuePosition());
        assertEquals(1, gw.await(m -> m.hasAccepted() && m.getAccepted().getJid().endsWith("21")).getAccepted().getQueuePosition());
        assertEquals(2, gw.await(m -> m.hasAccepted() && m.getAccepted().getJid().endsWith("22")).getAccepted().getQueuePosition());
        assertTrue(gw.await(result("20260301100000000020")).getResult().getFunction().getSuccess());
        gw.await(result("20260301100000000021"));
        gw.await(result("20260301100000000022"));
    }
}
