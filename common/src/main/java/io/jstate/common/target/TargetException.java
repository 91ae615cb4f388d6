package io.jstate.common.target;

/** A target expression that cannot be parsed, or names a nodegroup that does not exist. */
public class TargetException extends IllegalArgumentException {
    private final int position;

    public TargetException(String expression, int position, String message) {
        super("target '" + expression + "'" + (position >= 0 ? " at position " + (position + 1) : "") + ": " + message);
        this.position = position;
    }

    /** Zero-based offset into the expression, or -1 when the error is not at one place. */
    public int position() {
        return position;
    }
}
