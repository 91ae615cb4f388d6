package io.jstate.states.engine;

import io.jstate.common.text.Names;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.Outcome.Skipped;
import io.jstate.states.engine.Outcome.Unchanged;
import io.jstate.states.engine.Outcome.WouldChange;
import io.jstate.states.host.Host;
import io.jstate.states.host.HostException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a compiled {@link Plan}: requisites, check, apply, re-check, watch reactions, retries,
 * timeouts, failhard, exception capture and secret redaction — everything a state does not know about.
 *
 * <p>A step's state is made twice per attempt: once with a {@link ReadOnlyHost} for checking, once
 * with the real host for applying and reacting. In a dry run both get the read-only host, so a dry
 * run cannot change the system whatever a state does.
 */
public final class Runner {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final StateRegistry registry;
    private final Env env;
    private final RunListener listener;
    private final RunOptions options;

    public Runner(StateRegistry registry, Env env, RunListener listener) {
        this(registry, env, listener, RunOptions.DEFAULT);
    }

    public Runner(StateRegistry registry, Env env, RunListener listener, RunOptions options) {
        this.registry = registry;
        this.env = env;
        this.listener = listener == null ? RunListener.NONE : listener;
        this.options = options == null ? RunOptions.DEFAULT : options;
    }

    /** Runs every step in plan order; {@code test} makes it a dry run. Never throws for a failing state. */
    public RunReport run(Plan plan, boolean test) {
        Host host = env.host();
        int run = RUNS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        // Daemon workers: a state that ignores interruption after its timeout must not keep the process alive.
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jstate-run" + run + "-step" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            long runStart = host.nanoTime();
            List<StateResult> results = new ArrayList<>(plan.steps().size());
            Outcome[] outcomes = new Outcome[plan.steps().size()];
            String stoppedBy = null;
            for (Step step : plan.steps()) {
                listener.started(step);
                Instant started = host.now();
                long stepStart = host.nanoTime();
                Outcome outcome;
                if (stoppedBy != null) {
                    outcome = new Skipped(stoppedBy, true);
                } else {
                    outcome = gate(plan, step, outcomes);
                    if (outcome == null) outcome = execute(step, test, test ? wouldChangeFirst(plan, step, outcomes) : null, outcomes, workers, plan.secrets());
                }
                outcome = redact(outcome, plan.secrets());
                outcomes[step.index()] = outcome;
                StateResult result = new StateResult(step, outcome, started, Duration.ofNanos(host.nanoTime() - stepStart));
                results.add(result);
                listener.finished(result);
                if (stoppedBy == null && outcome.isFailure() && step.options().failhard()) {
                    stoppedBy = "failhard: " + step.kind() + " " + step.id() + " failed";
                }
                if (stoppedBy == null && Thread.currentThread().isInterrupted()) {
                    stoppedBy = "the run was interrupted";
                }
            }
            return new RunReport(results, Duration.ofNanos(host.nanoTime() - runStart), test);
        } finally {
            workers.shutdownNow();
        }
    }

    /** The outcome that stops a step before it runs, from its requisites; null when it may run. */
    private static Outcome gate(Plan plan, Step step, Outcome[] outcomes) {
        Set<String> failed = new LinkedHashSet<>();
        Set<String> onchanges = new LinkedHashSet<>();
        Set<String> onfail = new LinkedHashSet<>();
        boolean anyChanged = false;
        boolean anyFailed = false;
        for (Step.Edge e : step.requisites()) {
            Outcome target = outcomes[e.target()];
            String label = label(plan.steps().get(e.target()));
            switch (e.type()) {
                case REQUIRE, WATCH -> {
                    if (target.isFailure()) failed.add(label);
                }
                case ONCHANGES -> {
                    onchanges.add(label);
                    anyChanged |= target.isChange();
                }
                case ONFAIL -> {
                    onfail.add(label);
                    anyFailed |= target.isFailure();
                }
            }
        }
        if (!failed.isEmpty()) {
            return new Skipped((failed.size() == 1 ? "requisite failed: " : "requisites failed: ") + String.join(", ", failed), true);
        }
        if (!onchanges.isEmpty() && !anyChanged) {
            return new Skipped("nothing to do: no onchanges requisite changed (" + String.join(", ", onchanges) + ")", false);
        }
        if (!onfail.isEmpty() && !anyFailed) {
            return new Skipped("nothing to do: no onfail requisite failed (" + String.join(", ", onfail) + ")", false);
        }
        return null;
    }

    /**
     * In a dry run, a state that requires one that would change first is often one that cannot be
     * checked yet: its package, daemon or file is what the requisite would bring (a first deploy's
     * mysql_user before the server is installed). The label of such a requisite, or null.
     */
    private static String wouldChangeFirst(Plan plan, Step step, Outcome[] outcomes) {
        for (Step.Edge e : step.requisites()) {
            if ((e.type() == Requisite.REQUIRE || e.type() == Requisite.WATCH) && outcomes[e.target()] instanceof WouldChange) {
                return label(plan.steps().get(e.target()));
            }
        }
        return null;
    }

    private Outcome execute(Step step, boolean test, String pending, Outcome[] outcomes, ExecutorService workers, Secrets secrets) {
        boolean watchFired = step.requisites().stream()
                .anyMatch(e -> e.type() == Requisite.WATCH && outcomes[e.target()].isChange());
        Duration timeout = step.options().timeout() != null ? step.options().timeout() : options.defaultTimeout();
        // A dry run does not retry: its failures come from checks that retrying cannot change,
        // and waiting out the intervals would only delay the report.
        Step.Retry retry = test ? null : retry(step);
        int attempts = retry == null ? 1 : retry.attempts();
        Waiting waiting = new Waiting(step, secrets);
        int attempt = 1;
        Outcome outcome = forgetUnlessUnchanged(attempt(step, test, pending, watchFired, timeout, workers, secrets));
        while (outcome instanceof Failed f && attempt < attempts) {
            try {
                waiting.pause(retry.interval(), "attempt " + (attempt + 1) + " of " + attempts + " in " + seconds(retry.interval())
                        + " after: " + f.error());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            attempt++;
            outcome = forgetUnlessUnchanged(attempt(step, test, pending, watchFired, timeout, workers, secrets));
        }
        if (attempt > 1 && outcome instanceof Failed f) {
            return new Failed(f.error() + " (failed " + attempt + " attempts)", f.changes(), f.data());
        }
        return outcome;
    }

    /**
     * After an attempt that changed, failed (perhaps half way) or was cut off, what the run's
     * checks observed may be out of date: the memo forgets it ({@link RunMemo}).
     */
    private Outcome forgetUnlessUnchanged(Outcome outcome) {
        if (!(outcome instanceof Unchanged || outcome instanceof WouldChange || outcome instanceof Skipped)) env.memo().clear();
        return outcome;
    }

    /** The SLS's {@code retry}, else the one the kind asks for ({@link State#retry}), else null. */
    private Step.Retry retry(Step step) {
        if (step.options().retry() != null) return step.options().retry();
        try {
            return make(step, env.withHost(new ReadOnlyHost(env.host()))).retry(step.spec());
        } catch (RuntimeException e) {
            // An unknown kind fails in the attempt itself, with its own message.
            return null;
        }
    }

    /** One try of a step on a worker thread, so that a hung command or loop can be abandoned at the timeout. */
    private Outcome attempt(Step step, boolean test, String pending, boolean watchFired, Duration timeout, ExecutorService workers, Secrets secrets) {
        Future<Outcome> future = workers.submit(() -> once(step, test, pending, watchFired, secrets));
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Failed("timed out after " + seconds(timeout), List.of(), Map.of());
        } catch (ExecutionException e) {
            return failed(step, e.getCause(), List.of(), Map.of());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new Failed("interrupted", List.of(), Map.of());
        }
    }

    /** @param pending in a dry run, a requisite that would change first (its check may then fail for want of it), or null */
    private Outcome once(Step step, boolean test, String pending, boolean watchFired, Secrets secrets) {
        Record spec = step.spec();
        Host observe = new ReadOnlyHost(env.host());
        Host act = test ? observe : env.host();
        State<Record> checker;
        Drift drift;
        try {
            checker = make(step, env.withHost(observe));
            drift = checker.check(spec);
        } catch (Exception | LinkageError | StackOverflowError e) {
            if (pending != null && !(e instanceof ReadOnlyHost.MutationRefused)) {
                return new WouldChange(List.of(), "not checked: " + pending + " would change first, and the check cannot run before it is applied ("
                        + message(step, e) + ")");
            }
            return failed(step, e, List.of(), Map.of());
        }

        Outcome base;
        State<Record> actor = null;
        if (drift.inSync()) {
            base = new Unchanged(null);
        } else if (test) {
            base = new WouldChange(drift.changes(), null);
        } else {
            Applied applied;
            try {
                actor = make(step, env.withHost(act));
                applied = actor.apply(spec, drift);
                if (applied == null) applied = Applied.NONE;
            } catch (Exception | LinkageError | StackOverflowError e) {
                return failed(step, e, List.of(), Map.of());
            } finally {
                env.memo().clear();
            }
            String comment = applied.comment();
            if (checker.recheck()) {
                try {
                    Settled left = settle(step, checker, spec, secrets);
                    if (!left.drift().inSync()) {
                        return new Failed("still differs after apply" + left.checked() + ": " + describe(left.drift().changes()),
                                drift.changes(), applied.data());
                    }
                    if (comment == null && left.checks() > 1) comment = "in sync after " + left.effort();
                } catch (Exception | LinkageError | StackOverflowError e) {
                    return failed(step, e, drift.changes(), applied.data(), "check after apply failed: ");
                }
            }
            base = new Changed(drift.changes(), comment, applied.data());
        }

        if (!watchFired || !(checker instanceof Watchable)) return base;
        try {
            if (test) {
                List<Change> would = asWatchable(checker).wouldReact(spec);
                if (would == null || would.isEmpty()) return base;
                return new WouldChange(concat(base.changeList(), would), comment(base));
            }
            if (actor == null) actor = make(step, env.withHost(act));
            List<Change> reacted;
            try {
                reacted = asWatchable(actor).react(spec, base instanceof Changed);
            } finally {
                env.memo().clear();
            }
            if (reacted == null || reacted.isEmpty()) return base;
            List<Change> all = concat(base.changeList(), reacted);
            if (checker.settle(spec) != null) {
                // A kind that settles (a restarted daemon) is not done until its check passes again.
                Settled left = settle(step, checker, spec, secrets);
                if (!left.drift().inSync()) {
                    return new Failed("still differs after reacting" + left.checked() + ": " + describe(left.drift().changes()), all, data(base));
                }
            }
            return new Changed(all, comment(base), data(base));
        } catch (Exception | LinkageError | StackOverflowError e) {
            return failed(step, e, base.changeList(), data(base));
        }
    }

    /** What checking until in sync found: the drift left and how many checks it took over how long. */
    private record Settled(Drift drift, int checks, Duration took) {
        /** "5 checks over 8.5s". */
        String effort() {
            return checks + " checks over " + seconds(took);
        }

        /** " (5 checks over 8.5s)" when it took more than one check; empty otherwise. */
        String checked() {
            return checks == 1 ? "" : " (" + effort() + ")";
        }
    }

    /**
     * Checks until in sync: once, or up to the attempts the kind's {@link State#settle} asks for,
     * its interval apart. The wait runs inside the attempt, so the state's timeout bounds it.
     */
    private Settled settle(Step step, State<Record> checker, Record spec, Secrets secrets) throws Exception {
        Step.Retry settle = checker.settle(spec);
        int checks = settle == null ? 1 : settle.attempts();
        long start = env.host().nanoTime();
        Waiting waiting = new Waiting(step, secrets);
        Drift left = checker.check(spec);
        int done = 1;
        while (!left.inSync() && done < checks) {
            waiting.pause(settle.interval(), "check " + (done + 1) + " of " + checks + " in " + seconds(settle.interval())
                    + ", waiting for: " + describe(left.changes()));
            env.memo().clear();
            left = checker.check(spec);
            done++;
        }
        return new Settled(left, done, Duration.ofNanos(env.host().nanoTime() - start));
    }

    /** How often, at most, a long wait tells the listener it is still waiting. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /**
     * The pauses of one wait. The listener hears of the first and then of one every
     * {@link #PROGRESS_EVERY}, so no wait is silent for long and a fast poll does not flood it.
     */
    private final class Waiting {
        private final Step step;
        private final Secrets secrets;
        private long toldAt;
        private boolean told;

        Waiting(Step step, Secrets secrets) {
            this.step = step;
            this.secrets = secrets;
        }

        void pause(Duration interval, String what) throws InterruptedException {
            long now = env.host().nanoTime();
            if (!told || now - toldAt >= PROGRESS_EVERY.toNanos()) {
                told = true;
                toldAt = now;
                listener.waiting(step, secrets.redact(what));
            }
            env.host().sleep(interval);
        }
    }

    @SuppressWarnings("unchecked")
    private State<Record> make(Step step, Env stateEnv) {
        StateRegistry.Kind kind = registry.find(step.kind()).orElseThrow(() -> new IllegalStateException(
                "unknown state kind " + step.kind() + Names.didYouMean(step.kind(), registry.names())));
        return (State<Record>) kind.factory().apply(stateEnv);
    }

    @SuppressWarnings("unchecked")
    private static Watchable<Record> asWatchable(State<Record> s) {
        return (Watchable<Record>) s;
    }

    private static Failed failed(Step step, Throwable t, List<Change> changes, Map<String, String> data) {
        return failed(step, t, changes, data, "");
    }

    private static Failed failed(Step step, Throwable t, List<Change> changes, Map<String, String> data, String prefix) {
        return new Failed(prefix + message(step, t), changes, data);
    }

    /** The error as an operator should read it: the message, and the exception type only where it tells something. */
    static String message(Step step, Throwable t) {
        if (t instanceof ReadOnlyHost.MutationRefused) {
            return "bug in state kind " + step.kind() + ": it " + t.getMessage();
        }
        String m = t.getMessage();
        boolean expected = t instanceof HostException || t instanceof SpecException
                || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException;
        if (m == null || m.isBlank()) return t.getClass().getSimpleName();
        return expected ? m : t.getClass().getSimpleName() + ": " + m;
    }

    static String describe(List<Change> changes) {
        List<String> parts = new ArrayList<>();
        for (Change c : changes) {
            if (c.before() == null && c.after() == null) parts.add(c.attribute());
            else parts.add(c.attribute() + " " + show(c.before()) + " -> " + show(c.after()));
        }
        return String.join("; ", parts);
    }

    private static String show(String v) {
        return v == null ? "(none)" : v;
    }

    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
    }

    static String label(Step s) {
        return s.kind() + " " + s.id();
    }

    private static List<Change> concat(List<Change> a, List<Change> b) {
        List<Change> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String comment(Outcome o) {
        if (o instanceof Changed c) return c.comment();
        if (o instanceof WouldChange w) return w.comment();
        if (o instanceof Unchanged u) return u.comment();
        return null;
    }

    private static Map<String, String> data(Outcome o) {
        return o instanceof Changed c ? c.data() : Map.of();
    }

    /** The outcome with every text it carries passed through {@link Secrets#redact}. */
    static Outcome redact(Outcome o, Secrets secrets) {
        if (secrets.isEmpty()) return o;
        if (o instanceof Unchanged u) return new Unchanged(secrets.redact(u.comment()));
        if (o instanceof Changed c) {
            return new Changed(redact(c.changes(), secrets), secrets.redact(c.comment()), redact(c.data(), secrets));
        }
        if (o instanceof WouldChange w) return new WouldChange(redact(w.changes(), secrets), secrets.redact(w.comment()));
        if (o instanceof Failed f) {
            return new Failed(secrets.redact(f.error()), redact(f.changes(), secrets), redact(f.data(), secrets));
        }
        if (o instanceof Skipped s) return new Skipped(secrets.redact(s.reason()), s.blocked());
        throw new IllegalStateException("unknown outcome " + o.getClass());
    }

    private static List<Change> redact(List<Change> changes, Secrets secrets) {
        return changes.stream()
                .map(c -> new Change(secrets.redact(c.attribute()), secrets.redact(c.before()),
                        secrets.redact(c.after()), secrets.redact(c.diff())))
                .toList();
    }

    private static Map<String, String> redact(Map<String, String> data, Secrets secrets) {
        Map<String, String> out = new LinkedHashMap<>();
        data.forEach((k, v) -> out.put(secrets.redact(k), secrets.redact(v)));
        return out;
    }
}
