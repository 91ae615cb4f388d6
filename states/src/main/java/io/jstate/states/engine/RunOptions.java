package io.jstate.states.engine;

import java.time.Duration;

/**
 * How the engine runs a plan, beyond what each step asks for.
 *
 * @param defaultTimeout how long one attempt of a step may take when the step sets no timeout
 */
public record RunOptions(Duration defaultTimeout) {
    public static final Duration ONE_HOUR = Duration.ofHours(1);
    public static final RunOptions DEFAULT = new RunOptions(ONE_HOUR);

    public RunOptions {
        defaultTimeout = defaultTimeout == null ? ONE_HOUR : defaultTimeout;
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("the default timeout must be positive, got " + defaultTimeout);
        }
    }
}
