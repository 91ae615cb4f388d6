package io.jstate.master.gateway;

import java.util.function.LongSupplier;

/** A token bucket: {@code capacity} calls at once, refilled at {@code perMinute}. */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private final LongSupplier nanos;
    private double tokens;
    private long last;

    TokenBucket(int capacity, int perMinute, LongSupplier nanos) {
        this.capacity = capacity;
        this.perNano = perMinute / 60e9;
        this.nanos = nanos;
        this.tokens = capacity;
        this.last = nanos.getAsLong();
    }

    synchronized boolean take() {
        long now = nanos.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }

    /** Whether the bucket is full again, so forgetting it changes nothing. */
    synchronized boolean full() {
        long now = nanos.getAsLong();
        return tokens + (now - last) * perNano >= capacity;
    }
}
