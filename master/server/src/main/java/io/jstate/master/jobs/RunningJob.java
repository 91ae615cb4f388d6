package io.jstate.master.jobs;

import com.google.protobuf.ByteString;
import io.jstate.master.gateway.Session;
import io.jstate.master.events.Events;
import io.jstate.proto.Results;
import io.jstate.proto.v1.JobAccepted;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.JobSummary;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.SignedJob;
import io.jstate.proto.v1.StateResult;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One job in flight: which minions wait for their envelope (batching), which have it and until
 * when, which returned and which are lost. Every transition happens under the job's lock, so the
 * listener sees events in a consistent order and the job ends exactly once.
 */
final class RunningJob {
    private static final Logger LOG = Logger.getLogger(RunningJob.class.getName());
    /** An envelope stays valid this long beyond the job's timeout, for clock skew and a queue on the minion. */
    static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jobs jobs;
    private final String jid;
    private final List<String> minions;
    private final Map<String, Jobs.Job> kinds;
    private final Duration timeout;
    private final int batch;
    private final Consumer<JobEvent> listener;
    private final Deque<String> waiting;
    private final Map<String, ScheduledFuture<?>> inFlight = new HashMap<>();
    private final Set<String> returned = new HashSet<>();
    private final Set<String> lost = new HashSet<>();
    private final boolean stopOnFailure;
    private int failedMinions;
    private int skipped;
    private boolean done;
    /** The job's description for its events (target, kind, what it runs). */
    private final Map<String, Object> about;
    private long startedMs;

    RunningJob(Jobs jobs, String jid, List<String> minions, Map<String, Jobs.Job> kinds, Duration timeout, int batch,
               boolean stopOnFailure, Consumer<JobEvent> listener, Map<String, Object> about) {
        this.about = about;
        this.stopOnFailure = stopOnFailure;
        this.jobs = jobs;
        this.jid = jid;
        this.minions = List.copyOf(minions);
        this.kinds = kinds;
        this.timeout = timeout;
        this.batch = batch;
        this.listener = listener;
        this.waiting = new ArrayDeque<>(minions);
    }

    synchronized void start() {
        startedMs = jobs.clock().millis();
        Map<String, Object> data = new java.util.LinkedHashMap<>(about);
        data.put("minions", minions);
        data.put("batch", batch);
        jobs.events().publish("jstate/job/" + jid + "/start", data);
        emit(event(JobEvent.Type.JOB_STARTED).addAllMinions(minions));
        fill();
    }

    /**
     * Sends envelopes until {@code batch} minions are working or none wait. With stop-on-failure, a
     * failed or lost minion means the rest are never sent the job: a rolling operation (joining
     * cluster nodes one at a time) must not carry on past a node that did not make it.
     */
    private void fill() {
        if (stopOnFailure && (failedMinions > 0 || !lost.isEmpty())) {
            String why = failedMinions > 0 ? "not started: a minion of an earlier batch failed" : "not started: a minion of an earlier batch was lost";
            while (!waiting.isEmpty()) {
                String id = waiting.poll();
                skipped++;
                emit(event(JobEvent.Type.MINION_SKIPPED).setMinionId(id).setMessage(why));
            }
        }
        while (inFlight.size() < batch && !waiting.isEmpty()) dispatch(waiting.poll());
        finishIfDone();
    }

