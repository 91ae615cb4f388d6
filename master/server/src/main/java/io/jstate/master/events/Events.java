package io.jstate.master.events;

import io.jstate.common.output.ResultView;
import io.jstate.common.output.Results;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.StateResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event data the master's parts publish, built in one place so that what travels is plainly
 * small: ids, kinds, outcomes, durations and counts. Nothing here reads a change's before, after
 * or diff, a function's return value or pillar, which is how secrets stay off the bus.
 */
public final class Events {
    private Events() {}

    /** A state result's outcome as one word: unchanged, changed, would_change, failed, skipped or blocked. */
    public static String outcome(StateResult s) {
        return switch (s.getOutcomeCase()) {
            case UNCHANGED -> "unchanged";
            case CHANGED -> "changed";
            case WOULD_CHANGE -> "would_change";
            case FAILED -> "failed";
            case SKIPPED -> s.getSkipped().getBlocked() ? "blocked" : "skipped";
            default -> "unknown";
        };
    }

    /** One state's result, less its changes' contents and comment. */
    public static Map<String, Object> state(String jid, String minion, StateResult s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("jid", jid);
        d.put("minion", minion);
        d.put("id", s.getId());
        d.put("kind", s.getKind());
        d.put("sls", s.getSls());
        d.put("outcome", outcome(s));
        d.put("duration_ms", s.getDurationUs() / 1000.0);
        int changes = s.hasChanged() ? s.getChanged().getChangesCount() : s.hasWouldChange() ? s.getWouldChange().getChangesCount() : 0;
        d.put("changes", changes);
        return d;
    }

    /** A minion's outcome for a whole job: ok, failed (a state or the function failed) or refused. */
    public static String outcome(JobResult r) {
        if (r.hasRefused()) return "refused";
        return Results.ok(r) ? "ok" : "failed";
    }

    /** A minion's return: its outcome, how long it took and, for an apply, how many states did what. */
    public static Map<String, Object> result(String jid, String minion, JobResult r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("jid", jid);
        d.put("minion", minion);
        d.put("outcome", outcome(r));
        if (r.getFinishedUnixMs() > 0 && r.getStartedUnixMs() > 0) d.put("duration_ms", r.getFinishedUnixMs() - r.getStartedUnixMs());
        switch (r.getOutcomeCase()) {
            case REPORT -> {
                ResultView.Counts counts = ResultView.counts(r.getReport());
                d.put("states", counts.states());
                d.put("changed", (long) counts.changed());
                d.put("failed", (long) counts.failed());
                d.put("test", r.getReport().getTest());
                if (!r.getReport().getCompileError().isEmpty()) d.put("compile_error", true);
            }
            case FUNCTION -> d.put("success", r.getFunction().getSuccess());
            case REFUSED -> d.put("reason", r.getRefused().getReason().name());
            default -> { }
        }
        return d;
    }
}
