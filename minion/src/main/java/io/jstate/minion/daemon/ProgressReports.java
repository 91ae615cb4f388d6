package io.jstate.minion.daemon;

import io.jstate.proto.v1.StateProgress;
import io.jstate.states.engine.Step;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Tells the master which state of a job runs now and what the engine waits for in it, so that
 * the operator's CLI can say where a long run is. It never floods the stream: a state is reported
 * only once it has run for {@code startDelay} (a plan of many fast states sends nothing extra),
 * and its waits at most once every {@code waitGap}, however tight the loop that waits.
 */
final class ProgressReports {
    static final Duration START_DELAY = Duration.ofSeconds(1);
    static final Duration WAIT_GAP = Duration.ofSeconds(5);

    /**
     * One timer for every job of the minion: a report is a few bytes handed to the stream. A state
     * that ends in time cancels its report, which then leaves the queue at once.
     */
    private static final class Timer {
        static final ScheduledExecutorService INSTANCE = make();

        private static ScheduledExecutorService make() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "jstate-progress");
                thread.setDaemon(true);
                return thread;
            });
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    /** The state running now: when it started, whether it was reported, when its last wait was. */
    private static final class Current {
        final Step step;
        final long startNanos;
        boolean told;
        long waitToldAt;
        boolean waitTold;
        ScheduledFuture<?> late;

        Current(Step step, long startNanos) {
            this.step = step;
            this.startNanos = startNanos;
        }
    }

    private final String jid;
    private final Consumer<StateProgress> send;
    private final Duration startDelay;
    private final Duration waitGap;
    private final LongSupplier nanos;
    private Current current;

    ProgressReports(String jid, Consumer<StateProgress> send) {
        this(jid, send, START_DELAY, WAIT_GAP, System::nanoTime);
    }

    ProgressReports(String jid, Consumer<StateProgress> send, Duration startDelay, Duration waitGap, LongSupplier nanos) {
        this.jid = jid;
        this.send = send;
        this.startDelay = startDelay;
        this.waitGap = waitGap;
        this.nanos = nanos;
    }

    synchronized void started(Step step) {
        stop();
        Current c = new Current(step, nanos.getAsLong());
        current = c;
        c.late = Timer.INSTANCE.schedule(() -> stillRunning(c), startDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The engine waits inside the running state; {@code what} has the run's secrets masked already. */
    synchronized void waiting(Step step, String what) {
        Current c = current;
        if (c == null || c.step.index() != step.index()) return;
        long now = nanos.getAsLong();
        if (c.waitTold && now - c.waitToldAt < waitGap.toNanos()) return;
        c.waitTold = true;
        c.waitToldAt = now;
        c.told = true;
        send.accept(progress(c, now, what));
    }

    /** The state ended; its result follows. Nothing more is said of it. */
    synchronized void finished() {
        stop();
    }

    private synchronized void stillRunning(Current c) {
        if (current != c || c.told) return;
        c.told = true;
        send.accept(progress(c, nanos.getAsLong(), ""));
    }

    private void stop() {
        if (current != null && current.late != null) current.late.cancel(false);
        current = null;
    }

    private StateProgress progress(Current c, long now, String waiting) {
        Step s = c.step;
        return StateProgress.newBuilder().setJid(jid).setId(s.id()).setKind(s.kind()).setName(s.name())
                .setRunningMs(Math.max(0, (now - c.startNanos) / 1_000_000)).setWaiting(waiting).build();
    }
}
