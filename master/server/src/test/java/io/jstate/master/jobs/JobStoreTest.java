package io.jstate.master.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.master.store.Quarantine;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStoreTest {
    @TempDir
    Path dir;

    static final long DAY = Duration.ofDays(1).toMillis();

    JobRecord header(String jid, long started, String... minions) {
        return JobRecord.newBuilder().setJid(jid).setStartedUnixMs(started).addAllMinions(List.of(minions))
                .setRequest(JobRequest.newBuilder().setTarget("*").setApply(ApplyRequest.newBuilder().addTargets("highstate"))).build();
    }

    @Test
    void aJobSurvivesARestartWithResultsPartialEventsAndLostMinions() {
        long now = System.currentTimeMillis();
        String jid = Jids.make(now);
        JobStore store = new JobStore(dir, new Quarantine(dir, Clock.systemUTC()));
        store.create(header(jid, now, "a", "b", "c"));
        store.appendPartial(jid, "a", StateResult.newBuilder().setId("s1").build());
        store.appendPartial(jid, "b", StateResult.newBuilder().setId("s1").build());
        store.appendPartial(jid, "b", StateResult.newBuilder().setId("s2").build());
        store.saveResult(JobResult.newBuilder().setJid(jid).setMinionId("a").setReport(RunReport.newBuilder()).build());
        store.addLost(jid, "c");

        JobStore reopened = new JobStore(dir, new Quarantine(dir, Clock.systemUTC()));
        JobRecord r = reopened.load(jid).orElseThrow();
        assertEquals(List.of("a", "b", "c"), r.getMinionsList());
        assertEquals(0, r.getFinishedUnixMs(), "not finished yet");
        assertEquals(1, r.getResultsCount());
        assertEquals(List.of("c"), r.getLostList());
        // Only the minion that has not returned keeps its per-state events.
        assertEquals(List.of("b:s1", "b:s2"), r.getPartialList().stream().map(p -> p.getMinionId() + ":" + p.getResult().getId()).toList());

        reopened.saveResult(JobResult.newBuilder().setJid(jid).setMinionId("c").setReport(RunReport.newBuilder()).build());
        reopened.finish(jid, now + 5);
        r = new JobStore(dir, new Quarantine(dir, Clock.systemUTC())).load(jid).orElseThrow();
        assertEquals(List.of(), r.getLostList(), "a result that came late takes the minion off the lost list");
        assertEquals(now + 5, r.getFinishedUnixMs());
        assertEquals(2, r.getResultsCount());
    }

    @Test
    void listIsNewestFirstWithoutResults() {
        JobStore store = new JobStore(dir, new Quarantine(dir, Clock.systemUTC()));
        long now = System.currentTimeMillis();
        String older = Jids.make(now - 60_000);
        String newer = Jids.make(now);
        store.create(header(older, now - 60_000, "a"));
        store.create(header(newer, now, "a"));
        store.saveResult(JobResult.newBuilder().setJid(newer).setMinionId("a").build());
        List<JobRecord> list = store.list(10);
        assertEquals(List.of(newer, older), list.stream().map(JobRecord::getJid).toList());
        assertEquals(0, list.get(0).getResultsCount());
        assertEquals(1, store.list(1).size());
    }

    @Test
    void pruneDeletesJobsOlderThanTheRetention() throws IOException {
        JobStore store = new JobStore(dir, new Quarantine(dir, Clock.systemUTC()));
        long now = System.currentTimeMillis();
        String old = Jids.make(now - 8 * DAY);
        String recent = Jids.make(now - 6 * DAY);
        store.create(header(old, now - 8 * DAY, "a"));
        store.create(header(recent, now - 6 * DAY, "a"));
        // A folder left without its record is judged by the time in its jid.
        String orphan = Jids.make(now - 9 * DAY);
        Files.createDirectories(dir.resolve(orphan));
        Files.createDirectories(dir.resolve("not-a-job"));

        assertEquals(2, store.prune(now, Duration.ofDays(7)));
        assertFalse(store.exists(old));
        assertFalse(Files.exists(dir.resolve(orphan)));
        assertTrue(store.exists(recent));
        assertTrue(Files.exists(dir.resolve("not-a-job")), "prune touches only job folders");
    }

    @Test
    void jidsAreSaltStyleTimestamps() {
        String jid = Jids.make(0);
        assertTrue(jid.startsWith("19700101000000000"), jid);
        assertEquals(20, jid.length());
        assertTrue(Jids.valid(jid));
        assertFalse(Jids.valid("../../etc/passwd"));
        assertEquals(0, Jids.time(jid));
    }
}
