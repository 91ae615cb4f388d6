package io.jstate.states.kinds.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.Outcome.WouldChange;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.Step;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.kinds.TestEnv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitForTest {

    final FakeHost host = new FakeHost();
    final WaitFor state = new WaitFor(TestEnv.debian(host));

    static WaitFor.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(WaitFor.Spec.class, "galera-up", args);
    }

    @Test
    void checkProbesOnceSoDryRunsAndConvergedRunsNeverWait() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        host.endpoint("10.77.0.11:4567", () -> tries.incrementAndGet() >= 3 ? 0 : -1);
        var spec = spec(Map.of("tcp", "10.77.0.11:4567"));
        assertEquals(List.of(Change.of("tcp 10.77.0.11:4567", "not met", "met")), state.check(spec).changes());
        assertEquals(1, tries.get());
        // One failed try of 2s on the fake clock, no interval.
        assertEquals(2_000_000_000L, host.nanoTime());
    }

    @Test
    void applyChangesNothingAndAsksTheEngineToWait() throws Exception {
        var spec = spec(Map.of("tcp", "10.77.0.11:4567", "attempts", 60, "interval", 1));
        assertEquals(Applied.NONE, state.apply(spec, Drift.of(Change.of("tcp 10.77.0.11:4567", "not met", "met"))));
        assertTrue(host.commands().isEmpty());
        assertEquals(0L, host.nanoTime(), "apply neither probes nor sleeps");
        assertEquals(new Step.Retry(60, Duration.ofSeconds(1)), state.settle(spec));
        assertEquals(new Step.Retry(30, Duration.ofSeconds(2)), state.settle(spec(Map.of("tcp", "10.77.0.11:4567"))), "the defaults");
    }

    @Test
    void theEngineChecksUntilThePortOpensWithoutRealSleeping() {
        AtomicInteger tries = new AtomicInteger();
        host.endpoint("10.77.0.11:4567", () -> tries.incrementAndGet() >= 3 ? 0 : -1);
        long t0 = System.nanoTime();
        Outcome o = TestEnv.run(TestEnv.debian(host), "wait.for", spec(Map.of("tcp", "10.77.0.11:4567")));
        Changed c = assertInstanceOf(Changed.class, o);
        assertEquals(3, tries.get(), "the first probe, then two checks after apply");
        assertEquals("in sync after 2 checks over 4s", c.comment());
        // Two failed tries of 2s each and one interval of 2s, all on the fake clock.
        assertEquals(6_000_000_000L, host.nanoTime());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }

    @Test
    void aConditionThatNeverHoldsFailsNamingTheWait() {
        var spec = spec(Map.of("tcp", "[fd00::11]:3306", "attempts", 5, "interval", 1.5, "probe_timeout", 0.5));
        Failed f = assertInstanceOf(Failed.class, TestEnv.run(TestEnv.debian(host), "wait.for", spec));
        assertEquals("still differs after apply (5 checks over 8.5s): tcp [fd00::11]:3306 not met -> met", f.error());
    }

    @Test
    void aDryRunProbesOnceAndNeverWaits() {
        AtomicInteger tries = new AtomicInteger();
        host.endpoint("10.77.0.11:4567", () -> tries.incrementAndGet() >= 3 ? 0 : -1);
        Outcome o = TestEnv.run(TestEnv.debian(host), "wait.for", spec(Map.of("tcp", "10.77.0.11:4567")), true, RunListener.NONE);
        assertInstanceOf(WouldChange.class, o);
        assertEquals(1, tries.get());
    }

    @Test
    void httpWaitsForTheWantedStatus() {
        AtomicInteger tries = new AtomicInteger();
        host.endpoint("http://10.77.0.11:9200/", () -> tries.incrementAndGet() < 2 ? 503 : 200);
        var spec = spec(Map.of("http", "http://10.77.0.11:9200/"));
        assertInstanceOf(Changed.class, TestEnv.run(TestEnv.debian(host), "wait.for", spec));
        assertEquals(2, tries.get());
        Drift d = state.check(spec(Map.of("http", "http://10.77.0.11:9200/", "status", 204, "attempts", 2)));
        assertEquals("http http://10.77.0.11:9200/ answering 204", d.changes().get(0).attribute());
    }

    @Test
    void commandWaitsForExitZeroWithThePerTryTimeout() {
        AtomicInteger tries = new AtomicInteger();
        host.on(List.of("/bin/sh", "-c", "rabbitmqctl await_startup"), e -> tries.incrementAndGet() < 4 ? ExecResult.fail(69, "") : ExecResult.ok(""));
        var spec = spec(Map.of("command", "rabbitmqctl await_startup", "probe_timeout", 10));
        assertInstanceOf(Changed.class, TestEnv.run(TestEnv.debian(host), "wait.for", spec));
        assertEquals(4, host.commands().size());
        assertTrue(host.commands().stream().allMatch(e -> !e.mutates() && e.timeout().equals(Duration.ofSeconds(10))));
    }

    @Test
    void checkOnlyObserves() throws Exception {
        host.on(List.of("/bin/sh"), e -> ExecResult.fail(1, ""));
        var ro = new WaitFor(TestEnv.readOnly(TestEnv.debian(host)));
        assertFalse(ro.check(spec(Map.of("command", "false", "attempts", 3))).inSync());
        assertFalse(ro.check(spec(Map.of("tcp", "127.0.0.1:1", "attempts", 2))).inSync());
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void specErrorsNameTheProblem() {
        assertThrows(SpecException.class, () -> spec(Map.of()));
        assertThrows(SpecException.class, () -> spec(Map.of("tcp", "a:1", "command", "true")));
        assertThrows(SpecException.class, () -> spec(Map.of("tcp", "no-port")));
        assertThrows(SpecException.class, () -> spec(Map.of("tcp", "h:70000")));
        assertThrows(SpecException.class, () -> spec(Map.of("http", "ftp://x")));
        assertThrows(SpecException.class, () -> spec(Map.of("tcp", "h:1", "status", 200)));
        assertThrows(SpecException.class, () -> spec(Map.of("command", "true", "attempts", 0)));
    }
}
