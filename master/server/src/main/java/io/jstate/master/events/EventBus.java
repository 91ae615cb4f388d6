package io.jstate.master.events;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The master's event bus: what happens to keys, minions and jobs, as {@link Event}s. In memory only.
 *
 * <p>Publishing never blocks: every subscriber has a bounded queue of its own, and when a slow
 * subscriber's queue is full the events it misses are counted and it receives one
 * {@link Event.EventsLost} marker with their number in their place, rather than the master waiting for it.
 */
public final class EventBus {
    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());
    public static final int DEFAULT_CAPACITY = 10_000;

    /** An event as a subscriber receives it: with the time it was published. */
    public record Published(long timeMs, Event event) {}

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;
    private final int capacity;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();

    public EventBus(LongSupplier clockMillis, int capacity) {
        this.clock = clockMillis;
        this.capacity = capacity;
    }

    public EventBus() {
        this(System::currentTimeMillis, DEFAULT_CAPACITY);
    }

    /** Publishes an event to every subscriber that wants it. */
    public void publish(Event event) {
        Published p = new Published(clock.getAsLong(), event);
        published.incrementAndGet();
        for (Subscription s : subscriptions) {
            if (s.which.test(event)) s.offer(p);
        }
    }

    /**
     * Calls {@code listener} with every event, in order, on a thread of the subscription's own;
     * the listener may be slow without holding up the master. {@code name} names the thread and
     * the subscription in its loss markers.
     */
    public Subscription subscribe(String name, Consumer<Event> listener) {
        Subscription s = open(name, e -> true);
        Thread t = new Thread(() -> {
            while (!s.closed()) {
                try {
                    Published p = s.poll(200, TimeUnit.MILLISECONDS);
                    if (p != null) listener.accept(p.event());
                } catch (InterruptedException ie) {
                    return;
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "the event listener '" + name + "' failed", ex);
                }
            }
        }, "jstate-events-" + name);
        t.setDaemon(true);
        t.start();
        return s;
    }

    /**
     * A subscription to the events {@code which} accepts, that its owner reads with
     * {@link Subscription#poll}, as a client's event stream does.
     */
    public Subscription open(String name, Predicate<Event> which) {
        Subscription s = new Subscription(name, which, capacity);
        subscriptions.add(s);
        return s;
    }

    /** Ends every subscription, as the master stops. */
    public void close() {
        for (Subscription s : subscriptions) s.close();
    }

    /** Events lost by slow subscribers since the master started, counted once per subscriber that missed one. */
    public long dropped() {
        return dropped.get();
    }

    public long published() {
        return published.get();
    }

    public int subscribers() {
        return subscriptions.size();
    }

    /** One subscriber: which events it wants, its bounded queue, and how many events it missed since its last marker. */
    public final class Subscription implements AutoCloseable {
        private final String name;
        private final Predicate<Event> which;
        private final BlockingQueue<Published> queue;
        private long lost;
        private volatile boolean closed;

        private Subscription(String name, Predicate<Event> which, int capacity) {
            this.name = name;
            this.which = which;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        public String name() {
            return name;
        }

        /**
         * Queues an event, or counts it lost. A marker goes in before the next event that fits, so
         * the subscriber learns of the gap where it happened.
         */
        private synchronized void offer(Published e) {
            if (closed) return;
            if (lost > 0) {
                if (queue.offer(marker())) {
                    lost = 0;
                } else {
                    miss();
                    return;
                }
            }
            if (!queue.offer(e)) miss();
        }

        private void miss() {
            lost++;
            dropped.incrementAndGet();
        }

        private Published marker() {
            return new Published(clock.getAsLong(), new Event.EventsLost(lost, name));
        }

        /** The next event, waiting up to {@code timeout}; null when none came. */
        public Published poll(long timeout, TimeUnit unit) throws InterruptedException {
            Published e = queue.poll(timeout, unit);
            return e != null ? e : lostMarker();
        }

        /** The next event if one is queued, else null; never waits. */
        public Published poll() {
            Published e = queue.poll();
            return e != null ? e : lostMarker();
        }

        private Published lostMarker() {
            synchronized (this) {
                // Nothing more came after the loss: the marker is due now rather than with a next event.
                if (lost > 0 && queue.isEmpty()) {
                    Published m = marker();
                    lost = 0;
                    return m;
                }
            }
            return null;
        }

        public boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
            queue.clear();
        }
    }
}
