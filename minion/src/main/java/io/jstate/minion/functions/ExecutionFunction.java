package io.jstate.minion.functions;

import java.util.List;

/**
 * One execution function ({@code test.ping}, {@code cmd.run}, ...): runs on the minion with the
 * job's arguments and returns a value the master shows as JSON. Registered by name in
 * {@link Functions#builtin()}.
 */
public interface ExecutionFunction {

    /**
     * @throws IllegalArgumentException when the arguments do not fit; the message tells the
     *                                  operator what to give instead
     */
    Output call(FunctionContext context, List<String> args);

    /** What a function returned; {@code success} false when it ran but what it reports is a failure. */
    record Output(boolean success, Object value) {
        public static Output ok(Object value) {
            return new Output(true, value);
        }
    }
}
