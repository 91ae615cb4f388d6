package io.jstate.states.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunMemoTest {
    @Test
    void anAnswerIsObservedOnceUntilCleared() {
        RunMemo memo = new RunMemo();
        AtomicInteger asked = new AtomicInteger();
        assertEquals("a1", memo.get("k", () -> "a" + asked.incrementAndGet()));
        assertEquals("a1", memo.get("k", () -> "a" + asked.incrementAndGet()));
        memo.clear();
        assertEquals("a2", memo.get("k", () -> "a" + asked.incrementAndGet()));
    }

    @Test
    void aFailureIsNotRemembered() {
        RunMemo memo = new RunMemo();
        AtomicInteger asked = new AtomicInteger();
        memo.get("k", () -> {
            asked.incrementAndGet();
            return null;
        });
        memo.get("k", () -> "x" + asked.incrementAndGet());
        assertEquals(2, asked.get());
    }

    @Test
    void anAnswerObservedAcrossAClearIsNotRemembered() {
        RunMemo memo = new RunMemo();
        // A change lands (and clears) while the question is being answered: the answer may predate it.
        assertEquals("stale", memo.get("k", () -> {
            memo.clear();
            return "stale";
        }));
        assertEquals("fresh", memo.get("k", () -> "fresh"));
    }
}