    private void dispatch(String id) {
        Optional<Session> session = jobs.connections().session(id);
        if (session.isEmpty()) {
            lose(id, "not connected");
            return;
        }
        long now = jobs.clock().millis();
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        io.jstate.proto.v1.Job.Builder job = io.jstate.proto.v1.Job.newBuilder().setJid(jid).setTargetMinionId(id)
                .setIssuedUnixMs(now).setExpiresUnixMs(now + timeout.toMillis() + EXPIRY_MARGIN.toMillis())
                .setNonce(ByteString.copyFrom(nonce));
        Jobs.Job kind = kinds.get(id);
        if (kind.apply() != null) job.setApply(kind.apply());
        else job.setFunction(kind.function());
        byte[] bytes = job.build().toByteArray();
        SignedJob signed = SignedJob.newBuilder().setJob(ByteString.copyFrom(bytes)).setSignature(ByteString.copyFrom(jobs.pki().sign(bytes))).build();
        if (!session.get().send(MasterMessage.newBuilder().setJob(signed).build())) {
            lose(id, "disconnected");
            return;
        }
        inFlight.put(id, jobs.timer().schedule(() -> timedOut(id), timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private synchronized void timedOut(String id) {
        if (inFlight.remove(id) == null) return;
        String why = jobs.connections().connected(id) ? "did not return within " + seconds(timeout)
                : "disconnected and did not return within " + seconds(timeout);
        lose(id, why);
        fill();
    }

    private void lose(String id, String why) {
        lost.add(id);
        jobs.store().addLost(jid, id);
        LOG.info(() -> "job " + jid + ": minion " + id + " lost: " + why);
        emit(event(JobEvent.Type.MINION_LOST).setMinionId(id).setMessage(why));
        jobs.events().publish("jstate/job/" + jid + "/lost/" + id, Map.of("jid", jid, "minion", id, "reason", why));
    }

    synchronized void accepted(String id, JobAccepted a) {
        if (!inFlight.containsKey(id)) return;
        emit(event(JobEvent.Type.MINION_ACCEPTED).setMinionId(id).setQueuePosition(a.getQueuePosition()));
    }

    synchronized void state(String id, StateResult s) {
        if (!inFlight.containsKey(id) && !lost.contains(id)) return;
        jobs.store().appendPartial(jid, id, s);
        if (inFlight.containsKey(id)) {
            emit(event(JobEvent.Type.STATE).setMinionId(id).setState(s));
            jobs.events().publish("jstate/job/" + jid + "/state/" + id, Events.state(jid, id, s));
        }
    }

    synchronized void result(String id, JobResult r) {
        if (!minions.contains(id)) {
            LOG.info(() -> "job " + jid + ": result from " + id + ", which was not targeted, dropped");
            return;
        }
        // Stored first: the gateway acknowledges only after this returns, and the minion then forgets it.
        jobs.store().saveResult(r);
        ScheduledFuture<?> deadline = inFlight.remove(id);
        if (deadline == null) return;
        deadline.cancel(false);
        returned.add(id);
        if (!Results.ok(r)) failedMinions++;
        emit(event(JobEvent.Type.MINION_DONE).setMinionId(id).setResult(r));
        jobs.returned(jid, id, r, false);
        fill();
    }

    private void finishIfDone() {
        if (done || !waiting.isEmpty() || !inFlight.isEmpty()) return;
        done = true;
        long now = jobs.clock().millis();
        jobs.store().finish(jid, now);
        JobSummary summary = JobSummary.newBuilder().setMinions(minions.size()).setReturned(returned.size()).setLost(lost.size())
                .setFailedMinions(failedMinions).setSkipped(skipped).build();
        emit(event(JobEvent.Type.JOB_DONE).setSummary(summary));
        Map<String, Object> data = new java.util.LinkedHashMap<>(about);
        data.put("outcome", failedMinions == 0 && lost.isEmpty() ? "succeeded" : "failed");
        data.put("duration_ms", now - startedMs);
        data.put("minions", minions.size());
        data.put("returned", returned.size());
        data.put("lost", lost.size());
        data.put("failed_minions", failedMinions);
        data.put("skipped", skipped);
        jobs.events().publish("jstate/job/" + jid + "/done", data);
        jobs.finished(jid);
    }

    private JobEvent.Builder event(JobEvent.Type type) {
        return JobEvent.newBuilder().setType(type).setJid(jid);
    }

    private void emit(JobEvent.Builder e) {
        try {
            listener.accept(e.build());
        } catch (RuntimeException ex) {
            LOG.warning(() -> "job " + jid + ": listener failed: " + ex);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
