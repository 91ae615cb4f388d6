package io.jstate.states.engine;

/**
 * A user error found while compiling: bad YAML, a missing template variable, an unknown kind or
 * argument, a requisite to nothing, a cycle. The message names the file, line and state id.
 */
public class PlanException extends RuntimeException {
    private final Source at;
    private final String id;
    private final String detail;

    public PlanException(Source at, String id, String message) {
        super(format(at, id, message));
        this.at = at;
        this.id = id;
        this.detail = message;
    }

    public PlanException(Source at, String id, String message, Throwable cause) {
        super(format(at, id, message), cause);
        this.at = at;
        this.id = id;
        this.detail = message;
    }

    /**
     * This error with every secret masked; the cause is dropped when anything was masked, since
     * its message may quote the same text.
     */
    public PlanException redacted(Secrets secrets) {
        String masked = secrets.redact(detail);
        return masked.equals(detail) ? this : new PlanException(at, id, masked);
    }

    public Source at() {
        return at;
    }

    public String id() {
        return id;
    }

    private static String format(Source at, String id, String message) {
        StringBuilder sb = new StringBuilder();
        if (at != null) sb.append(at).append(": ");
        if (id != null) sb.append("state '").append(id).append("': ");
        return sb.append(message).toString();
    }
}
