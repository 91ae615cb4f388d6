package io.jstate.master.web;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed logins per remote address: after {@code max} failures within {@code windowMs} the address
 * is refused without a password check until the oldest of them leaves the window. This bounds
 * password guessing and the CPU an address can make the master spend on PBKDF2.
 */
final class LoginLimiter {
    private final int max;
    private final long windowMs;
    private final LongSupplier millis;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    LoginLimiter(int max, long windowMs, LongSupplier millis) {
        this.max = max;
        this.windowMs = windowMs;
        this.millis = millis;
    }

    /** Seconds until {@code address} may try again; 0 when it may now. */
    long waitSeconds(String address) {
        Deque<Long> d = failures.get(address);
        if (d == null) return 0;
        synchronized (d) {
            long now = millis.getAsLong();
            while (!d.isEmpty() && now - d.peekFirst() >= windowMs) d.pollFirst();
            if (d.size() < max) return 0;
            return Math.max(1, (d.peekFirst() + windowMs - now + 999) / 1000);
        }
    }

    void failed(String address) {
        Deque<Long> d = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(millis.getAsLong());
            while (d.size() > max) d.pollFirst();
        }
        if (failures.size() > 10_000) failures.entrySet().removeIf(e -> waitSeconds(e.getKey()) == 0);
    }

    void succeeded(String address) {
        failures.remove(address);
    }
}
