package io.jstate.minion.daemon;

import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobAccepted;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.SignedJob;
import io.jstate.proto.v1.StateEvent;
import io.jstate.proto.v1.StateProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The minion's job line: envelopes are verified as they arrive, then run one at a time by a single
 * worker, with at most {@code capacity} waiting behind the running one. Every final result is
 * spooled before it is sent and stays spooled until the master acknowledges it.
 */
final class Jobs implements AutoCloseable {

    /** Runs one job to its final result, telling {@code events} of each state as it finishes. */
    interface Work {
        JobResult run(Job job, Reports events);
    }

    /** What a running job tells the master before its final result. */
    interface Reports {
        /** A state finished. */
        void state(io.jstate.proto.v1.StateResult result);

        /** A state has been running a while, or waits for something (rate-limited by the sender). */
        default void progress(StateProgress progress) {}
    }

    private final String minionId;
    private final EnvelopeVerifier verifier;
    private final Work runner;
    private final Spool spool;
    private final Predicate<MinionMessage> outbox;
    private final int capacity;
    private final Clock clock;
    private final Consumer<String> log;
    private final Deque<Job> queue = new ArrayDeque<>();
    private final Thread worker;
    /** The running job plus the waiting ones. */
    private int inFlight;
    /** The jid of the job running now, or null. */
    private String running;
    private boolean closed;

    /**
     * @param outbox sends a message on the current stream; false when there is none (the message
     *               is then dropped, which only final results could not afford, and they are spooled)
     */
    Jobs(String minionId, EnvelopeVerifier verifier, Work runner, Spool spool, Predicate<MinionMessage> outbox, int capacity, Clock clock,
         Consumer<String> log) {
        this.minionId = minionId;
        this.verifier = verifier;
        this.runner = runner;
        this.spool = spool;
        this.outbox = outbox;
        this.capacity = capacity;
        this.clock = clock;
        this.log = log;
        this.worker = new Thread(this::work, "jstate-job");
        worker.setDaemon(true);
        worker.start();
    }

    /** Verifies an envelope and queues its job, or refuses it with the reason. */
    void submit(SignedJob envelope) {
        EnvelopeVerifier.Verdict verdict = verifier.verify(envelope);
        if (verdict instanceof EnvelopeVerifier.Refused r) {
            log.accept("refused job " + (r.jid().isEmpty() ? "(no jid)" : r.jid()) + ": " + r.refusal().getReason() + ": "
                    + r.refusal().getMessage());
            finish(refusal(r.jid(), r.refusal()));
            return;
        }
        Job job = ((EnvelopeVerifier.Accepted) verdict).job();
        synchronized (this) {
            if (closed || inFlight > capacity) {
                String why = closed ? "the minion is stopping" : "the minion's job queue is full (" + capacity + " waiting)";
                finish(refusal(job.getJid(), Refusal.newBuilder().setReason(Refusal.Reason.QUEUE_FULL).setMessage(why).build()));
                return;
            }
            int position = inFlight++;
            // Accepted goes out before the worker can see the job, so it always precedes the job's state events.
            outbox.test(MinionMessage.newBuilder()
                    .setAccepted(JobAccepted.newBuilder().setJid(job.getJid()).setQueuePosition(position)).build());
            queue.addLast(job);
            notifyAll();
        }
    }

    /** The master has the result of {@code jid}: it leaves the spool. */
    void acknowledged(String jid) {
        spool.delete(jid);
    }

    private void work() {
        while (true) {
            Job job;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                job = queue.removeFirst();
                running = job.getJid();
            }
            try {
                log.accept("running job " + job.getJid() + (job.hasApply() ? " (apply)" : " (" + job.getFunction().getName() + ")"));
                long start = System.nanoTime();
                JobResult result = runner.run(job, new Reports() {
                    @Override
                    public void state(io.jstate.proto.v1.StateResult state) {
                        outbox.test(MinionMessage.newBuilder().setState(StateEvent.newBuilder().setJid(job.getJid()).setResult(state)).build());
                    }

                    @Override
                    public void progress(StateProgress progress) {
                        outbox.test(MinionMessage.newBuilder().setProgress(progress).build());
                    }
                });
                finish(result);
                log.accept("finished job " + job.getJid() + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            } finally {
                synchronized (this) {
                    inFlight--;
                    running = null;
                    notifyAll();
                }
            }
        }
    }

    private void finish(JobResult result) {
        spool.write(result);
        outbox.test(MinionMessage.newBuilder().setResult(result).build());
    }

    private JobResult refusal(String jid, Refusal refusal) {
        long now = clock.millis();
        return JobResult.newBuilder().setJid(jid).setMinionId(minionId).setStartedUnixMs(now).setFinishedUnixMs(now).setRefused(refusal).build();
    }

    /**
     * The jids of the job running now and of those waiting, for the Hello of a new stream: the master
     * reports a job it sent as lost when this minion has neither it here nor its result spooled.
     * A job's result is spooled before it leaves this list, so asking this first and the spool
     * second never misses a job.
     */
    synchronized List<String> jids() {
        List<String> out = new ArrayList<>();
        if (running != null) out.add(running);
        for (Job j : queue) out.add(j.getJid());
        return out;
    }

    /** Whether no job is running or waiting. */
    synchronized boolean idle() {
        return inFlight == 0;
    }

    /**
     * Stops taking jobs and drops the waiting ones; the running one gets {@code grace} to finish
     * (its result is then spooled as usual) and is abandoned after that.
     */
    void close(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (this) {
            closed = true;
            inFlight -= queue.size();
            queue.clear();
            notifyAll();
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.accept("stopping with a job still running; the master will report it as lost");
                    break;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
