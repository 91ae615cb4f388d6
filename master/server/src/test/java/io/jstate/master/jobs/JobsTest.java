package io.jstate.master.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.jstate.master.FakeMinion;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.master.events.Event;
import io.jstate.common.wire.Limits;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.BundleFile;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.SignedJob;
import io.jstate.proto.v1.StateEvent;
import io.jstate.proto.v1.StateProgress;
import io.jstate.proto.v1.StateResult;
import io.jstate.proto.v1.Unchanged;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobsTest {
    TestMaster tm;
    Master master;
    ManagedChannel ch;
    FakeMinion m1 = new FakeMinion("m1");
    FakeMinion m2 = new FakeMinion("m2");
    final BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void up() {
        tm = new TestMaster("enrollment: {token: tok}\njobs: {lost_after_seconds: 1}\n");
        TestMaster.files(tm.states, Map.of(
                "top.sls", "base:\n  '*':\n    - app\n",
                "app.sls", "motd:\n  file.managed:\n    - name: /tmp/jstate-never-written/motd\n    - contents: \"{{pillar.greeting}}\"\n",
                "unused.sls", "u:\n  cmd.run:\n    - name: 'true'\n"));
        TestMaster.files(tm.pillar, Map.of(
                "top.sls", "base:\n  m1:\n    - one\n  m2:\n    - two\n",
                "one.sls", "greeting: hello m1\nkey: !secret m1-secret\n",
                "two.sls", "greeting: hello m2\nrole: db\nkey: !secret m2-secret\n"));
        master = tm.start();
        ch = tm.channel();
        m1.enroll(ch, "tok");
        m2.enroll(ch, "tok");
    }

    @AfterEach
    void down() {
        ch.shutdownNow();
        tm.close();
    }

    @Test
    void eachMinionGetsItsOwnSignedEnvelopeAndResultsAreStoredThenAcked() throws Exception {
        // m1 claims the role db in its grains; the master gives it to m2.
        FakeMinion.Stream s1 = connected(m1, "{\"roles\": [\"db\"]}");
        FakeMinion.Stream s2 = connected(m2, "{\"roles\": [\"web\"]}");
        master.keys().setRoles("m2", List.of("db"));
        String jid = master.jobs().submit(apply("*"), events::add);

        JobEvent started = event();
        assertEquals(JobEvent.Type.JOB_STARTED, started.getType());
        assertEquals(List.of("m1", "m2"), started.getMinionsList());

        Job j1 = verified(s1, m1);
        assertEquals(jid, j1.getJid());
        assertEquals("m1", j1.getTargetMinionId());
        assertEquals(16, j1.getNonce().size());
        assertEquals(60_000 + RunningJob.EXPIRY_MARGIN.toMillis(), j1.getExpiresUnixMs() - j1.getIssuedUnixMs());
        var bundle = j1.getApply().getBundle();
        assertEquals(List.of("app.sls", "top.sls"), bundle.getFilesList().stream().map(BundleFile::getPath).sorted().toList());
        assertTrue(bundle.getPillar().toString().contains("hello m1"), bundle.getPillar().toString());
        assertFalse(bundle.getPillar().toString().contains("m2"), "a minion never sees another's pillar: " + bundle.getPillar());
        assertEquals(List.of("m1-secret"), bundle.getSecretsList());
        assertEquals(1, bundle.getPeersCount());
        assertEquals("m2", bundle.getPeers(0).getId());
        assertEquals(List.of("db"), bundle.getPeers(0).getRolesList(), "peers carry the roles the master assigns");
        assertEquals(List.of(), bundle.getRolesList(), "the grain claim is no role");
        assertTrue(bundle.getPeers(0).getConnected());
        Job j2 = verified(s2, m2);
        assertEquals(List.of("db"), j2.getApply().getBundle().getRolesList());
        assertEquals(List.of(), j2.getApply().getBundle().getPeers(0).getRolesList());
        assertNotEquals(j1.getNonce(), j2.getNonce());

        StateResult st = StateResult.newBuilder().setId("motd").setKind("file.managed").setUnchanged(Unchanged.newBuilder()).build();
        s1.send(MinionMessage.newBuilder().setState(StateEvent.newBuilder().setJid(jid).setResult(st)).build());
        assertEquals(JobEvent.Type.STATE, event().getType());
        s1.send(result(jid, "m1", true));
        assertEquals(jid, s1.next(5000).getAck().getJid());
        JobEvent done1 = event();
        assertEquals(JobEvent.Type.MINION_DONE, done1.getType());
        assertEquals("m1", done1.getMinionId());
        // A minion cannot speak for another: the result is filed under the stream's identity.
        s2.send(result(jid, "m1", false));
        assertEquals(jid, s2.next(5000).getAck().getJid());
        JobEvent done2 = event();
        assertEquals("m2", done2.getMinionId());
        JobEvent end = event();
        assertEquals(JobEvent.Type.JOB_DONE, end.getType());
        assertEquals(2, end.getSummary().getReturned());
        assertEquals(1, end.getSummary().getFailedMinions());

        JobRecord rec = master.store().load(jid).orElseThrow();
        assertEquals(2, rec.getResultsCount());
        assertTrue(rec.getFinishedUnixMs() > 0);
        assertEquals(List.of("m1", "m2"), rec.getResultsList().stream().map(JobResult::getMinionId).toList());
    }

    @Test
    void aTreeThatDoesNotCompileFailsTheJobBeforeAnythingIsSent() throws Exception {
        TestMaster.files(tm.states, Map.of("app.sls", "motd:\n  file.managd:\n    - name: /tmp/x\n"));
        FakeMinion.Stream s1 = connected(m1, "{}");
        String jid = master.jobs().submit(apply("m1"), events::add);
        JobEvent e = event();
        assertEquals(JobEvent.Type.JOB_FAILED, e.getType());
        assertTrue(e.getMessage().contains("app.sls:2"), e.getMessage());
        assertTrue(e.getMessage().contains("state 'motd'"), e.getMessage());
        assertTrue(e.getMessage().contains("file.managd"), e.getMessage());
        assertNull(s1.next(300), "nothing is sent for a job that cannot start");
        assertEquals(e.getMessage(), master.store().load(jid).orElseThrow().getError());
    }

    @Test
    void aLinkToTheMastersCaKeyFailsTheJobBeforeAnythingIsSent() throws Exception {
        java.nio.file.Path key = tm.root.resolve("data/pki/ca.key");
        assertTrue(java.nio.file.Files.isRegularFile(key), "the master keeps its CA key at " + key);
        java.nio.file.Files.createSymbolicLink(tm.states.resolve("ca.key"), key);
        TestMaster.files(tm.states, Map.of("app.sls", "key:\n  file.managed:\n    - name: /tmp/ca.key\n    - source: ca.key\n    - template: none\n"));
        FakeMinion.Stream s1 = connected(m1, "{}");
        master.jobs().submit(apply("m1"), events::add);
        JobEvent e = event();
        assertEquals(JobEvent.Type.JOB_FAILED, e.getType());
        assertTrue(e.getMessage().startsWith("app.sls:2: state 'key': file.managed template ca.key: is a link to "), e.getMessage());
        assertFalse(e.getMessage().contains("BEGIN"), e.getMessage());
        assertNull(s1.next(300), "nothing is sent for a job that cannot start");
    }

    @Test
    void aTargetMatchingNothingFailsTheJob() throws Exception {
        master.jobs().submit(apply("G@roles:nothing"), events::add);
        JobEvent e = event();
        assertEquals(JobEvent.Type.JOB_FAILED, e.getType());
        assertTrue(e.getMessage().contains("no accepted minion matches"), e.getMessage());
    }

    @Test
    void minionsNotConnectedOrSilentAreReportedLostWithinTheTimeout() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        long t0 = System.currentTimeMillis();
        String jid = master.jobs().submit(apply("*").toBuilder().setTimeoutMs(300).build(), events::add);
        assertEquals(JobEvent.Type.JOB_STARTED, event().getType());
        JobEvent lost2 = event();
        assertEquals(JobEvent.Type.MINION_LOST, lost2.getType());
        assertEquals("m2", lost2.getMinionId());
        assertEquals("not connected", lost2.getMessage());
        assertNotNull(s1.next(2000));
        JobEvent lost1 = event();
        assertEquals("m1", lost1.getMinionId());
        assertEquals("did not return within 300 ms", lost1.getMessage());
        JobEvent end = event();
        assertEquals(JobEvent.Type.JOB_DONE, end.getType());
        assertEquals(2, end.getSummary().getLost());
        assertTrue(System.currentTimeMillis() - t0 < 10_000, "the job ends soon after its timeout");
        assertEquals(List.of("m1", "m2"), master.store().load(jid).orElseThrow().getLostList().stream().sorted().toList());

        // A result that comes after all is still stored and acknowledged, and the minion no longer counts as lost.
        s1.send(result(jid, "m1", true));
        assertEquals(jid, s1.next(5000).getAck().getJid());
        assertEquals(List.of("m2"), master.store().load(jid).orElseThrow().getLostList());
    }

    @Test
    void aMinionNotConnectedWhenItsTurnComesIsWaitedForAndRunsOnceItConnects() throws Exception {
        // A rolling job (one at a time, stop on failure): m1 is not connected yet, so m2 must not pass it.
        FakeMinion.Stream s2 = connected(m2, "{}");
        String jid = master.jobs().submit(apply("*").toBuilder().setBatch("1").setStopOnFailure(true).setConnectWaitMs(10_000).build(),
                events::add);
        assertEquals(JobEvent.Type.JOB_STARTED, event().getType());
        JobEvent waiting = event();
        assertEquals(JobEvent.Type.MINION_WAITING, waiting.getType());
        assertEquals("m1", waiting.getMinionId());
        assertEquals("not connected; waiting up to 10 s for it to connect", waiting.getMessage());
        assertNull(s2.next(700), "m2 waits behind m1, which holds its batch slot while the job waits for it");
        FakeMinion.Stream s1 = connected(m1, "{}");
        assertNotNull(s1.next(5000), "m1 gets its envelope once it connects");
        s1.send(result(jid, "m1", true));
        assertNotNull(s2.next(5000), () -> "m2 gets its envelope once m1 returned; events: " + events);
        s2.send(result(jid, "m2", true));
        JobEvent e;
        do {
            e = event();
            assertTrue(e.getType() != JobEvent.Type.MINION_LOST, e.getMessage());
        } while (e.getType() != JobEvent.Type.JOB_DONE);
        assertEquals(2, e.getSummary().getReturned());
    }

    @Test
    void aMinionThatDoesNotConnectWithinTheWaitIsLostAndStopsARollingJob() throws Exception {
        FakeMinion.Stream s2 = connected(m2, "{}");
        long t0 = System.nanoTime();
        master.jobs().submit(apply("*").toBuilder().setBatch("1").setStopOnFailure(true).setConnectWaitMs(1500).build(), events::add);
        assertEquals(JobEvent.Type.JOB_STARTED, event().getType());
        assertEquals(JobEvent.Type.MINION_WAITING, event().getType());
        JobEvent lost = event();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(JobEvent.Type.MINION_LOST, lost.getType());
        assertEquals("m1", lost.getMinionId());
        assertEquals("not connected: it did not connect within 1500 ms", lost.getMessage());
        assertTrue(tookMs >= 1500 && tookMs < 4000, "lost " + tookMs + " ms after the start, for a wait of 1.5 s");
        JobEvent skipped = event();
        assertEquals(JobEvent.Type.MINION_SKIPPED, skipped.getType());
        assertEquals("m2", skipped.getMinionId());
        assertEquals(JobEvent.Type.JOB_DONE, event().getType());
        assertNull(s2.next(300), "m2 never got the job");
    }

    @Test
    void aFailureElsewhereStopsTheWaitForAMinionNotConnected() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        long t0 = System.nanoTime();
        String jid = master.jobs().submit(apply("*").toBuilder().setStopOnFailure(true).setConnectWaitMs(30_000).build(), events::add);
        assertNotNull(s1.next(5000));
        s1.send(result(jid, "m1", false));
        JobEvent e;
        JobEvent skipped = null;
        do {
            e = event();
            if (e.getType() == JobEvent.Type.MINION_SKIPPED) skipped = e;
        } while (e.getType() != JobEvent.Type.JOB_DONE);
        assertNotNull(skipped, "m2, still not connected, is skipped once m1 failed");
        assertEquals("m2", skipped.getMinionId());
        assertEquals("not started: another minion failed while this one was not connected", skipped.getMessage());
        assertEquals(1, e.getSummary().getSkipped());
        assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "the job ends with m1's failure, not after m2's 30 s wait");
    }

    @Test
    void aConnectWaitOutOfBoundsIsRefused() throws Exception {
        master.jobs().submit(apply("*").toBuilder().setConnectWaitMs(-1).build(), events::add);
        JobEvent e = event();
        assertEquals(JobEvent.Type.JOB_FAILED, e.getType());
        assertEquals("connect_wait_ms must be between 0 and 600000, got -1", e.getMessage());
    }

    @Test
    void theJobKeepsTheStateEachMinionRunsAndPassesItsProgressOn() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        var bus = master.events().open("progress", e -> e instanceof Event.StateRunning);
        String jid = master.jobs().submit(apply("m1"), events::add);
        assertEquals(JobEvent.Type.JOB_STARTED, event().getType());
        assertNotNull(s1.next(5000));
        StateProgress started = StateProgress.newBuilder().setJid(jid).setId("galera-joined").setKind("wait.for").setName("galera-joined")
                .setRunningMs(1000).build();
        s1.send(MinionMessage.newBuilder().setProgress(started).build());
        JobEvent e = event();
        assertEquals(JobEvent.Type.STATE_PROGRESS, e.getType());
        assertEquals("m1", e.getMinionId());
        assertEquals(started, e.getProgress());
        assertEquals(new Event.StateRunning(jid, "m1", "galera-joined", "wait.for", 1000, null), bus.poll(5, TimeUnit.SECONDS).event());
        // A report of the same state within a second of the last is dropped: a minion is not trusted to rate-limit.
        s1.send(MinionMessage.newBuilder().setProgress(started.toBuilder().setRunningMs(1100).setWaiting("flood")).build());
        assertNull(events.poll(300, TimeUnit.MILLISECONDS));
        Thread.sleep(800);
        String longWait = "check 3 of 60 in 5s, waiting for: " + "x".repeat(2000);
        s1.send(MinionMessage.newBuilder().setProgress(started.toBuilder().setRunningMs(45_000).setWaiting(longWait)).build());
        JobEvent waiting = event();
        assertEquals(RunningJob.MAX_PROGRESS_TEXT + 3, waiting.getProgress().getWaiting().length(), "the wait text is cut short");
        assertTrue(waiting.getProgress().getWaiting().startsWith("check 3 of 60"));
        Event.StateRunning w = (Event.StateRunning) bus.poll(5, TimeUnit.SECONDS).event();
        assertEquals(45_000, w.runningMs());
        assertTrue(w.waiting().startsWith("check 3 of 60"), w.toString());

        Thread.sleep(200);
        StateProgress now = master.jobs().current(jid).get("m1");
        assertEquals("galera-joined", now.getId());
        assertTrue(now.getRunningMs() >= 45_200 && now.getRunningMs() < 50_000, "brought up to now: " + now.getRunningMs());
        // Another minion cannot report for a job it does not run.
        FakeMinion.Stream s2 = connected(m2, "{}");
        s2.send(MinionMessage.newBuilder().setProgress(started.toBuilder().setId("other")).build());
        assertNull(events.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(List.of("m1"), List.copyOf(master.jobs().current(jid).keySet()));

        StateResult st = StateResult.newBuilder().setId("galera-joined").setKind("wait.for").setUnchanged(Unchanged.newBuilder()).build();
        s1.send(MinionMessage.newBuilder().setState(StateEvent.newBuilder().setJid(jid).setResult(st)).build());
        assertEquals(JobEvent.Type.STATE, event().getType());
        assertEquals(Map.of(), master.jobs().current(jid), "the state finished: the minion runs nothing the master knows of");
        s1.send(result(jid, "m1", true));
        assertEquals(JobEvent.Type.MINION_DONE, event().getType());
        assertEquals(JobEvent.Type.JOB_DONE, event().getType());
        assertEquals(Map.of(), master.jobs().current(jid));
        bus.close();
    }

    @Test
    void aStreamThatDropsMidJobAndComesBackInTimeStillReturns() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        String jid = master.jobs().submit(apply("m1"), events::add);
        assertNotNull(s1.next(5000));
        s1.end();
        for (int i = 0; i < 200 && master.connections().connected("m1"); i++) Thread.sleep(10);
        FakeMinion.Stream again = connected(m1, "{}");
        again.send(result(jid, "m1", true));
        assertEquals(jid, again.next(5000).getAck().getJid());
        assertEquals(JobEvent.Type.JOB_STARTED, event().getType());
        assertEquals(JobEvent.Type.MINION_DONE, event().getType());
        assertEquals(JobEvent.Type.JOB_DONE, event().getType());
    }

    @Test
    void aMinionThatReconnectsWithoutTheJobIsLostAtOnce() throws Exception {
        String jid = streamEndsMidJob();
        // Restarted: it runs nothing and has nothing spooled, though another job's result waits on its disk.
        long t0 = System.nanoTime();
        m1.connect(ch, Hello.newBuilder().setReportsJobs(true).addSpooledJids("20260101000000000000").build());
        JobEvent lost = event();
        assertEquals(JobEvent.Type.MINION_LOST, lost.getType());
        assertEquals("m1", lost.getMinionId());
        assertTrue(lost.getMessage().startsWith("it reconnected without the job"), lost.getMessage());
        assertTrue(System.nanoTime() - t0 < 900_000_000L, "at once, not after the 1 s grace");
        assertEquals(JobEvent.Type.JOB_DONE, event().getType());
        assertEquals(List.of("m1"), master.store().load(jid).orElseThrow().getLostList());
    }

    @Test
    void aMinionThatReconnectsStillRunningTheJobIsNotLost() throws Exception {
        String jid = streamEndsMidJob();
        Thread.sleep(500);
        FakeMinion.Stream again = m1.connect(ch, Hello.newBuilder().setReportsJobs(true).addRunningJids(jid).build());
        // Well past the 1 s grace: still running on the minion, so not lost.
        assertNull(events.poll(2500, TimeUnit.MILLISECONDS), "a minion that still runs the job is not lost");
        again.send(result(jid, "m1", true));
        assertEquals(jid, again.next(5000).getAck().getJid());
        assertEquals(JobEvent.Type.MINION_DONE, event().getType());
        JobEvent end = event();
        assertEquals(JobEvent.Type.JOB_DONE, end.getType());
        assertEquals(0, end.getSummary().getLost());
    }

    /** Starts a job on m1 and ends m1's stream once the envelope is there; returns the jid. */
    private String streamEndsMidJob() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        String jid = master.jobs().submit(apply("m1"), events::add);
        assertEquals(JobEvent.Type.JOB_STARTED, event().getType());
        assertNotNull(s1.next(5000));
        s1.end();
        for (int i = 0; i < 200 && master.connections().connected("m1"); i++) Thread.sleep(10);
        return jid;
    }

    @Test
    void aMinionWhoseStreamStaysGoneIsLostAfterTheGrace() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        master.jobs().submit(apply("m1"), events::add);
        assertEquals(JobEvent.Type.JOB_STARTED, event().getType());
        assertNotNull(s1.next(5000));
        long t0 = System.nanoTime();
        s1.end();
        JobEvent lost = event();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(JobEvent.Type.MINION_LOST, lost.getType());
        assertEquals("its connection to the master ended and it did not come back within 1 s", lost.getMessage());
        assertTrue(tookMs >= 1000 && tookMs < 3000, "lost " + tookMs + " ms after its stream ended, for a grace of 1 s");
        assertEquals(JobEvent.Type.JOB_DONE, event().getType());
    }

    @Test
    void aJobLargerThanAMinionAcceptsIsRefusedBeforeAnythingIsSent() throws Exception {
        byte[] big = new byte[Limits.MINION_MAX_INBOUND_BYTES];
        java.util.Arrays.fill(big, (byte) 'x');
        java.nio.file.Files.write(tm.states.resolve("big.txt"), big);
        TestMaster.files(tm.states, Map.of("app.sls", "big:\n  file.managed:\n    - name: /tmp/jstate-never-written/big\n    - source: big.txt\n    - template: none\n"));
        FakeMinion.Stream s1 = connected(m1, "{}");
        String jid = master.jobs().submit(apply("m1"), events::add);
        JobEvent e = event();
        assertEquals(JobEvent.Type.JOB_FAILED, e.getType());
        assertTrue(e.getMessage().matches("the job for minion m1 is \\d+ bytes \\(its bundle of state tree files, pillar and peers: \\d+ bytes\\), "
                + "more than the " + Limits.MAX_JOB_BODY_BYTES + " bytes a minion accepts .*"), e.getMessage());
        assertNull(s1.next(300), "nothing is sent for a job that cannot start");
        assertEquals(e.getMessage(), master.store().load(jid).orElseThrow().getError());
    }

    @Test
    void aResultSpooledAcrossAMasterRestartIsStoredAndAcked() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        String jid = master.jobs().submit(apply("m1"), events::add);
        assertNotNull(s1.next(5000));
        tm.stop();
        ch.shutdownNow();
        master = tm.start();
        var bus = master.events().open("test", io.jstate.master.events.EventForm.matching("jstate/job/*"));
        ch = tm.channel();
        FakeMinion.Stream again = connected(m1, "{}");
        again.send(result(jid, "m1", true));
        assertEquals(jid, again.next(5000).getAck().getJid());
        var late = (Event.MinionReturned) bus.poll(5, TimeUnit.SECONDS).event();
        assertEquals(List.of(jid, "m1", true), List.of(late.jid(), late.minion(), late.late()));
        var done = (Event.JobDone) bus.poll(5, TimeUnit.SECONDS).event();
        assertEquals(jid, done.job().jid());
        assertEquals(Event.JobDone.Outcome.SUCCEEDED, done.outcome());
        assertTrue(done.resumed());
        JobRecord rec = master.store().load(jid).orElseThrow();
        assertEquals(1, rec.getResultsCount());
        assertEquals("m1", rec.getResults(0).getMinionId());
        assertTrue(rec.getFinishedUnixMs() > 0, "every minion returned, so the job is done: " + rec);
    }

    @Test
    void aJobLeftByADeadMasterEndsWithItsMissingMinionsLost() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        FakeMinion.Stream s2 = connected(m2, "{}");
        String jid = master.jobs().submit(apply("*").toBuilder().setTimeoutMs(100).build(), events::add);
        assertNotNull(s1.next(5000));
        assertNotNull(s2.next(5000));
        tm.stop();
        ch.shutdownNow();
        master = tm.start(Duration.ofSeconds(10), Duration.ofMillis(300));
        var bus = master.events().open("test", e -> e instanceof Event.JobDone);
        ch = tm.channel();
        FakeMinion.Stream again = connected(m1, "{}");
        again.send(result(jid, "m1", true));
        assertEquals(jid, again.next(5000).getAck().getJid());
        assertEquals(0, master.store().load(jid).orElseThrow().getFinishedUnixMs(), "m2 may still resend its result");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        JobRecord rec;
        while ((rec = master.store().load(jid).orElseThrow()).getFinishedUnixMs() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(rec.getFinishedUnixMs() > 0, rec::toString);
        assertEquals(List.of("m2"), rec.getLostList());
        assertEquals(1, rec.getResultsCount());
        var done = (Event.JobDone) bus.poll(5, TimeUnit.SECONDS).event();
        assertEquals(jid, done.job().jid());
        assertEquals(Event.JobDone.Outcome.FAILED, done.outcome());
        assertEquals(1, done.lost());
        assertEquals(1, done.returned());
    }

    @Test
    void batchesSendToNMinionsAtATime() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        FakeMinion.Stream s2 = connected(m2, "{}");
        String jid = master.jobs().submit(apply("*").toBuilder().setBatch("1").build(), events::add);
        assertNotNull(s1.next(5000));
        assertNull(s2.next(300), "m2 waits for m1's batch to finish");
        s1.send(result(jid, "m1", true));
        assertNotNull(s2.next(5000));
        s2.send(result(jid, "m2", true));
        JobEvent e;
        do {
            e = event();
        } while (e.getType() != JobEvent.Type.JOB_DONE);
        assertEquals(2, e.getSummary().getReturned());
        assertEquals(1, Jobs.batchSize("50%", 2));
        assertEquals(3, Jobs.batchSize("21%", 10));
        assertEquals(10, Jobs.batchSize("", 10));
    }

    @Test
    void functionsGoTheSameWayAndShowPlanCarriesABundle() throws Exception {
        FakeMinion.Stream s1 = connected(m1, "{}");
        master.jobs().submit(JobRequest.newBuilder().setTarget("m1")
                .setFunction(FunctionRequest.newBuilder().setName("test.ping")).build(), events::add);
        Job ping = verified(s1, m1);
        assertEquals("test.ping", ping.getFunction().getName());
        assertFalse(ping.getFunction().hasBundle());
        master.jobs().submit(JobRequest.newBuilder().setTarget("m1")
                .setFunction(FunctionRequest.newBuilder().setName("state.show_plan").addArgs("app")).build(), events::add);
        Job plan = verified(s1, m1);
        assertEquals(List.of("app"), plan.getFunction().getTargetsList());
        assertEquals(List.of("app.sls"), plan.getFunction().getBundle().getFilesList().stream().map(BundleFile::getPath).toList());
    }

    @Test
    void pillarTargetsUseEachMinionsPillar() {
        assertEquals(List.of("m2"), master.jobs().match(io.jstate.common.target.Target.parse("I@role:db")));
        assertEquals(List.of("m1", "m2"), master.jobs().match(io.jstate.common.target.Target.parse("m*")));
    }

    // ---- helpers ----

    FakeMinion.Stream connected(FakeMinion m, String grains) throws InterruptedException {
        FakeMinion.Stream s = m.connect(ch, grains);
        for (int i = 0; i < 500; i++) {
            var session = master.connections().session(m.id);
            if (session.isPresent() && session.get().grainsStruct().equals(FakeMinion.grains(grains))) return s;
            Thread.sleep(10);
        }
        throw new AssertionError(m.id + " never connected");
    }

    JobEvent event() throws InterruptedException {
        JobEvent e = events.poll(5, TimeUnit.SECONDS);
        assertNotNull(e, "no job event within 5 s");
        return e;
    }

    /** The next envelope on the stream, its signature checked with the key the minion got at enrollment. */
    static Job verified(FakeMinion.Stream s, FakeMinion m) throws Exception {
        MasterMessage msg = s.next(5000);
        assertNotNull(msg, "no envelope");
        SignedJob signed = msg.getJob();
        PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(m.lastReply.getSigningPublicKeyDer().toByteArray()));
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(pub);
        v.update(signed.getJob().toByteArray());
        assertTrue(v.verify(signed.getSignature().toByteArray()), "the signature verifies with the published key");
        byte[] tampered = signed.getJob().toByteArray();
        tampered[tampered.length / 2] ^= 1;
        v.initVerify(pub);
        v.update(tampered);
        assertFalse(v.verify(signed.getSignature().toByteArray()), "one flipped byte breaks the signature");
        return Job.parseFrom(signed.getJob());
    }

    static JobRequest apply(String target) {
        return JobRequest.newBuilder().setTarget(target).setTimeoutMs(60_000)
                .setApply(ApplyRequest.newBuilder().addTargets("highstate")).build();
    }

    static MinionMessage result(String jid, String claimedId, boolean ok) {
        JobResult.Builder r = JobResult.newBuilder().setJid(jid).setMinionId(claimedId);
        if (ok) r.setReport(RunReport.newBuilder());
        else r.setFunction(FunctionReturn.newBuilder().setSuccess(false).setError("boom"));
        return MinionMessage.newBuilder().setResult(r).build();
    }

    static void assertNotEquals(Object a, Object b) {
        org.junit.jupiter.api.Assertions.assertNotEquals(a, b);
    }
}
