package io.jstate.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The system clock in the system's zone. Finding the zone reads the whole zone database, some
 * tens of milliseconds at start-up; so it is looked up on a thread of its own while the command
 * talks to the master, and waited for only when a time is first shown.
 */
final class LocalClock extends Clock {
    private final Thread lookup;
    private volatile ZoneId zone;

    private LocalClock() {
        this.lookup = new Thread(() -> zone = ZoneId.systemDefault(), "jstate-zone");
    }

    static LocalClock start() {
        LocalClock c = new LocalClock();
        c.lookup.setDaemon(true);
        c.lookup.start();
        return c;
    }

    @Override
    public ZoneId getZone() {
        ZoneId z = zone;
        if (z != null) return z;
        try {
            lookup.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        z = zone;
        return z != null ? z : ZoneId.systemDefault();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.system(zone);
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public long millis() {
        return System.currentTimeMillis();
    }
}
