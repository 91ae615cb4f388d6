package io.jstate.common.output;

/** The process exit codes of a run, shared by every command that applies states. */
public final class ExitCodes {
    /** Every state succeeded (unchanged, changed, would change, or had nothing to do). */
    public static final int OK = 0;
    /** The run could not start: bad usage, or a parse, render or graph error in the state tree. */
    public static final int CANNOT_START = 1;
    /** The run happened and some state failed or was blocked by a failed requisite. */
    public static final int STATES_FAILED = 2;

    private ExitCodes() {}

    /** The code of a run that happened: {@code ok} when no state failed. */
    public static int of(boolean ok) {
        return ok ? OK : STATES_FAILED;
    }
}
