package io.jstate.it.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The bound and the pace of a workload's operations: at most {@code maxOps}, at most {@code seconds}
 * from the start, {@code rate} a second; an operation that falls behind is not made up for by a
 * burst, and after a failure the next one waits 100 ms (a dead address answers at once: no spin).
 * The run also ends early once the file {@code stop} exists (null: no such file), so that a test can
 * keep a workload running through an operation of unknown length and end it when that is done.
 */
final class Pacer {
    private final long start = System.nanoTime();
    private final long deadline;
    private final long interval;
    private final long maxOps;
    private long next = start;
    private long seq = -1;
    private final Path stop;

    Pacer(int seconds, long maxOps, double rate) {
        this(seconds, maxOps, rate, null);
    }

    Pacer(int seconds, long maxOps, double rate, Path stop) {
        this.stop = stop;
        this.deadline = start + seconds * 1_000_000_000L;
        this.interval = (long) (1_000_000_000L / rate);
        this.maxOps = maxOps;
    }

    long start() {
        return start;
    }

    /** Waits for the next operation's turn and gives its sequence number, or -1 when the run is over. */
    long next() throws InterruptedException {
        // The next turn after the end, not a burst of turns in its last millisecond.
        if (seq + 1 >= maxOps || next >= deadline || System.nanoTime() >= deadline) return -1;
        if (stop != null && Files.exists(stop)) return -1;
        long wait = next - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
        next = Math.max(next + interval, System.nanoTime() - interval);
        return ++seq;
    }

    void failed() {
        next = Math.max(next, System.nanoTime() + 100_000_000L);
    }
}
