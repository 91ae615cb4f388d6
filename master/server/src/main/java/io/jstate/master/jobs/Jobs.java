package io.jstate.master.jobs;

import io.jstate.master.events.EventBus;
import io.jstate.master.events.Event;
import io.jstate.master.gateway.Connections;
import io.jstate.master.gateway.MinionEvents;
import io.jstate.master.keys.Keys;
import io.jstate.master.keys.Roles;
import io.jstate.master.pki.Pki;
import io.jstate.common.wire.Limits;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.ApplyJob;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.FunctionJob;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.JobAccepted;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Minion;
import io.jstate.proto.v1.Peer;
import io.jstate.proto.v1.StateEvent;
import io.jstate.proto.v1.StateProgress;
import io.jstate.states.engine.PlanException;
import io.jstate.states.lang.Compiler;
import io.jstate.common.target.Facts;
import io.jstate.common.target.Target;
import io.jstate.common.target.TargetException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Starts jobs and routes what minions send back. A job is targeted against the accepted minions,
 * compiled for each of them here (so a broken tree fails it before anything is sent), recorded in
 * the store, then dispatched as one signed envelope per minion, {@code batch} at a time.
 */
public final class Jobs implements MinionEvents, io.jstate.master.orch.Orchestrator.JobSubmitter {
    private static final Logger LOG = Logger.getLogger(Jobs.class.getName());
    static final String SHOW_PLAN = "state.show_plan";
    /** The longest a request may ask a job to wait for a targeted minion to connect. */
    static final Duration MAX_CONNECT_WAIT = Duration.ofMinutes(10);

    /**
     * What jobs need from the configuration.
     *
     * @param dataDir   the master's data folder, which no tree file may be in
     * @param lostAfter how long a minion running a job may be without a stream before the job reports it lost
     */
    public record Settings(Path states, Path pillar, Map<String, String> nodegroups, Duration defaultTimeout, Path dataDir,
                           Duration lostAfter) {
        public Settings {
            nodegroups = Map.copyOf(nodegroups);
        }
    }

    private final Settings settings;
    private final Keys keys;
    private final Connections connections;
    private final JobStore store;
    private final Pki pki;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Bundles bundles;
    private final Roles roles;
    private final EventBus events;
    private final Map<String, RunningJob> running = new ConcurrentHashMap<>();

    public Jobs(Settings settings, Keys keys, Roles roles, Connections connections, JobStore store, Pki pki, ScheduledExecutorService timer,
                Clock clock, EventBus events) {
        this.events = events;
        this.roles = roles;
        this.settings = settings;
        this.keys = keys;
        this.connections = connections;
        this.store = store;
        this.pki = pki;
        this.timer = timer;
        this.clock = clock;
        this.bundles = new Bundles(settings.states(), settings.pillar(), settings.nodegroups(), settings.dataDir());
    }

    public JobStore store() {
        return store;
    }

