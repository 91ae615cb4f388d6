package io.jstate.it.workload;

/**
 * Availability as Jepsen reads it: the longest time without a successful operation. The time from
 * the start to the first success and from the last success to the end count as gaps too, so a run
 * in which nothing succeeded reports its whole length. Thread-safe.
 */
final class Gaps {
    private final long startNanos;
    private long lastNanos;
    private long longestNanos;

    Gaps(long startNanos) {
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
    }

    /** A success at {@code nowNanos} (System.nanoTime). */
    synchronized void success(long nowNanos) {
        longestNanos = Math.max(longestNanos, nowNanos - lastNanos);
        lastNanos = nowNanos;
    }

    /** The longest gap in milliseconds, for a run that ended at {@code endNanos}. */
    synchronized long longestMs(long endNanos) {
        return Math.max(longestNanos, endNanos - lastNanos) / 1_000_000;
    }

    long startNanos() {
        return startNanos;
    }
}
