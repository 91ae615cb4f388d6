package io.jstate.master.web;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Login attempts per remote address: at most {@code max} attempts that did not succeed within
 * {@code windowMs}; after that the address is refused without a password check until the oldest of
 * them leaves the window. An attempt is reserved before its password is checked, atomically, so
 * parallel requests cannot get more than {@code max} wrong passwords checked between them. A success
 * gives back its own attempt only and forgives no failure, so the right password of one request never
 * opens more guesses to the others. This bounds password guessing and the CPU an address can make the
 * master spend on PBKDF2.
 */
final class LoginLimiter {
    private final int max;
    private final long windowMs;
    private final LongSupplier millis;
    private final ConcurrentHashMap<String, Deque<Long>> attempts = new ConcurrentHashMap<>();

    LoginLimiter(int max, long windowMs, LongSupplier millis) {
        this.max = max;
        this.windowMs = windowMs;
        this.millis = millis;
    }

    /**
     * Reserves one attempt for {@code address}, counted as a failure unless {@link #succeeded} follows.
     * Returns 0 when the caller may check the password, else the seconds until the address may try again
     * (and nothing was reserved).
     */
    long reserve(String address) {
        long now = millis.getAsLong();
        long[] wait = {0};
        attempts.compute(address, (a, d) -> {
            Deque<Long> q = d == null ? new ArrayDeque<>() : d;
            prune(q, now);
            if (q.size() >= max) wait[0] = Math.max(1, (q.peekFirst() + windowMs - now + 999) / 1000);
            else q.addLast(now);
            return q;
        });
        if (attempts.size() > 10_000) {
            for (String a : attempts.keySet()) attempts.computeIfPresent(a, (k, q) -> prune(q, now).isEmpty() ? null : q);
        }
        return wait[0];
    }

    /** Gives back an attempt {@link #reserve} took whose password was right. */
    void succeeded(String address) {
        attempts.computeIfPresent(address, (a, q) -> {
            q.pollLast();
            return q.isEmpty() ? null : q;
        });
    }

    private Deque<Long> prune(Deque<Long> q, long now) {
        while (!q.isEmpty() && now - q.peekFirst() >= windowMs) q.pollFirst();
        return q;
    }
}