    /**
     * Starts a job. Every event goes to {@code listener}, from JOB_STARTED to JOB_DONE, or a single
     * JOB_FAILED when the job cannot start; the listener must not block. Returns the jid.
     */
    @Override
    public String submit(JobRequest request, Consumer<JobEvent> listener) {
        long now = clock.millis();
        String jid = newJid(now);
        JobRecord.Builder header = JobRecord.newBuilder().setJid(jid).setRequest(request).setStartedUnixMs(now);
        try {
            Duration timeout = request.getTimeoutMs() > 0 ? Duration.ofMillis(request.getTimeoutMs()) : settings.defaultTimeout();
            if (request.getKindCase() == JobRequest.KindCase.KIND_NOT_SET) throw new JobException("the request names neither states nor a function");
            if (request.hasFunction() && request.getFunction().getName().isBlank()) throw new JobException("the request names no function");
            Target target = Target.parse(request.getTarget().isBlank() ? "*" : request.getTarget());
            List<String> minions = match(target);
            if (minions.isEmpty()) throw new JobException("no accepted minion matches target '" + request.getTarget() + "'");
            int batch = batchSize(request.getBatch(), minions.size());
            Map<String, Job> kinds = prepare(request, minions, timeout);
            JobRecord h = header.addAllMinions(minions).build();
            store.create(h);
            if (request.getConnectWaitMs() < 0 || request.getConnectWaitMs() > MAX_CONNECT_WAIT.toMillis()) {
                throw new JobException("connect_wait_ms must be between 0 and " + MAX_CONNECT_WAIT.toMillis() + ", got " + request.getConnectWaitMs());
            }
            RunningJob job = new RunningJob(this, jid, minions, kinds, timeout, Duration.ofMillis(request.getConnectWaitMs()), batch,
                    request.getStopOnFailure(), listener, Event.Job.of(jid, request));
            running.put(jid, job);
            LOG.info(() -> "job " + jid + ": " + describe(request) + " on " + minions.size() + " minion(s)");
            job.start();
            return jid;
        } catch (JobException | TargetException | PlanException e) {
            return failed(header, e.getMessage(), listener);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "job " + jid + " cannot start", e);
            return failed(header, "the job cannot start: " + e, listener);
        }
    }

    private String failed(JobRecord.Builder header, String message, Consumer<JobEvent> listener) {
        store.create(header.setError(message).setFinishedUnixMs(clock.millis()).build());
        // The message is left out: it may quote the state tree, and events carry only ids and counts.
        events.publish(Event.JobDone.notStarted(Event.Job.of(header.getJid(), header.getRequest())));
        listener.accept(JobEvent.newBuilder().setType(JobEvent.Type.JOB_FAILED).setJid(header.getJid()).setMessage(message).build());
        return header.getJid();
    }

    /** What a minion gets, less the envelope fields set at dispatch time. */
    record Job(ApplyJob apply, FunctionJob function) {}

    private Map<String, Job> prepare(JobRequest request, List<String> minions, Duration timeout) {
        boolean needsBundle = request.hasApply() || request.getFunction().getName().equals(SHOW_PLAN);
        List<String> targets = request.hasApply() ? request.getApply().getTargetsList() : request.getFunction().getArgsList();
        if (targets.isEmpty()) targets = List.of(Compiler.HIGHSTATE);
        Map<String, Object> overlay = Structs.map(request.getPillar());
        Map<String, Peer> peers = new LinkedHashMap<>();
        if (needsBundle) {
            for (String id : minions) {
                Minion m = connections.describe(id);
                peers.put(id, Peer.newBuilder().setId(id).addAllAddresses(m.getAddressesList()).addAllRoles(m.getRolesList())
                        .setConnected(m.getConnected()).setGrains(m.getGrains()).build());
            }
        }
        Map<String, Job> out = new LinkedHashMap<>();
        for (String id : minions) {
            Bundle bundle = null;
            if (needsBundle) {
                List<Peer> others = new ArrayList<>(peers.values());
                others.removeIf(p -> p.getId().equals(id));
                try {
                    bundle = bundles.bundle(id, connections.grains(id), roles.of(id), targets, others, overlay);
                } catch (PlanException e) {
                    throw new JobException(e.getMessage() + " (compiling for minion " + id + ")");
                }
            }
            Job job;
            if (request.hasApply()) {
                job = new Job(ApplyJob.newBuilder().setBundle(bundle).addAllTargets(targets).setTest(request.getApply().getTest())
                        .setTimeoutMs(timeout.toMillis()).build(), null);
            } else {
                FunctionJob.Builder f = FunctionJob.newBuilder().setName(request.getFunction().getName()).addAllArgs(request.getFunction().getArgsList());
                if (bundle != null) f.setBundle(bundle).addAllTargets(targets);
                job = new Job(null, f.build());
            }
            checkSize(id, job, bundle);
            out.put(id, job);
        }
        return out;
    }

    /**
     * Refuses a job a minion would drop unread: gRPC on the minion discards a message over its
     * inbound limit, and the job would only time out. The limit is the one the minion's channel is
     * built with ({@link Limits}).
     */
    static void checkSize(String minionId, Job job, Bundle bundle) {
        long size = job.apply() != null ? job.apply().getSerializedSize() : job.function().getSerializedSize();
        if (size <= Limits.MAX_JOB_BODY_BYTES) return;
        throw new JobException("the job for minion " + minionId + " is " + size + " bytes"
                + (bundle == null ? "" : " (its bundle of state tree files, pillar and peers: " + bundle.getSerializedSize() + " bytes)")
                + ", more than the " + Limits.MAX_JOB_BODY_BYTES + " bytes a minion accepts (" + Limits.MINION_MAX_INBOUND_BYTES
                + " bytes less " + Limits.ENVELOPE_ALLOWANCE_BYTES + " for the envelope); nothing was sent."
                + " Make the files the states send smaller, or fetch large files another way");
    }

    /** As {@link #match(Target)}, for a target expression. */
    @Override
    public List<String> match(String target) {
        return match(Target.parse(target));
    }

    /**
     * The accepted minions a target chooses, by their current (or last known) grains, their pillar
     * and the roles the master assigns them.
     */
    public List<String> match(Target target) {
        boolean pillar = usesPillar(target.expression());
        List<String> out = new ArrayList<>();
        for (String id : keys.accepted()) {
            Map<String, Object> grains = connections.grains(id);
            List<String> own = roles.of(id);
            Map<String, Object> p = pillar ? bundles.pillar(id, own).data() : Map.of();
            if (target.matches(new Facts(id, grains, p, own), settings.nodegroups())) out.add(id);
        }
        return out;
    }

    private boolean usesPillar(String expression) {
        if (expression.contains("I@") || expression.contains("J@")) return true;
        return expression.contains("N@") && settings.nodegroups().values().stream().anyMatch(v -> v.contains("I@"));
    }

    /** "N" minions at a time, or "N%" of them (at least one); empty means all at once. */
    static int batchSize(String batch, int minions) {
        if (batch == null || batch.isBlank()) return minions;
        String b = batch.trim();
        try {
            if (b.endsWith("%")) {
                double pct = Double.parseDouble(b.substring(0, b.length() - 1));
                if (pct <= 0 || pct > 100) throw new NumberFormatException();
                return Math.max(1, (int) Math.ceil(minions * pct / 100));
            }
            int n = Integer.parseInt(b);
            if (n <= 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new JobException("batch must be N or N% with N > 0 (N% at most 100%), got '" + batch + "'");
        }
    }

    private String newJid(long now) {
        String jid = Jids.make(now);
        while (store.exists(jid) || running.containsKey(jid)) jid = Jids.make(now);
        return jid;
    }

    private static String describe(JobRequest r) {
        return r.hasApply() ? "apply " + String.join(" ", r.getApply().getTargetsList()) + (r.getApply().getTest() ? " (test)" : "")
                : "run " + r.getFunction().getName();
    }

    // ---- from minions ----

    /**
     * A minion (re)connected. Hellos from minions that list their jobs let each running job tell
     * whether the minion still has it; an older minion's Hello says nothing either way.
     */
    @Override
    public void connected(String minionId, io.jstate.master.gateway.Session session, Hello hello) {
        if (!hello.getReportsJobs()) return;
        Set<String> onMinion = new HashSet<>(hello.getRunningJidsList());
        onMinion.addAll(hello.getSpooledJidsList());
        for (RunningJob job : running.values()) job.reconnected(minionId, session, onMinion);
    }

    @Override
    public void accepted(String minionId, JobAccepted accepted) {
        RunningJob job = running.get(accepted.getJid());
        if (job != null) job.accepted(minionId, accepted);
    }

    @Override
    public void state(String minionId, StateEvent event) {
        RunningJob job = running.get(event.getJid());
        if (job != null) {
            job.state(minionId, event.getResult());
        } else if (store.exists(event.getJid()) && targeted(event.getJid(), minionId) && !store.hasResult(event.getJid(), minionId)) {
            store.appendPartial(event.getJid(), minionId, event.getResult());
        }
    }

    @Override
    public void progress(String minionId, StateProgress progress) {
        RunningJob job = running.get(progress.getJid());
        if (job != null) job.progress(minionId, progress);
    }

    /**
     * The state each minion of a running job runs now, with how long it has run as of now; empty
     * when the job is not running or no minion said.
     */
    public Map<String, StateProgress> current(String jid) {
        RunningJob job = running.get(jid);
        return job == null ? Map.of() : job.current();
    }

    @Override
    public void result(String minionId, JobResult result) {
        JobResult r = result.toBuilder().setMinionId(minionId).build();
        RunningJob job = running.get(r.getJid());
        if (job != null) {
            job.result(minionId, r);
        } else if (store.exists(r.getJid()) && targeted(r.getJid(), minionId)) {
            // A result spooled across a master restart, or one that came after its job gave up on the minion.
            store.saveResult(r);
            LOG.info(() -> "job " + r.getJid() + ": late result from " + minionId + " stored");
            returned(r.getJid(), minionId, r, true);
            finishIfComplete(r.getJid());
        } else {
            LOG.info(() -> "result from " + minionId + " for unknown job " + r.getJid() + " dropped");
        }
    }

    /**
     * Takes charge of the jobs a previous run of the master left unfinished (it died or stopped
     * while they ran): nothing dispatches to them any more, but their minions' spooled results
     * still come in. Each such job is finished once every minion has returned, or at the end of
     * its timeout (at the earliest {@code grace} from now, time for minions to reconnect and
     * resend), when the minions still missing are recorded as lost.
     */
    public void resumeOrphans(Duration grace) {
        long now = clock.millis();
        for (JobRecord h : store.list(0)) {
            if (h.getFinishedUnixMs() != 0 || running.containsKey(h.getJid())) continue;
            String jid = h.getJid();
            if (finishIfComplete(jid)) continue;
            long timeout = h.getRequest().getTimeoutMs() > 0 ? h.getRequest().getTimeoutMs() : settings.defaultTimeout().toMillis();
            long at = Math.max(h.getStartedUnixMs() + timeout, now + grace.toMillis());
            LOG.info(() -> "job " + jid + " was left unfinished by the master's last run; waiting for its results until "
                    + Instant.ofEpochMilli(at));
            timer.schedule(() -> expireOrphan(jid), at - now, TimeUnit.MILLISECONDS);
        }
    }

    /** Finishes a job no longer running here once each of its minions returned or was lost; true when it is (now) finished. */
    private synchronized boolean finishIfComplete(String jid) {
        if (running.containsKey(jid)) return false;
        JobRecord rec = store.load(jid).orElse(null);
        if (rec == null) return false;
        if (rec.getFinishedUnixMs() != 0) return true;
        if (rec.getResultsCount() + rec.getLostCount() < rec.getMinionsCount()) return false;
        store.finish(jid, clock.millis());
        LOG.info(() -> "job " + jid + " finished: every minion returned or was lost");
        resumedDone(jid);
        return true;
    }

    private synchronized void expireOrphan(String jid) {
        try {
            JobRecord rec = store.load(jid).orElse(null);
            if (rec == null || rec.getFinishedUnixMs() != 0 || running.containsKey(jid)) return;
            Set<String> accounted = new HashSet<>(rec.getLostList());
            rec.getResultsList().forEach(r -> accounted.add(r.getMinionId()));
            for (String id : rec.getMinionsList()) {
                if (accounted.contains(id)) continue;
                store.addLost(jid, id);
                LOG.info(() -> "job " + jid + ": minion " + id + " lost: it did not return before the job's timeout across a master restart");
            }
            store.finish(jid, clock.millis());
            resumedDone(jid);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "job " + jid + ": cannot finish it", e);
        }
    }

    private boolean targeted(String jid, String minionId) {
        return store.header(jid).map(h -> h.getMinionsList().contains(minionId)).orElse(false);
    }

    /** The done event of a job this run of the master took over from the last one, from its record. */
    private void resumedDone(String jid) {
        JobRecord rec = store.load(jid).orElse(null);
        if (rec == null) return;
        int failed = (int) rec.getResultsList().stream().filter(r -> !io.jstate.common.output.ResultView.minion(r).ok()).count();
        // Every minion of a job finished here has returned or was recorded lost, so none is left skipped.
        events.publish(Event.JobDone.ran(Event.Job.of(jid, rec.getRequest()), Math.max(0, rec.getFinishedUnixMs() - rec.getStartedUnixMs()),
                rec.getMinionsCount(), rec.getResultsCount(), rec.getLostCount(), failed, 0, true));
    }

    /** Publishes a minion's return, and its refusal when it refused the job. */
    void returned(String jid, String minionId, JobResult r, boolean late) {
        if (r.hasRefused()) events.publish(new Event.JobRefused(jid, minionId, r.getRefused().getReason().name()));
        events.publish(Event.MinionReturned.of(jid, minionId, r, late));
    }

    // ---- for RunningJob ----

    EventBus events() {
        return events;
    }

    Connections connections() {
        return connections;
    }

    Pki pki() {
        return pki;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    Clock clock() {
        return clock;
    }

    Duration lostAfter() {
        return settings.lostAfter();
    }

    void finished(String jid) {
        running.remove(jid);
    }

    /** A job that cannot start; the message says why. */
    static final class JobException extends RuntimeException {
        JobException(String message) {
            super(message);
        }
    }
}
