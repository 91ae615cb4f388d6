package io.jstate.master.jobs;

import com.google.protobuf.ByteString;
import io.jstate.master.gateway.Session;
import io.jstate.master.events.Event;
import io.jstate.common.output.ResultView;
import io.jstate.proto.v1.JobAccepted;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.JobSummary;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.SignedJob;
import io.jstate.proto.v1.StateProgress;
import io.jstate.proto.v1.StateResult;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    /** How often the streams of the minions in flight are looked at. */
    private static final long WATCH_MS = 500;
    /** Progress of the same state on the same minion more often than this is dropped. */
    static final long PROGRESS_GAP_MS = 1000;
    /** How much of a progress report's texts is kept. */
    static final int MAX_PROGRESS_TEXT = 500;

    private final Jobs jobs;
    private final String jid;
    private final List<String> minions;
    private final Map<String, Jobs.Job> kinds;
    private final Duration timeout;
    /** How long a targeted minion that is not connected when its turn comes is waited for. */
    private final Duration connectWait;
    private final int batch;
    private final Consumer<JobEvent> listener;
    private final Deque<String> waiting;
    /** A minion that has the job's envelope: until when it may take, and the stream the envelope went out on. */
    private record Flight(ScheduledFuture<?> deadline, Session session) {}

    private final Map<String, Flight> inFlight = new HashMap<>();
    /**
     * Minions whose turn came while they were not connected, and since when: each holds its batch
     * slot (a rolling operation must not pass it) until it connects or {@code connectWait} ends.
     */
    private final Map<String, Long> connecting = new LinkedHashMap<>();
    /** Minions already waited for once: one that drops again before its envelope goes out is lost. */
    private final Set<String> waitedFor = new HashSet<>();
    /** When each minion in flight was first seen without a stream (absent while it has one). */
    private final Map<String, Long> streamGoneSince = new HashMap<>();
    private ScheduledFuture<?> watch;
    /** What a minion in flight runs now, as its last progress report said, and when the master heard it. */
    private record Current(StateProgress progress, long heardMs) {}

    private final Map<String, Current> current = new HashMap<>();
    private final Set<String> returned = new HashSet<>();
    private final Set<String> lost = new HashSet<>();
    private final boolean stopOnFailure;
    private int failedMinions;
    private int skipped;
    private boolean done;
    /** The job's description for its events (target, kind, what it runs). */
    private final Event.Job about;
    private long startedMs;

    RunningJob(Jobs jobs, String jid, List<String> minions, Map<String, Jobs.Job> kinds, Duration timeout, Duration connectWait,
               int batch, boolean stopOnFailure, Consumer<JobEvent> listener, Event.Job about) {
        this.connectWait = connectWait;
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
        jobs.events().publish(new Event.JobStarted(about, minions, batch));
        emit(event(JobEvent.Type.JOB_STARTED).addAllMinions(minions));
        fill();
        if (!done) watch = jobs.timer().scheduleAtFixedRate(this::watchStreams, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Reports lost, without waiting for the job's timeout, a minion in flight whose stream has been
     * gone for {@code lostAfter}: it was killed, or its host or network went away. A minion back
     * within that time says in its Hello whether it still has the job ({@link #reconnected}).
     */
    private synchronized void watchStreams() {
        if (done) return;
        // A throw would end the fixed-rate schedule silently, and with it every bound this round keeps.
        try {
            watchRound();
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "job " + jid + ": watching its minions failed", e);
        }
    }

    private void watchRound() {
        long now = jobs.clock().millis();
        for (String id : List.copyOf(inFlight.keySet())) {
            if (jobs.connections().connected(id)) {
                streamGoneSince.remove(id);
                continue;
            }
            long since = streamGoneSince.computeIfAbsent(id, k -> now);
            if (now - since >= jobs.lostAfter().toMillis()) {
                drop(id, "its connection to the master ended and it did not come back within " + seconds(jobs.lostAfter()));
            }
        }
        for (Map.Entry<String, Long> c : List.copyOf(connecting.entrySet())) {
            String id = c.getKey();
            if (jobs.connections().connected(id)) {
                connecting.remove(id);
                dispatch(id);
            } else if (now - c.getValue() >= connectWait.toMillis()) {
                connecting.remove(id);
                lose(id, "not connected: it did not connect within " + seconds(connectWait));
            }
        }
        fill();
    }

    /**
     * A minion in flight opened a new stream. When its Hello says it neither runs nor queues this job
     * nor holds its result (it restarted, or the envelope went out on a stream that was already
     * dying), the job will never come back from it: it is lost now rather than at the timeout.
     */
    synchronized void reconnected(String id, Session session, Set<String> onMinion) {
        Flight f = inFlight.get(id);
        if (f == null || f.session() == session) return;
        streamGoneSince.remove(id);
        if (onMinion.contains(jid)) return;
        drop(id, "it reconnected without the job: it neither runs it nor keeps a result of it, so it restarted or never got it");
        fill();
    }

    /** Gives up on a minion in flight. */
    private void drop(String id, String why) {
        Flight f = inFlight.remove(id);
        current.remove(id);
        if (f == null) return;
        f.deadline().cancel(false);
        streamGoneSince.remove(id);
        lose(id, why);
    }

    /**
     * Sends envelopes until {@code batch} minions are working or none wait. With stop-on-failure, a
     * failed or lost minion means the rest are never sent the job: a rolling operation (joining
     * cluster nodes one at a time) must not carry on past a node that did not make it.
     */
    private void fill() {
        if (stopOnFailure && (failedMinions > 0 || !lost.isEmpty())) {
            String why = failedMinions > 0 ? "not started: a minion of an earlier batch failed" : "not started: a minion of an earlier batch was lost";
            for (String id : List.copyOf(connecting.keySet())) {
                connecting.remove(id);
                skipped++;
                emit(event(JobEvent.Type.MINION_SKIPPED).setMinionId(id).setMessage((failedMinions > 0 ? "not started: another minion failed"
                        : "not started: another minion was lost") + " while this one was not connected"));
            }
            while (!waiting.isEmpty()) {
                String id = waiting.poll();
                skipped++;
                emit(event(JobEvent.Type.MINION_SKIPPED).setMinionId(id).setMessage(why));
            }
        }
        while (inFlight.size() + connecting.size() < batch && !waiting.isEmpty()) dispatch(waiting.poll());
        finishIfDone();
    }

    private void dispatch(String id) {
        Optional<Session> session = jobs.connections().session(id);
        if (session.isEmpty()) {
            if (connectWait.isZero() || !waitedFor.add(id)) {
                lose(id, "not connected");
                return;
            }
            // A minion cut off a moment ago (a partition just healed, its host rebooted) reconnects
            // within its backoff; the job says that it waits, and for how long at most.
            connecting.put(id, jobs.clock().millis());
            emit(event(JobEvent.Type.MINION_WAITING).setMinionId(id)
                    .setMessage("not connected; waiting up to " + seconds(connectWait) + " for it to connect"));
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
        inFlight.put(id, new Flight(jobs.timer().schedule(() -> timedOut(id), timeout.toMillis(), TimeUnit.MILLISECONDS), session.get()));
    }

    private synchronized void timedOut(String id) {
        if (!inFlight.containsKey(id)) return;
        drop(id, jobs.connections().connected(id) ? "did not return within " + seconds(timeout)
                : "disconnected and did not return within " + seconds(timeout));
        fill();
    }

    private void lose(String id, String why) {
        lost.add(id);
        jobs.store().addLost(jid, id);
        LOG.info(() -> "job " + jid + ": minion " + id + " lost: " + why);
        emit(event(JobEvent.Type.MINION_LOST).setMinionId(id).setMessage(why));
        jobs.events().publish(new Event.MinionLost(jid, id, why));
    }

    synchronized void accepted(String id, JobAccepted a) {
        if (!inFlight.containsKey(id)) return;
        emit(event(JobEvent.Type.MINION_ACCEPTED).setMinionId(id).setQueuePosition(a.getQueuePosition()));
    }

    /**
     * A minion in flight runs a state, and may wait in it. The master keeps the latest report per
     * minion and passes it on; a minion is not trusted to rate-limit, so a report of the same
     * state within {@link #PROGRESS_GAP_MS} of the last is dropped and the wait text is cut short.
     */
    synchronized void progress(String id, StateProgress p) {
        if (!inFlight.containsKey(id)) return;
        long now = jobs.clock().millis();
        Current was = current.get(id);
        if (was != null && was.progress().getId().equals(p.getId()) && now - was.heardMs() < PROGRESS_GAP_MS) return;
        StateProgress kept = p.toBuilder().setId(cut(p.getId())).setKind(cut(p.getKind())).setName(cut(p.getName()))
                .setWaiting(cut(p.getWaiting())).setRunningMs(Math.max(0, p.getRunningMs())).build();
        current.put(id, new Current(kept, now));
        emit(event(JobEvent.Type.STATE_PROGRESS).setMinionId(id).setProgress(kept));
        jobs.events().publish(new Event.StateRunning(jid, id, kept.getId(), kept.getKind(), kept.getRunningMs(),
                kept.getWaiting().isEmpty() ? null : kept.getWaiting()));
    }

    /** The state each minion in flight runs now, its running time brought up to now. */
    synchronized Map<String, StateProgress> current() {
        long now = jobs.clock().millis();
        Map<String, StateProgress> out = new LinkedHashMap<>();
        for (String id : minions) {
            Current c = current.get(id);
            if (c != null) out.put(id, c.progress().toBuilder().setRunningMs(c.progress().getRunningMs() + now - c.heardMs()).build());
        }
        return out;
    }

    private static String cut(String s) {
        return s.length() <= MAX_PROGRESS_TEXT ? s : s.substring(0, MAX_PROGRESS_TEXT) + "...";
    }

    synchronized void state(String id, StateResult s) {
        if (!inFlight.containsKey(id) && !lost.contains(id)) return;
        Current c = current.get(id);
        if (c != null && c.progress().getId().equals(s.getId())) current.remove(id);
        jobs.store().appendPartial(jid, id, s);
        if (inFlight.containsKey(id)) {
            emit(event(JobEvent.Type.STATE).setMinionId(id).setState(s));
            jobs.events().publish(Event.StateDone.of(jid, id, s));
        }
    }

    synchronized void result(String id, JobResult r) {
        if (!minions.contains(id)) {
            LOG.info(() -> "job " + jid + ": result from " + id + ", which was not targeted, dropped");
            return;
        }
        // Stored first: the gateway acknowledges only after this returns, and the minion then forgets it.
        jobs.store().saveResult(r);
        Flight flight = inFlight.remove(id);
        current.remove(id);
        if (flight == null) return;
        flight.deadline().cancel(false);
        streamGoneSince.remove(id);
        returned.add(id);
        if (!ResultView.minion(r).ok()) failedMinions++;
        emit(event(JobEvent.Type.MINION_DONE).setMinionId(id).setResult(r));
        jobs.returned(jid, id, r, false);
        fill();
    }

    private void finishIfDone() {
        if (done || !waiting.isEmpty() || !inFlight.isEmpty() || !connecting.isEmpty()) return;
        done = true;
        if (watch != null) watch.cancel(false);
        long now = jobs.clock().millis();
        jobs.store().finish(jid, now);
        JobSummary summary = JobSummary.newBuilder().setMinions(minions.size()).setReturned(returned.size()).setLost(lost.size())
                .setFailedMinions(failedMinions).setSkipped(skipped).build();
        emit(event(JobEvent.Type.JOB_DONE).setSummary(summary));
        jobs.events().publish(Event.JobDone.ran(about, now - startedMs, minions.size(), returned.size(), lost.size(), failedMinions,
                skipped, false));
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
