package io.jstate.master.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Rate limits for the one unauthenticated RPC: a bucket per remote address and one for all
 * callers together (ten times the per-address rate), so neither one noisy host nor many can
 * flood the key store.
 */
final class EnrollLimiter {
    /** Past this many tracked addresses, full buckets are forgotten. */
    private static final int MAX_TRACKED = 10_000;

    private final int perMinute;
    private final LongSupplier nanos;
    private final TokenBucket global;
    private final Map<String, TokenBucket> perAddress = new ConcurrentHashMap<>();

    EnrollLimiter(int perMinute, LongSupplier nanos) {
        this.perMinute = perMinute;
        this.nanos = nanos;
        this.global = new TokenBucket(perMinute * 10, perMinute * 10, nanos);
    }

    boolean allow(String address) {
        if (perAddress.size() > MAX_TRACKED) perAddress.values().removeIf(TokenBucket::full);
        TokenBucket b = perAddress.computeIfAbsent(address, a -> new TokenBucket(perMinute, perMinute, nanos));
        return b.take() && global.take();
    }
}
