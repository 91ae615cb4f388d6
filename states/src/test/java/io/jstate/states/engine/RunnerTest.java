package io.jstate.states.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.Outcome.Skipped;
import io.jstate.states.engine.Outcome.Unchanged;
import io.jstate.states.engine.Outcome.WouldChange;
import io.jstate.states.engine.TestStates.Script;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.HostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RunnerTest {

    private final FakeHost fake = new FakeHost().dir("/etc").dir("/run");
    private final Map<String, Script> scripts = TestStates.scripts();
    private final StateRegistry registry = TestStates.registry(scripts);
    private final List<String> events = new ArrayList<>();
    private final List<StateResult> heard = new ArrayList<>();

    private final RunListener listener = new RunListener() {
        @Override
        public void started(Step step) {
            events.add("started " + step.id());
        }

        @Override
        public void finished(StateResult result) {
            events.add("finished " + result.step().id() + " " + result.outcome().getClass().getSimpleName());
            heard.add(result);
        }
    };

    // ---- building plans by hand

    private final List<Step> steps = new ArrayList<>();

    private Step add(String id, String kind, Record spec, Step.Options options, Step.Edge... edges) {
        Step s = new Step(steps.size(), id, kind, spec, new Source("test", "test.sls", steps.size() + 1), Arrays.asList(edges), options);
        steps.add(s);
        return s;
    }

    private Step file(String id, String path, String content, Step.Edge... edges) {
        return add(id, "test.file", new TestStates.TestFile.Spec(path, content), null, edges);
    }

    private Step scripted(String id, Step.Options options, Step.Edge... edges) {
        return add(id, "test.scripted", new TestStates.Scripted.Spec(id), options, edges);
    }

    private Step scripted(String id, Step.Edge... edges) {
        return scripted(id, null, edges);
    }

    private Script script(String id) {
        return scripts.computeIfAbsent(id, k -> new Script());
    }

    private static Step.Edge edge(Requisite type, Step target) {
        return new Step.Edge(type, target.index());
    }

    private RunReport run(boolean test) {
        return run(test, Secrets.NONE, RunOptions.DEFAULT);
    }

    private RunReport run(boolean test, Secrets secrets, RunOptions options) {
        Env env = new Env(fake, Map.of("os_family", "Debian"), Templates.NONE);
        return new Runner(registry, env, listener, options).run(new Plan(steps, secrets), test);
    }

    private static Outcome outcome(RunReport r, int i) {
        return r.results().get(i).outcome();
    }

    private static Drift drift(String attribute, Object before, Object after) {
        return Drift.of(Change.of(attribute, before, after));
    }

    /** A check that reports drift until apply has run once. */
    private static void fixedByApply(Script s) {
        AtomicBoolean fixed = new AtomicBoolean();
        s.check = (h, n) -> fixed.get() ? Drift.NONE : drift("value", "old", "new");
        s.apply = (h, d) -> {
            fixed.set(true);
            return Applied.NONE;
        };
    }

    // ---- the run's memo: checks share what they observed while nothing changes

    private Step seen(String id, String path, String content, Step.Edge... edges) {
        return add(id, "test.seen", new TestStates.Seen.Spec(path, content), null, edges);
    }

    private int reads(String path) {
        return script("seen " + path).checks;
    }

    @Test
    void checksThatAskTheSameQuestionShareOneAnswerWhileNothingChanges() {
        fake.file("/etc/x", "a");
        seen("one", "/etc/x", "a");
        seen("two", "/etc/x", "a");
        RunReport r = run(false);
        assertEquals(0, r.changed());
        assertEquals(1, reads("/etc/x"));
        steps.clear();
        seen("one", "/etc/x", "a");
        seen("two", "/etc/x", "b");
        seen("three", "/etc/x", "b");
        RunReport dry = run(true);
        assertInstanceOf(WouldChange.class, outcome(dry, 1));
        assertInstanceOf(WouldChange.class, outcome(dry, 2));
        assertEquals(2, reads("/etc/x"), "a dry run changes nothing: one read in the new run");
    }

    @Test
    void anApplyMakesEveryLaterCheckAskAgain() {
        fake.file("/etc/x", "a");
        seen("before", "/etc/x", "a");
        file("write", "/etc/x", "b");
        seen("after", "/etc/x", "b");
        seen("set", "/etc/x", "c");
        seen("last", "/etc/x", "c");
        RunReport r = run(false);
        assertInstanceOf(Unchanged.class, outcome(r, 0));
        assertInstanceOf(Changed.class, outcome(r, 1));
        assertInstanceOf(Unchanged.class, outcome(r, 2), "the write made the first answer stale");
        assertInstanceOf(Changed.class, outcome(r, 3), "the check after its own apply reads again");
        assertInstanceOf(Unchanged.class, outcome(r, 4));
        // before; after (the write made it stale); set's recheck (after its apply); last (set changed).
        // set's own first check shares after's answer: nothing changed between them.
        assertEquals(4, reads("/etc/x"));
    }

    // ---- check / apply / recheck

    @Test
    void inSyncIsUnchangedAndTouchesNothing() {
        fake.file("/etc/motd", "hello\n");
        file("motd", "/etc/motd", "hello\n");
        RunReport r = run(false);
        assertInstanceOf(Unchanged.class, outcome(r, 0));
        assertTrue(fake.mutations().isEmpty());
        assertTrue(r.ok());
        assertEquals(0, r.changed());
    }

    @Test
    void driftIsAppliedThenRecheckedAndReportedAsChanged() {
        file("motd", "/etc/motd", "hello\n");
        RunReport r = run(false);
        Changed c = assertInstanceOf(Changed.class, outcome(r, 0));
        assertEquals(List.of(Change.of("content", null, "hello\n")), c.changes());
        assertEquals("wrote /etc/motd", c.comment());
        assertEquals(List.of("write /etc/motd"), fake.mutations());
        assertEquals("hello\n", fake.content("/etc/motd").orElseThrow());
        assertEquals(1, r.changed());
    }

    @Test
    void dryRunReportsWouldChangeAndMutatesNothing() {
        fake.file("/etc/motd", "old\n");
        file("motd", "/etc/motd", "new\n");
        add("web", "test.service", new TestStates.TestService.Spec("web"), null);
        RunReport r = run(true);
        WouldChange w = assertInstanceOf(WouldChange.class, outcome(r, 0));
        assertEquals(List.of(Change.of("content", "old\n", "new\n")), w.changes());
        assertInstanceOf(WouldChange.class, outcome(r, 1));
        assertTrue(fake.mutations().isEmpty(), fake.mutations().toString());
        assertEquals("old\n", fake.content("/etc/motd").orElseThrow());
        assertTrue(r.test());
        assertEquals(2, r.changed());
    }

    @Test
    void aStateThatWritesWhileCheckingFailsAsABugAndWritesNothingInBothModes() {
        script("buggy").check = (h, n) -> {
            h.write(Path.of("/etc/oops"), "x".getBytes(StandardCharsets.UTF_8), FileAttrs.DEFAULT);
            return Drift.NONE;
        };
        scripted("buggy");
        for (boolean test : new boolean[] {true, false}) {
            RunReport r = run(test);
            Failed f = assertInstanceOf(Failed.class, outcome(r, 0));
            assertEquals("bug in state kind test.scripted: it refused to write /etc/oops while only observing (check or dry run)", f.error());
            assertTrue(fake.mutations().isEmpty());
        }
    }

    @Test
    void aDryRunGivesEvenApplyAndReactOnlyAReadOnlyHost() {
        // The state claims drift and would run a mutating command from wouldReact: the dry run must refuse it.
        script("svc").check = (h, n) -> drift("running", false, true);
        script("svc").react = (h, c) -> {
            h.run(Exec.change("service", "svc", "restart"));
            return List.of();
        };
        file("conf", "/etc/svc.conf", "x");
        add("svc", "test.watching", new TestStates.Scripted.Spec("svc"), null, edge(Requisite.WATCH, steps.get(0)));
        RunReport r = run(true);
        Failed f = assertInstanceOf(Failed.class, outcome(r, 1));
        assertTrue(f.error().startsWith("bug in state kind test.watching"), f.error());
        assertEquals(List.of(Change.of("running", false, true)), f.changes());
        assertTrue(fake.mutations().isEmpty());
        assertTrue(fake.commands().isEmpty());
    }

    @Test
    void driftLeftAfterApplyFails() {
        script("stubborn").check = (h, n) -> drift("mode", "0644", "0600");
        script("stubborn").apply = (h, d) -> new Applied("tried", Map.of("exit", "0"));
        scripted("stubborn");
        RunReport r = run(false);
        Failed f = assertInstanceOf(Failed.class, outcome(r, 0));
        assertEquals("still differs after apply: mode 0644 -> 0600", f.error());
        assertEquals(List.of(Change.of("mode", "0644", "0600")), f.changes());
        assertEquals(Map.of("exit", "0"), f.data());
        assertEquals(2, script("stubborn").checks);
        assertFalse(r.ok());
    }

    @Test
    void aStateThatCannotBeRecheckedIsCheckedOnce() {
        Script s = script("cmd");
        s.check = (h, n) -> drift("ran", null, "echo hi");
        s.apply = (h, d) -> new Applied("ran", Map.of("stdout", "hi"));
        s.recheck = false;
        scripted("cmd");
        Changed c = assertInstanceOf(Changed.class, outcome(run(false), 0));
        assertEquals(Map.of("stdout", "hi"), c.data());
        assertEquals(1, s.checks);
        assertEquals(1, s.applies);
    }

    @Test
    void exceptionsBecomeFailuresWithTheMessageOnly() {
        script("host").check = (h, n) -> {
            throw new HostException("'dpkg-query -W nginx' exited 1: no packages found");
        };
        script("npe").check = (h, n) -> drift("x", 1, 2);
        script("npe").apply = (h, d) -> {
            throw new NullPointerException("oops");
        };
        scripted("host");
        scripted("npe");
        add("ghost", "test.ghost", new TestStates.Scripted.Spec("ghost"), null);
        RunReport r = run(false);
        assertEquals("'dpkg-query -W nginx' exited 1: no packages found", ((Failed) outcome(r, 0)).error());
        assertEquals("NullPointerException: oops", ((Failed) outcome(r, 1)).error());
        assertTrue(((Failed) outcome(r, 2)).error().startsWith("unknown state kind test.ghost"));
        assertEquals(3, r.failed());
    }

    // ---- requisites

    @Test
    void aFailedRequireOrWatchBlocksTheDependentNamingIt() {
        script("a").check = (h, n) -> {
            throw new HostException("broken");
        };
        Step a = scripted("a");
        Step b = scripted("b", edge(Requisite.REQUIRE, a));
        Step c = scripted("c", edge(Requisite.WATCH, b), edge(Requisite.REQUIRE, a));
        RunReport r = run(false);
        assertEquals(new Skipped("requisite failed: test.scripted a", true), outcome(r, 1));
        assertEquals(new Skipped("requisites failed: test.scripted b, test.scripted a", true), outcome(r, 2));
        assertEquals(0, script("b").checks);
        assertEquals(0, script("c").checks);
        assertEquals(3, r.failed());
        assertEquals(0, r.succeeded());
        assertNull(c.options().retry());
    }

    /** A first deploy's dry run: the client a state checks with is what its requisite would install. */
    @Test
    void aDryRunCheckThatFailsBehindARequisiteThatWouldChangeIsAWouldChange() {
        script("pkg").check = (h, n) -> drift("installed", false, true);
        script("user").check = (h, n) -> {
            throw new HostException("cannot run 'mariadb': No such file or directory");
        };
        script("alone").check = (h, n) -> {
            throw new HostException("broken");
        };
        Step pkg = scripted("pkg");
        Step user = scripted("user", edge(Requisite.REQUIRE, pkg));
        scripted("grants", edge(Requisite.REQUIRE, user));
        script("grants").check = script("user").check;
        scripted("alone");
        RunReport dry = run(true);
        assertEquals(new WouldChange(List.of(), "not checked: test.scripted pkg would change first, and the check cannot run before it is applied"
                + " (cannot run 'mariadb': No such file or directory)"), outcome(dry, 1));
        assertEquals(new WouldChange(List.of(), "not checked: test.scripted user would change first, and the check cannot run before it is applied"
                + " (cannot run 'mariadb': No such file or directory)"), outcome(dry, 2));
        assertEquals(new Failed("broken", List.of(), Map.of()), outcome(dry, 3), "a state whose requisites are in sync fails as it is");
        assertEquals(1, dry.failed());
        // A real run reports the failure: the requisite's change was made and the check still fails.
        fixedByApply(script("pkg"));
        RunReport real = run(false);
        assertInstanceOf(Failed.class, outcome(real, 1));
    }

    @Test
    void requireOnASucceededStateRuns() {
        Step a = file("conf", "/etc/a.conf", "a");
        fixedByApply(script("b"));
        scripted("b", edge(Requisite.REQUIRE, a));
        RunReport r = run(false);
        assertInstanceOf(Changed.class, outcome(r, 1));
        assertTrue(r.ok());
    }

    @Test
    void onchangesRunsOnlyWhenATargetChanged() {
        fake.file("/etc/same.conf", "same");
        Step same = file("same", "/etc/same.conf", "same");
        Step changes = file("changes", "/etc/new.conf", "new");
        fixedByApply(script("skipped"));
        fixedByApply(script("runs"));
        scripted("skipped", edge(Requisite.ONCHANGES, same));
        scripted("runs", edge(Requisite.ONCHANGES, same), edge(Requisite.ONCHANGES, changes));
        RunReport r = run(false);
        Skipped s = assertInstanceOf(Skipped.class, outcome(r, 2));
        assertFalse(s.blocked());
        assertEquals("nothing to do: no onchanges requisite changed (test.file same)", s.reason());
        assertEquals(0, script("skipped").checks);
        assertInstanceOf(Changed.class, outcome(r, 3));
        assertTrue(r.ok(), "a state with nothing to do is not a failure");
    }

    @Test
    void onchangesInADryRunFollowsWouldChange() {
        Step conf = file("conf", "/etc/new.conf", "new");
        script("reload").check = (h, n) -> drift("reloaded", null, "yes");
        scripted("reload", edge(Requisite.ONCHANGES, conf));
        RunReport r = run(true);
        assertInstanceOf(WouldChange.class, outcome(r, 1));
        assertTrue(fake.mutations().isEmpty());
    }

    @Test
    void onfailRunsOnlyWhenATargetFailed() {
        Step ok = scripted("ok");
        script("bad").check = (h, n) -> {
            throw new HostException("bad");
        };
        Step bad = scripted("bad");
        fixedByApply(script("notify"));
        scripted("quiet", edge(Requisite.ONFAIL, ok));
        scripted("notify", edge(Requisite.ONFAIL, ok), edge(Requisite.ONFAIL, bad));
        RunReport r = run(false);
        assertEquals(new Skipped("nothing to do: no onfail requisite failed (test.scripted ok)", false), outcome(r, 2));
        assertInstanceOf(Changed.class, outcome(r, 3));
        assertEquals(1, r.failed(), "only the failed target counts as a failure");
    }

    // ---- watch

    @Test
    void aWatchedChangeRestartsAWatchableState() {
        fake.file("/run/web.pid", "1\n");
        fake.on(List.of("service"), e -> ExecResult.ok(""));
        Step conf = file("conf", "/etc/web.conf", "port=80\n");
        add("web", "test.service", new TestStates.TestService.Spec("web"), null, edge(Requisite.WATCH, conf));
        RunReport r = run(false);
        Changed c = assertInstanceOf(Changed.class, outcome(r, 1));
        assertEquals(List.of(Change.of("restarted", null, "web")), c.changes());
        assertEquals(List.of("service web restart"), fake.commandLines());
    }

    @Test
    void aStateThatJustChangedIsToldSoWhenReacting() {
        fake.on(List.of("service"), e -> ExecResult.ok(""));
        Step conf = file("conf", "/etc/web.conf", "port=80\n");
        add("web", "test.service", new TestStates.TestService.Spec("web"), null, edge(Requisite.WATCH, conf));
        RunReport r = run(false);
        Changed c = assertInstanceOf(Changed.class, outcome(r, 1));
        assertEquals(List.of(Change.of("running", false, true)), c.changes());
        assertEquals(List.of("service web start"), fake.commandLines(), "just started: no restart");
    }

    @Test
    void noWatchedChangeNoReaction() {
        fake.file("/etc/web.conf", "port=80\n").file("/run/web.pid", "1\n");
        Step conf = file("conf", "/etc/web.conf", "port=80\n");
        add("web", "test.service", new TestStates.TestService.Spec("web"), null, edge(Requisite.WATCH, conf));
        RunReport r = run(false);
        assertInstanceOf(Unchanged.class, outcome(r, 1));
        assertTrue(fake.commands().isEmpty());
    }

    @Test
    void aDryRunReportsTheReactionWithoutRestarting() {
        fake.file("/run/web.pid", "1\n");
        Step conf = file("conf", "/etc/web.conf", "port=80\n");
        add("web", "test.service", new TestStates.TestService.Spec("web"), null, edge(Requisite.WATCH, conf));
        RunReport r = run(true);
        WouldChange w = assertInstanceOf(WouldChange.class, outcome(r, 1));
        assertEquals(List.of(Change.of("restarted", null, "web")), w.changes());
        assertTrue(fake.commands().isEmpty());
        assertTrue(fake.mutations().isEmpty());
    }

    @Test
    void aWatchOnANonWatchableStateActsLikeRequire() {
        Step conf = file("conf", "/etc/web.conf", "port=80\n");
        scripted("plain", edge(Requisite.WATCH, conf));
        script("broken").check = (h, n) -> {
            throw new HostException("no");
        };
        Step broken = scripted("broken");
        scripted("blocked", edge(Requisite.WATCH, broken));
        RunReport r = run(false);
        assertInstanceOf(Changed.class, outcome(r, 0));
        assertInstanceOf(Unchanged.class, outcome(r, 1));
        assertEquals(new Skipped("requisite failed: test.scripted broken", true), outcome(r, 3));
    }

    @Test
    void aFailingReactionFailsTheStateKeepingItsChanges() {
        Step conf = file("conf", "/etc/web.conf", "port=80\n");
        script("w").react = (h, c) -> {
            throw new HostException("'service w restart' exited 1");
        };
        add("w", "test.watching", new TestStates.Scripted.Spec("w"), null, edge(Requisite.WATCH, conf));
        RunReport r = run(false);
        Failed f = assertInstanceOf(Failed.class, outcome(r, 1));
        assertEquals("'service w restart' exited 1", f.error());
        assertEquals(1, script("w").reacts);
    }

    // ---- failhard, retry, timeout

    @Test
    void failhardStopsTheRestOfTheRun() {
        script("first").check = (h, n) -> {
            throw new HostException("down");
        };
        scripted("first", new Step.Options(true, null, null));
        scripted("second");
        scripted("third");
        RunReport r = run(false);
        assertInstanceOf(Failed.class, outcome(r, 0));
        assertEquals(new Skipped("failhard: test.scripted first failed", true), outcome(r, 1));
        assertEquals(new Skipped("failhard: test.scripted first failed", true), outcome(r, 2));
        assertEquals(0, script("second").checks);
        assertEquals(3, r.failed());
    }

    @Test
    void withoutFailhardTheRunGoesOn() {
        script("first").check = (h, n) -> {
            throw new HostException("down");
        };
        scripted("first");
        scripted("second");
        RunReport r = run(false);
        assertInstanceOf(Unchanged.class, outcome(r, 1));
        assertEquals(1, r.failed());
    }

    @Test
    void retryRunsAgainWhileFailingAndSleepsOnTheHost() {
        Script s = script("flaky");
        s.check = (h, n) -> {
            if (n < 3) throw new HostException("not yet");
            return Drift.NONE;
        };
        scripted("flaky", new Step.Options(false, new Step.Retry(5, Duration.ofSeconds(10)), null));
        Instant before = fake.now();
        RunReport r = run(false);
        assertInstanceOf(Unchanged.class, outcome(r, 0));
        assertEquals(3, s.checks);
        assertEquals(before.plusSeconds(20), fake.now(), "two waits of 10s on the fake clock");
        assertEquals(Duration.ofSeconds(20), r.results().get(0).duration());
    }

    @Test
    void retryGivesUpAfterTheAttemptsAndSaysHowMany() {
        Script s = script("down");
        s.check = (h, n) -> {
            throw new HostException("connection refused");
        };
        scripted("down", new Step.Options(false, new Step.Retry(3, Duration.ofSeconds(1)), null));
        RunReport r = run(false);
        assertEquals("connection refused (failed 3 attempts)", ((Failed) outcome(r, 0)).error());
        assertEquals(3, s.checks);
    }

    @Test
    void aDryRunDoesNotRetry() {
        Script s = script("down");
        s.check = (h, n) -> {
            throw new HostException("connection refused");
        };
        scripted("down", new Step.Options(false, new Step.Retry(3, Duration.ofSeconds(1)), null));
        RunReport r = run(true);
        assertEquals("connection refused", ((Failed) outcome(r, 0)).error());
        assertEquals(1, s.checks);
    }

    @Test
    void aKindsOwnRetryRunsWhenTheSlsGivesNone() {
        Script s = script("join");
        s.retry = new Step.Retry(5, Duration.ofSeconds(5));
        s.check = (h, n) -> Drift.of(Change.of("cluster", "alone", "joined"));
        s.apply = (h, d) -> {
            if (s.applies < 3) throw new HostException("seed not up");
            return Applied.NONE;
        };
        s.recheck = false;
        scripted("join");
        Instant before = fake.now();
        RunReport r = run(false);
        assertInstanceOf(Changed.class, outcome(r, 0));
        assertEquals(3, s.applies);
        assertEquals(before.plusSeconds(10), fake.now(), "two waits of 5s on the fake clock");
    }

    @Test
    void anSlsRetryReplacesTheKindsOwn() {
        Script s = script("join");
        s.retry = new Step.Retry(5, Duration.ofSeconds(5));
        s.check = (h, n) -> {
            throw new HostException("seed not up");
        };
        scripted("join", new Step.Options(false, new Step.Retry(2, Duration.ofSeconds(1)), null));
        RunReport r = run(false);
        assertEquals("seed not up (failed 2 attempts)", ((Failed) outcome(r, 0)).error());
        assertEquals(2, s.checks);
    }

    @Test
    void aSettlingKindIsCheckedAgainUntilInSync() {
        Script s = script("daemon");
        s.settle = new Step.Retry(50, Duration.ofMillis(200));
        // Check 1 finds drift; apply; checks 2 to 4 after apply still see it; check 5 is in sync.
        s.check = (h, n) -> n < 5 ? Drift.of(Change.of("running", false, true)) : Drift.NONE;
        scripted("daemon");
        Instant before = fake.now();
        RunReport r = run(false);
        Changed c = assertInstanceOf(Changed.class, outcome(r, 0));
        assertEquals(List.of(Change.of("running", false, true)), c.changes());
        assertEquals("in sync after 4 checks over 0.6s", c.comment());
        assertEquals(1, s.applies, "settling checks; it never applies again");
        assertEquals(5, s.checks);
        assertEquals(before.plusMillis(600), fake.now(), "three pauses of 200 ms on the fake clock");
    }

    @Test
    void aSettlingKindThatNeverSettlesFailsNamingTheWait() {
        Script s = script("port");
        s.settle = new Step.Retry(5, Duration.ofMillis(1500));
        s.check = (h, n) -> {
            h.sleep(Duration.ofMillis(500));
            return Drift.of(Change.of("tcp [fd00::11]:3306", "not met", "met"));
        };
        scripted("port");
        RunReport r = run(false);
        assertEquals("still differs after apply (5 checks over 8.5s): tcp [fd00::11]:3306 not met -> met", ((Failed) outcome(r, 0)).error());
        assertEquals(6, s.checks);
        assertEquals(1, s.applies);
    }

    @Test
    void aDryRunNeitherSettlesNorRetries() {
        Script s = script("daemon");
        s.settle = new Step.Retry(50, Duration.ofMillis(200));
        s.retry = new Step.Retry(5, Duration.ofSeconds(5));
        s.check = (h, n) -> Drift.of(Change.of("running", false, true));
        scripted("daemon");
        Instant before = fake.now();
        RunReport r = run(true);
        assertInstanceOf(WouldChange.class, outcome(r, 0));
        assertEquals(1, s.checks);
        assertEquals(before, fake.now());
    }

    @Test
    void aSettlingWatchableIsCheckedAgainAfterItReacts() {
        Script s = script("svc");
        s.settle = new Step.Retry(3, Duration.ofMillis(200));
        // In sync at first; after the restart the check sees it down twice, then up.
        s.check = (h, n) -> n == 1 || n >= 4 ? Drift.NONE : Drift.of(Change.of("running", false, true));
        s.react = (h, changedNow) -> List.of(Change.of("service", "running", "restarted"));
        Step conf = file("conf", "/etc/svc.conf", "x\n");
        add("svc", "test.watching", new TestStates.Scripted.Spec("svc"), null, edge(Requisite.WATCH, conf));
        RunReport r = run(false);
        Changed c = assertInstanceOf(Changed.class, outcome(r, 1));
        assertEquals(List.of(Change.of("service", "running", "restarted")), c.changes());
        assertEquals(4, s.checks);

        s.checks = 0;
        fake.file("/etc/svc.conf", "y\n");
        s.check = (h, n) -> n == 1 ? Drift.NONE : Drift.of(Change.of("running", false, true));
        r = run(false);
        assertEquals("still differs after reacting (3 checks over 0.4s): running false -> true", ((Failed) outcome(r, 1)).error());
        assertEquals(List.of(Change.of("service", "running", "restarted")), ((Failed) outcome(r, 1)).changes());
    }

    @Test
    void waitsAreToldAtTheFirstPauseAndThenAtLeastEveryTenSeconds() {
        List<String> told = new ArrayList<>();
        List<Instant> at = new ArrayList<>();
        RunListener progress = new RunListener() {
            @Override
            public void waiting(Step step, String what) {
                told.add(step.id() + ": " + what);
                at.add(fake.now());
            }
        };
        Script s = script("port");
        s.settle = new Step.Retry(30, Duration.ofSeconds(2));
        s.check = (h, n) -> Drift.of(Change.of("tcp 10.0.0.1:3306", "not met", "met"));
        scripted("port");
        Env env = new Env(fake, Map.of("os_family", "Debian"), Templates.NONE);
        Instant start = fake.now();
        new Runner(registry, env, progress).run(new Plan(steps, Secrets.NONE), false);
        assertEquals("port: check 2 of 30 in 2s, waiting for: tcp 10.0.0.1:3306 not met -> met", told.get(0));
        assertEquals(start, at.get(0));
        // 29 pauses of 2s: told at 0, 10, 20, ... 50 s, not at every pause.
        assertEquals(6, told.size(), told.toString());
        for (int i = 1; i < at.size(); i++) {
            assertEquals(Duration.ofSeconds(10), Duration.between(at.get(i - 1), at.get(i)));
        }
        assertEquals("port: check 27 of 30 in 2s, waiting for: tcp 10.0.0.1:3306 not met -> met", told.get(5));
    }

    @Test
    void waitsAreToldWithTheSecretsMasked() {
        List<String> told = new ArrayList<>();
        RunListener progress = new RunListener() {
            @Override
            public void waiting(Step step, String what) {
                told.add(what);
            }
        };
        Script s = script("login");
        s.check = (h, n) -> {
            throw new HostException("access denied for hunter2-pw");
        };
        scripted("login", new Step.Options(false, new Step.Retry(2, Duration.ofSeconds(1)), null));
        Env env = new Env(fake, Map.of("os_family", "Debian"), Templates.NONE);
        new Runner(registry, env, progress).run(new Plan(steps, new Secrets(List.of("hunter2-pw"))), false);
        assertEquals(List.of("attempt 2 of 2 in 1s after: access denied for <redacted>"), told);
    }

    @Test
    @Timeout(10)
    void aStepThatHangsTimesOutAndIsInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        script("hang").check = (h, n) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return Drift.NONE;
        };
        scripted("hang", new Step.Options(false, null, Duration.ofMillis(200)));
        scripted("after");
        RunReport r = run(false);
        assertEquals("timed out after 0.2s", ((Failed) outcome(r, 0)).error());
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the worker was interrupted");
        assertInstanceOf(Unchanged.class, outcome(r, 1));
    }

    @Test
    @Timeout(10)
    void theDefaultTimeoutComesFromTheRunOptions() {
        script("hang").check = (h, n) -> {
            Thread.sleep(60_000);
            return Drift.NONE;
        };
        scripted("hang");
        RunReport r = run(false, Secrets.NONE, new RunOptions(Duration.ofSeconds(1)));
        assertEquals("timed out after 1s", ((Failed) outcome(r, 0)).error());
    }

    // ---- secrets, listener, timing

    @Test
    void secretsAreRedactedInChangesCommentsDataAndErrors() {
        String pw = "hunter2-s3cret";
        Script s = script("user");
        s.check = (h, n) -> n == 1
                ? Drift.of(new Change("password", "old-" + pw, pw, "-old " + pw + "\n+new " + pw + "\n"))
                : Drift.NONE;
        s.apply = (h, d) -> new Applied("set password to " + pw, Map.of("stdout", "ok " + pw));
        scripted("user");
        script("db").check = (h, n) -> {
            throw new HostException("'mysql -p" + pw + "' exited 1");
        };
        Step db = scripted("db");
        scripted("needs db", edge(Requisite.REQUIRE, db));
        RunReport r = run(false, new Secrets(List.of(pw)), RunOptions.DEFAULT);

        Changed c = (Changed) outcome(r, 0);
        assertEquals(new Change("password", "old-<redacted>", "<redacted>", "-old <redacted>\n+new <redacted>\n"), c.changes().get(0));
        assertEquals("set password to <redacted>", c.comment());
        assertEquals(Map.of("stdout", "ok <redacted>"), c.data());
        assertEquals("'mysql -p<redacted>' exited 1", ((Failed) outcome(r, 1)).error());
        assertEquals(r.results(), heard, "the listener saw the same redacted results");
        assertFalse(heard.toString().contains(pw));
    }

    @Test
    void aDryRunRedactsWouldChange() {
        String pw = "topsecret";
        script("user").check = (h, n) -> drift("password", null, pw);
        scripted("user");
        WouldChange w = (WouldChange) outcome(run(true, new Secrets(List.of(pw)), RunOptions.DEFAULT), 0);
        assertEquals(Change.of("password", null, "<redacted>"), w.changes().get(0));
    }

    @Test
    void theListenerHearsEachStepInOrderWithStartAndDuration() throws Exception {
        script("slow").check = (h, n) -> {
            h.sleep(Duration.ofSeconds(5));
            return Drift.NONE;
        };
        scripted("first");
        scripted("slow");
        Instant t0 = fake.now();
        RunReport r = run(false);
        assertEquals(List.of("started first", "finished first Unchanged", "started slow", "finished slow Unchanged"), events);
        assertEquals(t0, r.results().get(1).started());
        assertEquals(Duration.ofSeconds(5), r.results().get(1).duration());
        assertEquals(Duration.ofSeconds(5), r.total());
    }
}
