package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.minion.functions.Functions;
import io.jstate.proto.v1.ApplyJob;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.StateProgress;
import io.jstate.proto.v1.StateResult;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.Step;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProgressReportsTest {
    @TempDir
    Path tmp;

    private final List<StateProgress> sent = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong();

    private record Spec(String name) {}

    private static Step step(int index, String id) {
        return new Step(index, id, "wait.for", new Spec(null), new Source("w", "w.sls", index + 1), List.of(), null);
    }

    @Test
    void waitsOfATightLoopAreForwardedAtMostOnceEveryGap() {
        ProgressReports p = new ProgressReports("j1", sent::add, Duration.ofHours(1), Duration.ofSeconds(5), now::get);
        Step s = step(0, "galera-joined");
        p.started(s);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(1_000_000);   // a wait every millisecond, for one second
            p.waiting(s, "check " + i + " of 1000");
        }
        assertEquals(1, sent.size(), sent.toString());
        assertEquals("check 0 of 1000", sent.get(0).getWaiting());
        assertEquals("galera-joined", sent.get(0).getId());
        assertEquals("wait.for", sent.get(0).getKind());
        assertEquals("j1", sent.get(0).getJid());
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        p.waiting(s, "four seconds on");
        assertEquals(1, sent.size(), "within the gap: " + sent);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        p.waiting(s, "the gap is over");
        assertEquals(2, sent.size());
        assertEquals("the gap is over", sent.get(1).getWaiting());
        assertEquals(6000, sent.get(1).getRunningMs());
        // A wait that is not of the running state (it ended) is not reported.
        p.finished();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        p.waiting(s, "late");
        assertEquals(2, sent.size());
    }

    @Test
    void aStateIsReportedOnlyWhenItRunsLongerThanTheDelay() throws Exception {
        ProgressReports p = new ProgressReports("j1", sent::add, Duration.ofMillis(200), Duration.ofSeconds(5), System::nanoTime);
        for (int i = 0; i < 50; i++) {
            p.started(step(i, "fast" + i));
            p.finished();
        }
        p.started(step(50, "slow"));
        Thread.sleep(600);
        p.finished();
        Thread.sleep(300);
        assertEquals(1, sent.size(), sent.toString());
        assertEquals("slow", sent.get(0).getId());
        assertEquals("", sent.get(0).getWaiting());
        assertTrue(sent.get(0).getRunningMs() >= 200, sent.toString());
    }

    @Test
    void aJobsWaitIsForwardedWithItsStateAndBeforeTheStatesResult() throws Exception {
        Files.createDirectories(tmp.resolve("root"));
        JobRunner runner = new JobRunner("web1", LocalHost.under(tmp.resolve("root")), Map::of, Kinds.registry(), Functions.builtin(),
                Clock.systemUTC());
        Bundle bundle = Bundle.newBuilder()
                .addFiles(MinionDaemonTest.file("top.sls", "base:\n  '*':\n    - w\n"))
                .addFiles(MinionDaemonTest.file("w.sls", "db-up:\n  wait.for:\n    - command: 'false'\n    - attempts: 20\n    - interval: 0.05\n"))
                .build();
        List<Object> told = new CopyOnWriteArrayList<>();
        JobResult r = runner.run(TestMaster.job("w1", "web1", Instant.now()).setApply(ApplyJob.newBuilder().setBundle(bundle)).build(),
                new Jobs.Reports() {
                    @Override
                    public void state(StateResult result) {
                        told.add(result);
                    }

                    @Override
                    public void progress(StateProgress progress) {
                        told.add(progress);
                    }
                });
        assertTrue(r.getReport().getStates(0).hasFailed(), r.toString());
        // 19 pauses of 50 ms: the engine tells the first, and the minion forwards it once.
        assertEquals(2, told.size(), told.toString());
        StateProgress p = (StateProgress) told.get(0);
        assertEquals("w1", p.getJid());
        assertEquals("db-up", p.getId());
        assertEquals("wait.for", p.getKind());
        assertTrue(p.getWaiting().contains("command 'false'"), p.getWaiting());
        assertEquals("db-up", ((StateResult) told.get(1)).getId());
    }
}
