package io.jstate.states.host;

/** Exit code and captured output of a command. {@code timedOut} means it was killed at its timeout. */
public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {

    public static ExecResult ok(String stdout) {
        return new ExecResult(0, stdout, "", false);
    }

    public static ExecResult fail(int code, String stderr) {
        return new ExecResult(code, "", stderr, false);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Throws a HostException that quotes stderr when the command failed; returns this otherwise. */
    public ExecResult orThrow(Exec exec) {
        if (!succeeded()) {
            String why = timedOut ? "timed out after " + exec.timeout().toSeconds() + "s"
                    : "exited " + exitCode;
            String err = stderr.isBlank() ? stdout.strip() : stderr.strip();
            throw new HostException("'" + exec.display() + "' " + why + (err.isEmpty() ? "" : ": " + err));
        }
        return this;
    }
}
