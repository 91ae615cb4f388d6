package io.jstate.common.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.common.output.ResultView.Status;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.Failed;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.Skipped;
import io.jstate.proto.v1.StateResult;
import io.jstate.proto.v1.Unchanged;
import io.jstate.proto.v1.WouldChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultViewTest {
    private static final Change MODE = Change.newBuilder().setAttribute("mode").setBefore("0644").setAfter("0600").build();

    private static StateResult.Builder state(String id, String kind) {
        return StateResult.newBuilder().setId(id).setKind(kind).setName(id).setDurationUs(1500);
    }

    private static StateResult unchanged(String id) {
        return state(id, "pkg.installed").setUnchanged(Unchanged.newBuilder().setComment("installed")).build();
    }

    private static StateResult changed(String id) {
        return state(id, "file.managed").setChanged(Changed.newBuilder().addChanges(MODE).setComment("updated").putData("k", "v")).build();
    }

    private static StateResult wouldChange(String id) {
        return state(id, "file.managed").setWouldChange(WouldChange.newBuilder().addChanges(MODE).setComment("would update")).build();
    }

    private static StateResult failed(String id, String error) {
        return state(id, "service.running").setFailed(Failed.newBuilder().setError(error)).build();
    }

    private static StateResult skipped(String id, boolean blocked) {
        return state(id, "cmd.run").setSkipped(Skipped.newBuilder().setReason(blocked ? "requisite nginx failed" : "onlyif false").setBlocked(blocked)).build();
    }

    private static JobResult report(String minion, StateResult... states) {
        return JobResult.newBuilder().setMinionId(minion).setReport(RunReport.newBuilder().addAllStates(List.of(states))).build();
    }

    @Test
    void eachOutcomeHasOneStatusAndItsText() {
        assertEquals(Status.UNCHANGED, ResultView.state(unchanged("a")).status());
        assertEquals("installed", ResultView.state(unchanged("a")).comment());
        ResultView.State c = ResultView.state(changed("a"));
        assertEquals(Status.CHANGED, c.status());
        assertEquals("updated", c.comment());
        assertEquals(List.of(MODE), c.changes());
        assertEquals(Map.of("k", "v"), c.data());
        assertEquals(1500, c.durationUs());
        ResultView.State w = ResultView.state(wouldChange("a"));
        assertEquals(Status.WOULD_CHANGE, w.status());
        assertEquals(List.of(MODE), w.changes());
        assertEquals("boom", ResultView.state(failed("a", "boom")).comment());
        assertEquals(Status.SKIPPED, ResultView.state(skipped("a", false)).status());
        assertEquals(Status.BLOCKED, ResultView.state(skipped("a", true)).status());
        assertEquals("requisite nginx failed", ResultView.state(skipped("a", true)).comment());
        assertEquals(Status.SKIPPED, ResultView.state(state("a", "x").build()).status(), "no outcome: nothing was done");
    }

    @Test
    void failuresAreFailedOrBlockedAndChangesIncludeDryRuns() {
        for (Status s : Status.values()) {
            assertEquals(s == Status.FAILED || s == Status.BLOCKED, s.failure(), s.name());
            assertEquals(s == Status.CHANGED || s == Status.WOULD_CHANGE, s.change(), s.name());
        }
        assertEquals("would_change", Status.WOULD_CHANGE.word());
        assertEquals("blocked", Status.BLOCKED.word());
    }

    @Test
    void countsAreTheRunsStates() {
        ResultView.Counts c = ResultView.counts(report("m", unchanged("a"), changed("b"), wouldChange("c"), failed("d", "x"),
                skipped("e", true), skipped("f", false)).getReport());
        assertEquals(6, c.states());
        assertEquals(2, c.changed());
        assertEquals(2, c.failed());
        assertEquals(4, c.succeeded());
        assertEquals(List.of("d", "e"), c.failedIds());
    }

    @Test
    void aMinionWithoutFailedStatesIsOkAndHasNoWhy() {
        ResultView.Minion m = ResultView.minion(report("ctl1", unchanged("a"), skipped("b", false)));
        assertTrue(m.ok());
        assertEquals("ctl1", m.id());
        assertEquals("", m.why());
    }

    @Test
    void whyNamesTheFirstFailedStateFirstLineAndHowManyMore() {
        ResultView.Minion one = ResultView.minion(report("ctl1", unchanged("a"), failed("synced", "not Synced after 60 s\nmore")));
        assertFalse(one.ok());
        assertEquals("service.running synced failed: not Synced after 60 s …", one.why());
        // A blocked state before the failed one: the failure that caused it is the better answer.
        ResultView.Minion three = ResultView.minion(report("ctl1", skipped("early", true), failed("nginx", "unit not found"), failed("php", "x")));
        assertEquals("service.running nginx failed: unit not found (and 2 more failed)", three.why());
        ResultView.Minion blocked = ResultView.minion(report("ctl1", skipped("b", true)));
        assertEquals("cmd.run b did not run: requisite nginx failed", blocked.why());
    }

    @Test
    void whyOfACompileErrorARefusalAFunctionAndNothing() {
        JobResult compile = JobResult.newBuilder().setMinionId("m").setReport(RunReport.newBuilder().setCompileError("nginx.sls:3: no such kind")).build();
        assertFalse(ResultView.minion(compile).ok());
        assertEquals("could not compile its states: nginx.sls:3: no such kind", ResultView.minion(compile).why());
        JobResult refused = JobResult.newBuilder().setRefused(Refusal.newBuilder().setReason(Refusal.Reason.EXPIRED).setMessage("the job expired")).build();
        assertEquals("refused the job (EXPIRED): the job expired", ResultView.minion("m", refused).why());
        JobResult bare = JobResult.newBuilder().setFunction(FunctionReturn.newBuilder().setSuccess(false)).build();
        assertEquals("the function failed", ResultView.minion("m", bare).why());
        JobResult error = JobResult.newBuilder().setFunction(FunctionReturn.newBuilder().setSuccess(false).setError("no such function\ntrace")).build();
        assertEquals("no such function …", ResultView.minion("m", error).why());
        JobResult ok = JobResult.newBuilder().setFunction(FunctionReturn.newBuilder().setSuccess(true).setValue(com.google.protobuf.Value.newBuilder().setBoolValue(true))).build();
        assertTrue(ResultView.minion("m", ok).ok());
        assertEquals(ResultView.Counts.NONE, ResultView.minion("m", ok).counts());
        JobResult empty = JobResult.getDefaultInstance();
        assertFalse(ResultView.minion("m", empty).ok());
        assertEquals("returned an empty result", ResultView.minion("m", empty).why());
    }

    @Test
    void aJobAddsItsMinionsUpInTheGivenOrder() {
        Map<String, JobResult> byMinion = new LinkedHashMap<>();
        byMinion.put("ctl2", report("", failed("a", "x"), changed("b")));
        byMinion.put("ctl1", report("", changed("a"), wouldChange("b")));
        byMinion.put("ctl3", JobResult.newBuilder().setRefused(Refusal.newBuilder().setReason(Refusal.Reason.EXPIRED)).build());
        ResultView.Job job = ResultView.job(byMinion);
        assertEquals(List.of("ctl2", "ctl1", "ctl3"), job.minions().stream().map(ResultView.Minion::id).toList());
        assertEquals(List.of("ctl2", "ctl3"), job.failed().stream().map(ResultView.Minion::id).toList(), "the ids given, not the ones reported");
        assertEquals(3, job.changed());
        assertEquals(List.of("ctl1"), ResultView.job(List.of(report("ctl1", failed("a", "x")))).failed().stream().map(ResultView.Minion::id).toList());
    }
}
