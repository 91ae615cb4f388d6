package io.jstate.common.output;

import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;

/** Short forms of {@link ResultView}'s classification, for callers that need one answer about a result. */
public final class Results {
    private Results() {}

    /** A failed state, or one blocked by a failed requisite or failhard. */
    public static boolean isFailure(StateResult s) {
        return ResultView.Status.of(s).failure();
    }

    /** A state that changed something, or would in a dry run. */
    public static boolean isChange(StateResult s) {
        return ResultView.Status.of(s).change();
    }

    public static long failed(RunReport r) {
        return ResultView.counts(r).failed();
    }

    public static long changed(RunReport r) {
        return ResultView.counts(r).changed();
    }

    public static long succeeded(RunReport r) {
        return ResultView.counts(r).succeeded();
    }

    /** Whether a minion's job result counts as success: every state succeeded, or the function succeeded. */
    public static boolean ok(JobResult r) {
        return ResultView.minion(r).ok();
    }
}
