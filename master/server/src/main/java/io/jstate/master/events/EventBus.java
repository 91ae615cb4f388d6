package io.jstate.master.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The master's event bus: what happens to keys, minions and jobs, as tagged events with small data
 * (ids, kinds, outcomes, durations, counts; never pillar and never the contents of changes, so no
 * secret can travel on it). In memory only.
 *
 * <p>Publishing never blocks: every subscriber has a bounded queue of its own, and when a slow
 * subscriber's queue is full the events it misses are counted and it receives one
 * {@link #LOST} marker with their number in their place, rather than the master waiting for it.
 */
public final class EventBus {
    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());
    /** The tag of the marker a slow subscriber gets where it missed events; data {@code lost: N}. */
    public static final String LOST = "jstate/events/lost";
    public static final int DEFAULT_CAPACITY = 10_000;

    /** One event. {@code data} holds only strings, numbers, booleans and lists of those. */
    public record Event(String tag, long timeMs, Map<String, Object> data) {
        public Event {
            data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }
    }

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

    /**
     * Publishes an event to every subscriber whose pattern matches its tag. Values of {@code data}
     * that are null are left out.
     */
    public void publish(String tag, Map<String, ?> data) {
        Map<String, Object> clean = new LinkedHashMap<>();
        data.forEach((k, v) -> {
            if (v != null) clean.put(k, v);
        });
        Event e = new Event(tag, clock.getAsLong(), clean);
        published.incrementAndGet();
        for (Subscription s : subscriptions) {
            if (s.matches(tag)) s.offer(e);
        }
    }

    /**
     * Calls {@code listener} with every event whose tag matches {@code glob}, in order, on a
     * thread of the subscription's own; the listener may be slow without holding up the master.
     */
    public Subscription subscribe(String glob, Consumer<Event> listener) {
        Subscription s = open(glob);
        Thread t = new Thread(() -> {
            while (!s.closed()) {
                try {
                    Event e = s.poll(200, TimeUnit.MILLISECONDS);
                    if (e != null) listener.accept(e);
                } catch (InterruptedException ie) {
                    return;
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "an event listener for '" + glob + "' failed", ex);
                }
            }
        }, "jstate-events-" + glob);
        t.setDaemon(true);
        t.start();
        return s;
    }

    /** A subscription its owner reads with {@link Subscription#poll}, as a client's event stream does. */
    public Subscription open(String glob) {
        Subscription s = new Subscription(glob, capacity);
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

    /**
     * A glob over tags: {@code *} matches any run of characters, slashes included (so
     * {@code jstate/job/*} is every job event), {@code ?} one character; everything else is itself.
     */
    public static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** One subscriber: its pattern, its bounded queue, and how many events it missed since its last marker. */
    public final class Subscription implements AutoCloseable {
        private final String glob;
        private final Pattern pattern;
        private final BlockingQueue<Event> queue;
        private long lost;
        private volatile boolean closed;

        private Subscription(String glob, int capacity) {
            this.glob = glob;
            this.pattern = EventBus.glob(glob);
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        public String glob() {
            return glob;
        }

        boolean matches(String tag) {
            return pattern.matcher(tag).matches();
        }

        /**
         * Queues an event, or counts it lost. A marker goes in before the next event that fits, so
         * the subscriber learns of the gap where it happened.
         */
        private synchronized void offer(Event e) {
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

        private Event marker() {
            return new Event(LOST, clock.getAsLong(), Map.of("lost", lost, "pattern", glob));
        }

        /** The next event, waiting up to {@code timeout}; null when none came. */
        public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
            Event e = queue.poll(timeout, unit);
            return e != null ? e : lostMarker();
        }

        /** The next event if one is queued, else null; never waits. */
        public Event poll() {
            Event e = queue.poll();
            return e != null ? e : lostMarker();
        }

        private Event lostMarker() {
            synchronized (this) {
                // Nothing more came after the loss: the marker is due now rather than with a next event.
                if (lost > 0 && queue.isEmpty()) {
                    Event m = marker();
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
