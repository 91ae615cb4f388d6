package io.jstate.common.output;

import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;

/** How results are classified, in one place for the minion, the master and the CLI. */
public final class Results {
    private Results() {}

    /** A failed state, or one blocked by a failed requisite or failhard. */
    public static boolean isFailure(StateResult s) {
        return s.hasFailed() || (s.hasSkipped() && s.getSkipped().getBlocked());
    }

    /** A state that changed something, or would in a dry run. */
    public static boolean isChange(StateResult s) {
        return s.hasChanged() || s.hasWouldChange();
    }

    public static long failed(RunReport r) {
        return r.getStatesList().stream().filter(Results::isFailure).count();
    }

    public static long changed(RunReport r) {
        return r.getStatesList().stream().filter(Results::isChange).count();
    }

    public static long succeeded(RunReport r) {
        return r.getStatesCount() - failed(r);
    }

    /** Whether a minion's job result counts as success: every state succeeded, or the function succeeded. */
    public static boolean ok(JobResult r) {
        return switch (r.getOutcomeCase()) {
            case REPORT -> r.getReport().getCompileError().isEmpty() && failed(r.getReport()) == 0;
            case FUNCTION -> r.getFunction().getSuccess();
            default -> false;
        };
    }
}
