package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    /** A random source that always answers the same fraction of the asked bound. */
    private static RandomGenerator fixed(double fraction) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return (long) ((bound - 1) * fraction);
            }
        };
    }

    private static List<Long> seconds(Backoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(b.next().toMillis());
        return out;
    }

    @Test
    void waitsDoubleFromOneSecondUpToAMinute() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), fixed(0));
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L), seconds(b, 8));
    }

    @Test
    void jitterAddsUpToAFifth() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), fixed(1));
        assertEquals(List.of(1200L, 2400L, 4800L, 9600L, 19200L, 38400L, 72000L), seconds(b, 7));
    }

    @Test
    void aWorkingConnectionStartsTheScheduleOver() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), fixed(0));
        seconds(b, 5);
        b.reset();
        assertEquals(List.of(1000L, 2000L), seconds(b, 2));
    }
}
