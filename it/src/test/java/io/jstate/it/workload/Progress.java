package io.jstate.it.workload;

import java.util.function.Supplier;

/** A line on stderr at most every 10 s while something runs, so no wait is silent. */
final class Progress {
    private static final long EVERY_NANOS = 10_000_000_000L;
    private final String what;
    private final long start = System.nanoTime();
    private long next = start + EVERY_NANOS;

    Progress(String what) {
        this.what = what;
    }

    void maybe(Supplier<String> line) {
        long now = System.nanoTime();
        if (now < next) return;
        next = now + EVERY_NANOS;
        System.err.printf("%s: %d s: %s%n", what, (now - start) / 1_000_000_000L, line.get());
        System.err.flush();
    }
}
