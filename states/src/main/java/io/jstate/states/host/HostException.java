package io.jstate.states.host;

/** A system operation failed: a command could not start, a file could not be written. */
public class HostException extends RuntimeException {
    public HostException(String message) {
        super(message);
    }

    public HostException(String message, Throwable cause) {
        super(message, cause);
    }
}
