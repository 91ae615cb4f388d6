package io.jstate.it.workload;

/**
 * Operation ids: {@code run * 1,000,000 + seq}, so runs against the same table or queue never share
 * an id and a verifier can tell this run's rows and messages from an earlier run's. {@code run}
 * defaults to the start's epoch second.
 */
record Ids(long run) {
    static final long PER_RUN = 1_000_000L;

    Ids {
        if (run <= 0 || run > Long.MAX_VALUE / PER_RUN - 1) throw new IllegalArgumentException("run must be between 1 and " + (Long.MAX_VALUE / PER_RUN - 1) + ", not " + run);
    }

    static Ids now() {
        return new Ids(System.currentTimeMillis() / 1000);
    }

    long id(long seq) {
        if (seq < 0 || seq >= PER_RUN) throw new IllegalArgumentException("at most " + PER_RUN + " operations per run");
        return run * PER_RUN + seq;
    }

    long first() {
        return run * PER_RUN;
    }

    long last() {
        return run * PER_RUN + PER_RUN - 1;
    }

    boolean contains(long id) {
        return id >= first() && id <= last();
    }
}
