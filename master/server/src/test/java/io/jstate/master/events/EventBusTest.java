package io.jstate.master.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.master.events.Event.KeyChanged;
import io.jstate.master.events.Event.KeyRequested;
import io.jstate.master.events.Event.MinionDown;
import io.jstate.master.events.Event.MinionLost;
import io.jstate.master.events.Event.MinionUp;
import io.jstate.proto.v1.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventBusTest {
    @Test
    void globsMatchWholeTagsAndStarCrossesSlashes() {
        assertTrue(EventForm.glob("jstate/job/*").matcher("jstate/job/1/state/m1").matches());
        assertTrue(EventForm.glob("jstate/*/up/*").matcher("jstate/minion/up/web1").matches());
        assertTrue(EventForm.glob("jstate/key/?ccepted/*").matcher("jstate/key/accepted/a").matches());
        assertFalse(EventForm.glob("jstate/key/*").matcher("jstate/minion/up/a").matches());
        assertFalse(EventForm.glob("jstate/job").matcher("jstate/job/1/done").matches());
        // Regex characters in a pattern are themselves.
        assertFalse(EventForm.glob("jstate/job/.+").matcher("jstate/job/1").matches());
        assertTrue(EventForm.glob("jstate/job/.+").matcher("jstate/job/.+").matches());
    }

    @Test
    void subscribersGetTheEventsTheyWantInOrderWithTime() throws Exception {
        EventBus bus = new EventBus(() -> 1234L, 100);
        try (EventBus.Subscription keys = bus.open("keys", EventForm.matching("jstate/key/*")); EventBus.Subscription all = bus.open("all", e -> true)) {
            KeyRequested request = new KeyRequested("a", "fp", false);
            bus.publish(request);
            bus.publish(new MinionUp("a", "", List.of(), false));
            bus.publish(new KeyChanged(KeyChanged.Change.ACCEPTED, "a", "fp", Key.State.PENDING));
            assertEquals(new EventBus.Published(1234L, request), keys.poll(1, TimeUnit.SECONDS));
            assertInstanceOf(KeyChanged.class, keys.poll(1, TimeUnit.SECONDS).event());
            assertNull(keys.poll(50, TimeUnit.MILLISECONDS));
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < 3; i++) tags.add(EventForm.tag(all.poll(1, TimeUnit.SECONDS).event()));
            assertEquals(List.of("jstate/key/request/a", "jstate/minion/up/a", "jstate/key/accepted/a"), tags);
        }
        assertEquals(0, bus.subscribers(), "closing a subscription removes it");
    }

    @Test
    void aFullQueueLosesEventsAndTheSubscriberIsToldHowMany() throws Exception {
        EventBus bus = new EventBus(System::currentTimeMillis, 3);
        EventBus.Subscription slow = bus.open("slow", e -> true);
        for (int i = 0; i < 10; i++) bus.publish(down(i));
        assertEquals(7, bus.dropped());
        for (int i = 0; i < 3; i++) assertEquals(down(i), slow.poll(1, TimeUnit.SECONDS).event());
        // Nothing came after the loss: the marker arrives on its own.
        assertEquals(new Event.EventsLost(7, "slow"), slow.poll(100, TimeUnit.MILLISECONDS).event());
        assertNull(slow.poll(50, TimeUnit.MILLISECONDS));

        // A loss followed by more events: the marker sits in the gap, before the next event that fits.
        for (int i = 10; i < 15; i++) bus.publish(down(i));
        for (int i = 10; i < 13; i++) assertEquals(down(i), slow.poll(1, TimeUnit.SECONDS).event());
        bus.publish(down(15));
        assertEquals(new Event.EventsLost(2, "slow"), slow.poll(1, TimeUnit.SECONDS).event());
        assertEquals(down(15), slow.poll(1, TimeUnit.SECONDS).event());
        assertEquals(9, bus.dropped());
    }

    private static MinionDown down(int i) {
        return new MinionDown("m" + i, "test", i);
    }

    @Test
    void aStuckListenerNeverHoldsUpPublishersOrOtherSubscribers() throws Exception {
        EventBus bus = new EventBus(System::currentTimeMillis, 16);
        CountDownLatch release = new CountDownLatch(1);
        List<Event> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventBus.Subscription stuck = bus.subscribe("stuck", e -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            seen.add(e);
        }); EventBus.Subscription fast = bus.open("fast", EventForm.matching("jstate/job/*"))) {
            long start = System.nanoTime();
            for (int i = 0; i < 10_000; i++) bus.publish(new MinionLost(Integer.toString(i), "m", "test"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 5000, "publishing 10000 events took " + ms + " ms");
            assertTrue(bus.dropped() > 9000, "the stuck subscriber's overflow is counted: " + bus.dropped());
            assertEquals(new MinionLost("0", "m", "test"), fast.poll(1, TimeUnit.SECONDS).event());
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.stream().noneMatch(Event.EventsLost.class::isInstance) && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(seen.stream().anyMatch(Event.EventsLost.class::isInstance), "the stuck subscriber is told it lost events: " + seen.size());
        }
    }
}
