package io.jstate.master.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventBusTest {
    @Test
    void globsMatchWholeTagsAndStarCrossesSlashes() {
        assertTrue(EventBus.glob("jstate/job/*").matcher("jstate/job/1/state/m1").matches());
        assertTrue(EventBus.glob("jstate/*/up/*").matcher("jstate/minion/up/web1").matches());
        assertTrue(EventBus.glob("jstate/key/?ccepted/*").matcher("jstate/key/accepted/a").matches());
        assertFalse(EventBus.glob("jstate/key/*").matcher("jstate/minion/up/a").matches());
        assertFalse(EventBus.glob("jstate/job").matcher("jstate/job/1/done").matches());
        // Regex characters in a pattern are themselves.
        assertFalse(EventBus.glob("jstate/job/.+").matcher("jstate/job/1").matches());
        assertTrue(EventBus.glob("jstate/job/.+").matcher("jstate/job/.+").matches());
    }

    @Test
    void subscribersGetMatchingEventsInOrderWithTimeAndData() throws Exception {
        EventBus bus = new EventBus(() -> 1234L, 100);
        try (EventBus.Subscription keys = bus.open("jstate/key/*"); EventBus.Subscription all = bus.open("*")) {
            bus.publish("jstate/key/request/a", Map.of("id", "a"));
            bus.publish("jstate/minion/up/a", Map.of("id", "a"));
            java.util.HashMap<String, Object> withNull = new java.util.HashMap<>();
            withNull.put("id", "a");
            withNull.put("nothing", null);
            bus.publish("jstate/key/accepted/a", withNull);
            EventBus.Event e = keys.poll(1, TimeUnit.SECONDS);
            assertEquals(new EventBus.Event("jstate/key/request/a", 1234L, Map.of("id", "a")), e);
            EventBus.Event accepted = keys.poll(1, TimeUnit.SECONDS);
            assertEquals("jstate/key/accepted/a", accepted.tag());
            assertEquals(Map.of("id", "a"), accepted.data(), "null values are left out");
            assertNull(keys.poll(50, TimeUnit.MILLISECONDS));
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < 3; i++) tags.add(all.poll(1, TimeUnit.SECONDS).tag());
            assertEquals(List.of("jstate/key/request/a", "jstate/minion/up/a", "jstate/key/accepted/a"), tags);
        }
        assertEquals(0, bus.subscribers(), "closing a subscription removes it");
    }

    @Test
    void aFullQueueLosesEventsAndTheSubscriberIsToldHowMany() throws Exception {
        EventBus bus = new EventBus(System::currentTimeMillis, 3);
        EventBus.Subscription slow = bus.open("*");
        for (int i = 0; i < 10; i++) bus.publish("t/" + i, Map.of("i", i));
        assertEquals(7, bus.dropped());
        for (int i = 0; i < 3; i++) assertEquals("t/" + i, slow.poll(1, TimeUnit.SECONDS).tag());
        // Nothing came after the loss: the marker arrives on its own.
        EventBus.Event marker = slow.poll(100, TimeUnit.MILLISECONDS);
        assertEquals(EventBus.LOST, marker.tag());
        assertEquals(7L, marker.data().get("lost"));
        assertNull(slow.poll(50, TimeUnit.MILLISECONDS));

        // A loss followed by more events: the marker sits in the gap, before the next event that fits.
        for (int i = 10; i < 15; i++) bus.publish("t/" + i, Map.of());
        for (int i = 10; i < 13; i++) assertEquals("t/" + i, slow.poll(1, TimeUnit.SECONDS).tag());
        bus.publish("t/15", Map.of());
        EventBus.Event gap = slow.poll(1, TimeUnit.SECONDS);
        assertEquals(EventBus.LOST, gap.tag());
        assertEquals(2L, gap.data().get("lost"));
        assertEquals("t/15", slow.poll(1, TimeUnit.SECONDS).tag());
        assertEquals(9, bus.dropped());
    }

    @Test
    void aStuckListenerNeverHoldsUpPublishersOrOtherSubscribers() throws Exception {
        EventBus bus = new EventBus(System::currentTimeMillis, 16);
        CountDownLatch release = new CountDownLatch(1);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventBus.Subscription stuck = bus.subscribe("*", e -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            seen.add(e.tag());
        }); EventBus.Subscription fast = bus.open("jstate/job/*")) {
            long start = System.nanoTime();
            for (int i = 0; i < 10_000; i++) bus.publish("jstate/job/" + i + "/done", Map.of());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 5000, "publishing 10000 events took " + ms + " ms");
            assertTrue(bus.dropped() > 9000, "the stuck subscriber's overflow is counted: " + bus.dropped());
            assertEquals("jstate/job/0/done", fast.poll(1, TimeUnit.SECONDS).tag());
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!seen.contains(EventBus.LOST) && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(seen.contains(EventBus.LOST), "the stuck subscriber is told it lost events: " + seen);
        }
    }
}
