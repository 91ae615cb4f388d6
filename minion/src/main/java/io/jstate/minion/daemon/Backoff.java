package io.jstate.minion.daemon;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Waits between reconnection attempts: {@code base} doubling up to {@code max}, each wait
 * stretched by a random part of up to a fifth of it, so a thousand minions cut off at once do
 * not all come back in the same second.
 */
final class Backoff {
    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration base, Duration max, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** The wait before the next attempt; each call counts one more failure. */
    Duration next() {
        long ms = base.toMillis();
        for (int i = 0; i < failures && ms < max.toMillis(); i++) ms *= 2;
        ms = Math.min(ms, max.toMillis());
        failures++;
        return Duration.ofMillis(ms + jitter(ms));
    }

    /** A connection worked: the next failure waits {@code base} again. */
    void reset() {
        failures = 0;
    }

    /** A random wait of up to a fifth of {@code ms}, added to spread retries. */
    long jitter(long ms) {
        long span = ms / 5;
        return span <= 0 ? 0 : random.nextLong(span + 1);
    }
}
