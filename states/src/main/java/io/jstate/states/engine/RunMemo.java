package io.jstate.states.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the checks of one run have observed, shared while nothing changes: several states that
 * ask the same daemon the same question (one {@code rabbitmqctl export_definitions} answers the
 * vhost, the users, their permissions and the policies) ask it once.
 *
 * <p>The engine forgets everything here whenever a state applies or reacts, and before every
 * check that repeats (a retry, a settle, the check after an apply), so an answer is only ever
 * reused by a first check that ran after it with nothing changed in between. A dry run changes
 * nothing, so its checks share answers all the way. A kind keys its entries so that different
 * questions never meet (e.g. by command line).
 *
 * <p>An answer observed while something was forgotten (a state cut off by its timeout may still
 * be applying on a worker thread) is handed to its caller but not remembered: it may predate the
 * change.
 */
public final class RunMemo {
    private final Map<Object, Object> answers = new HashMap<>();
    /** Counts the clears, so an observation that spans one is not remembered. */
    private long generation;

    /** The answer remembered under {@code key}, else {@code observe}'s, remembered; a failure is not remembered. */
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Supplier<T> observe) {
        long before;
        synchronized (this) {
            Object have = answers.get(key);
            if (have != null) return (T) have;
            before = generation;
        }
        // Observed outside the lock: a slow daemon does not hold up a clear.
        T v = observe.get();
        synchronized (this) {
            if (v != null && generation == before) answers.put(key, v);
        }
        return v;
    }

    /** Forgets every answer: something may have changed. */
    public synchronized void clear() {
        answers.clear();
        generation++;
    }
}
