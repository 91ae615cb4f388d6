package io.jstate.cli;

/**
 * Something stopped a command before it could do its work (the master unreachable, a missing
 * certificate, an error the master answered). The message is complete as the operator reads it.
 */
final class CliException extends Exception {
    CliException(String message) {
        super(message, null, false, false);
    }
}
