package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.minion.functions.Functions;
import io.jstate.proto.v1.ApplyJob;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.FunctionJob;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.Refusal;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.Kinds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class JobsTest {
    static final TestMaster MASTER = new TestMaster();

    @TempDir
    Path tmp;

    private final List<MinionMessage> sent = new CopyOnWriteArrayList<>();

    private Jobs jobs(Jobs.Work work) {
        var verifier = new EnvelopeVerifier("web1", MASTER.signing::getPublic, new NonceStore(tmp.resolve("nonces")), Clock.systemUTC());
        return new Jobs("web1", verifier, work, new Spool(tmp), m -> sent.add(m), 2, Clock.systemUTC(), l -> {});
    }

    private static Job ping(String jid) {
        return TestMaster.job(jid, "web1", Instant.now()).setFunction(FunctionJob.newBuilder().setName("test.ping")).build();
    }

    @Test
    void beyondTheQueuesCapacityJobsAreRefusedAsQueueFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Jobs.Work blocking = (job, events) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return JobResult.newBuilder().setJid(job.getJid()).setFunction(FunctionReturn.newBuilder().setSuccess(true)).build();
        };
        try (Jobs j = jobs(blocking)) {
            for (int i = 1; i <= 4; i++) j.submit(MASTER.sign(ping("j" + i)));
            List<Integer> positions = sent.stream().filter(MinionMessage::hasAccepted).map(m -> m.getAccepted().getQueuePosition()).toList();
            assertEquals(List.of(0, 1, 2), positions);
            JobResult full = sent.stream().filter(MinionMessage::hasResult).findFirst().orElseThrow().getResult();
            assertEquals("j4", full.getJid());
            assertEquals(Refusal.Reason.QUEUE_FULL, full.getRefused().getReason());
            assertEquals("web1", full.getMinionId());
            assertTrue(Files.exists(tmp.resolve("j4.pb")), "refusals are spooled like any result");
            // What a new stream's Hello lists: the running job, then the waiting ones; not the refused one.
            assertEquals(List.of("j1", "j2", "j3"), j.jids());
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!j.idle() && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(4, sent.stream().filter(MinionMessage::hasResult).count());
            assertEquals(List.of(), j.jids());
        }
    }

    @Test
    void stoppingDropsWaitingJobsAndLetsTheRunningOneFinish() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Jobs.Work slow = (job, events) -> {
            started.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return JobResult.newBuilder().setJid(job.getJid()).build();
        };
        Jobs j = jobs(slow);
        j.submit(MASTER.sign(ping("a1")));
        j.submit(MASTER.sign(ping("a2")));
        started.await(5, TimeUnit.SECONDS);
        j.close(Duration.ofSeconds(5));
        assertTrue(j.idle());
        assertTrue(Files.exists(tmp.resolve("a1.pb")));
        assertTrue(!Files.exists(tmp.resolve("a2.pb")));
    }

    @Test
    void aCompileErrorOrABadBundleIsReportedAndNothingRuns() throws Exception {
        Files.createDirectories(tmp.resolve("root"));
        JobRunner runner = new JobRunner("web1", LocalHost.under(tmp.resolve("root")), Map::of, Kinds.registry(), Functions.builtin(),
                Clock.systemUTC());
        Bundle broken = Bundle.newBuilder().addFiles(MinionDaemonTest.file("top.sls", "base:\n  '*':\n    - missing\n")).build();
        JobResult r = runner.run(TestMaster.job("c1", "web1", Instant.now()).setApply(ApplyJob.newBuilder().setBundle(broken)).build(), e -> {});
        assertTrue(r.getReport().getCompileError().contains("missing"), r.toString());
        assertEquals(0, r.getReport().getStatesCount());

        Bundle escaping = Bundle.newBuilder().addFiles(MinionDaemonTest.file("../evil.sls", "x")).build();
        r = runner.run(TestMaster.job("c2", "web1", Instant.now()).setApply(ApplyJob.newBuilder().setBundle(escaping)).build(), e -> {});
        assertEquals(Refusal.Reason.MALFORMED, r.getRefused().getReason());
        assertTrue(!Files.exists(tmp.resolve("evil.sls")));
    }
}
