package io.jstate.states.engine;

/** An argument is missing, unknown or of the wrong shape. {@code argument} is null when the spec as a whole is wrong. */
public class SpecException extends RuntimeException {
    private final String argument;

    public SpecException(String argument, String message) {
        super(message);
        this.argument = argument;
    }

    public String argument() {
        return argument;
    }
}
