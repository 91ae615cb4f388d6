package io.jstate.master.orch;

import com.google.protobuf.Struct;
import io.jstate.common.output.ResultView;
import io.jstate.common.wire.Structs;
import io.jstate.master.events.Event;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.OrchestrateEvent;
import io.jstate.proto.v1.OrchestrateRequest;
import io.jstate.states.engine.PlanException;
import io.jstate.states.lang.Orchestration;
import io.jstate.states.lang.Orchestration.Stage;
import io.jstate.states.lang.TreeFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Runs an orchestration: its stages in order, each as one job on its target, a gate after it
 * when it has one. The first stage that fails — a minion failed, was lost or never got the job,
 * an election refused, a gate never held — stops the line, and the report says where and why.
 *
 * <p>Elections are the only values that flow from one stage to the next: every job started after
 * an election gets its values in the minions' pillar as {@code orch.<rule>}, and later targets
 * and conditions may refer to them. A dry run applies states in test mode and runs elections
 * (they only gather facts), but no execution function stage and no gate, since nothing was
 * changed for a gate to wait for.
 */
public final class Orchestrator {
    private static final Logger LOG = Logger.getLogger(Orchestrator.class.getName());
    /**
     * How long a stage waits for a targeted minion that is not connected when the stage starts. An
     * orchestration runs right after faults: a healed partition or a rebooted host brings its minion
     * back within its reconnection backoff (at most 30 s, plus up to a fifth of it), and failing the
     * stage at once would send the operator to run it again by hand. A minion gone for good costs the
     * stage this long, said on screen as it starts.
     */
    static final Duration CONNECT_WAIT = Duration.ofSeconds(45);

    /** How stages start jobs: the master's job service, or a fake in tests. */
    public interface JobSubmitter {
        /** Starts a job; every event reaches {@code listener}, ending with JOB_DONE or JOB_FAILED. */
        String submit(JobRequest request, Consumer<JobEvent> listener);

        /** The accepted minions a target expression matches. */
        List<String> match(String target);
    }

    private final JobSubmitter jobs;
    private final TreeFiles states;
    private final Map<String, Election> elections;
    private final Consumer<Event> published;

    public Orchestrator(JobSubmitter jobs, Path states, Map<String, Election> elections) {
        this(jobs, states == null ? null : TreeFiles.of(states), elections, e -> { });
    }

    /**
     * @param states    the state tree, read through its confinement (orchestrations are orch/NAME.yaml in it)
     * @param published where each stage's start and end go as typed events (the master's event bus)
     */
    public Orchestrator(JobSubmitter jobs, TreeFiles states, Map<String, Election> elections, Consumer<Event> published) {
        this.jobs = jobs;
        this.states = states;
        this.elections = Map.copyOf(elections);
        this.published = published;
    }

    /** The election rules the master knows, by name. */
    public static Map<String, Election> builtinElections() {
        return Map.of("galera", new GaleraElection());
    }

    /** Runs the orchestration, sending every event to {@code out}; returns when it is over. */
    public void run(OrchestrateRequest request, Consumer<OrchestrateEvent> out) {
        Orchestration o;
        try {
            o = load(request);
        } catch (PlanException | IllegalArgumentException e) {
            out.accept(event(OrchestrateEvent.Type.ORCH_FAILED).setMessage(e.getMessage()).build());
            return;
        }
        new Run(o, request, out).run();
    }

    private Orchestration load(OrchestrateRequest request) {
        String name = request.getName();
        if (!request.getSource().isEmpty()) {
            return Orchestration.parse(name.isBlank() ? "(orchestration)" : name, request.getSource(), elections.keySet());
        }
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")) {
            throw new IllegalArgumentException("'" + name + "' is not an orchestration name (orch/NAME.yaml in the state tree)");
        }
        String rel = "orch/" + (name.endsWith(".yaml") ? name : name + ".yaml");
        if (states == null || !states.isFile(rel)) {
            throw new IllegalArgumentException("no orchestration '" + name + "': no " + rel + " in the state tree " + (states == null ? "" : states.root()));
        }
        return Orchestration.parse(rel, states.text(rel), elections.keySet());
    }

    private static OrchestrateEvent.Builder event(OrchestrateEvent.Type type) {
        return OrchestrateEvent.newBuilder().setType(type);
    }

    /** One run of one orchestration. */
    private final class Run {
        private final Orchestration o;
        private final OrchestrateRequest request;
        private final Consumer<OrchestrateEvent> out;
        private final Map<String, Map<String, Object>> elected = new LinkedHashMap<>();
        private long changes;
        /** The running stage's resolved target and when it started, for its typed events. */
        private String target = "";
        private long stageStart;

        Run(Orchestration o, OrchestrateRequest request, Consumer<OrchestrateEvent> out) {
            this.o = o;
            this.request = request;
            this.out = e -> {
                publish(e);
                out.accept(e);
            };
        }

        /** A stage's start and end, as the event bus carries them. */
        private void publish(OrchestrateEvent e) {
            int n = o.stages().size();
            Event.StageDone.Outcome outcome = switch (e.getType()) {
                case STAGE_DONE -> Event.StageDone.Outcome.DONE;
                case STAGE_SKIPPED -> Event.StageDone.Outcome.SKIPPED;
                case STAGE_FAILED -> Event.StageDone.Outcome.FAILED;
                default -> null;
            };
            try {
                if (e.getType() == OrchestrateEvent.Type.STAGE_STARTED) {
                    published.accept(new Event.StageStarted(o.file(), e.getStage(), e.getIndex(), n, target));
                } else if (outcome != null) {
                    long ms = outcome == Event.StageDone.Outcome.SKIPPED ? 0 : (System.nanoTime() - stageStart) / 1_000_000;
                    published.accept(new Event.StageDone(o.file(), e.getStage(), e.getIndex(), n, outcome, ms));
                }
            } catch (RuntimeException ex) {
                LOG.warning(() -> "orchestration " + o.file() + ": cannot publish " + e.getType() + ": " + ex);
            }
        }

        void run() {
            out.accept(event(OrchestrateEvent.Type.ORCH_STARTED).setMessage(o.file() + (o.description() == null ? "" : ": " + o.description()))
                    .addAllStageIds(o.stages().stream().map(Stage::id).toList()).build());
            int index = 0;
            for (Stage s : o.stages()) {
                index++;
                String failure;
                stageStart = System.nanoTime();
                target = "";
                try {
                    failure = stage(s, index);
                } catch (IllegalArgumentException e) {
                    failure = e.getMessage();
                }
                if (failure != null) {
                    out.accept(stageEvent(OrchestrateEvent.Type.STAGE_FAILED, s, index).setMessage(failure).build());
                    out.accept(event(OrchestrateEvent.Type.ORCH_FAILED)
                            .setMessage("stopped at stage " + index + " of " + o.stages().size() + " (" + s.id() + "): " + failure).build());
                    LOG.info(() -> "orchestration " + o.file() + " stopped at " + s.id());
                    return;
                }
            }
            out.accept(event(OrchestrateEvent.Type.ORCH_DONE)
                    .setMessage(o.stages().size() + " stages, " + changes + (request.getTest() ? " changes would be made" : " changes")).build());
        }

        /** Runs one stage; null when it succeeded (or was skipped), else why it failed. */
        private String stage(Stage s, int index) {
            if (!Orchestration.holds(s.when(), elected)) {
                out.accept(stageEvent(OrchestrateEvent.Type.STAGE_SKIPPED, s, index).setMessage("skipped: " + s.when() + " is false").build());
                return null;
            }
            String target = Orchestration.resolveTarget(s.target(), elected);
            this.target = target;
            if (target.isEmpty()) return "the target '" + s.target() + "' resolved to nothing";
            if (s.optional() && jobs.match(target).isEmpty()) {
                out.accept(stageEvent(OrchestrateEvent.Type.STAGE_SKIPPED, s, index).setMessage("skipped: no minion matches " + target).build());
                return null;
            }
            if (s.function() != null && request.getTest()) {
                out.accept(stageEvent(OrchestrateEvent.Type.STAGE_SKIPPED, s, index)
                        .setMessage("dry run: would " + s.describe() + " on " + target).build());
                return null;
            }
            out.accept(stageEvent(OrchestrateEvent.Type.STAGE_STARTED, s, index).setMessage(s.describe() + " on " + target
                    + (s.batch().isEmpty() ? "" : ", " + s.batch() + " at a time")).build());
            // A dry run changes nothing, so a batch's failure need not stop the next batches: every
            // minion says what it would do.
            JobRequest.Builder job = JobRequest.newBuilder().setTarget(target).setBatch(s.batch()).setStopOnFailure(!request.getTest())
                    .setTimeoutMs(s.timeoutMs() > 0 ? s.timeoutMs() : request.getTimeoutMs()).setPillar(pillar(s))
                    .setConnectWaitMs(CONNECT_WAIT.toMillis());
            if (s.elect() != null) return elect(s, index, job);
            if (s.apply() != null) job.setApply(ApplyRequest.newBuilder().addAllTargets(s.apply()).setTest(request.getTest()));
            else job.setFunction(FunctionRequest.newBuilder().setName(s.function()).addAllArgs(s.args()));
            long before = changes;
            Outcome done = runJob(job.build(), s, index, false);
            if (done.failure() != null) {
                if (!uncheckableInADryRun(done, before)) return done.failure();
                out.accept(stageEvent(OrchestrateEvent.Type.STAGE_DONE, s, index).setMessage(done.summary()
                        + "; dry run: cannot be checked before the changes of the stages above are made: " + done.failure()).build());
                return null;
            }
            if (!s.gate().isEmpty()) {
                if (request.getTest()) {
                    out.accept(stageEvent(OrchestrateEvent.Type.STAGE_DONE, s, index)
                            .setMessage(done.summary() + "; dry run: gate " + String.join(", ", s.gate()) + " not waited for").build());
                    return null;
                }
                JobRequest gate = job.clearBatch().setApply(ApplyRequest.newBuilder().addAllTargets(s.gate())).build();
                Outcome g = runJob(gate, s, index, true);
                if (g.failure() != null) return "gate " + String.join(", ", s.gate()) + ": " + g.failure();
            }
            out.accept(stageEvent(OrchestrateEvent.Type.STAGE_DONE, s, index).setMessage(done.summary()).build());
            return null;
        }

        /**
         * In a dry run, a stage after stages that would change may fail only because their changes
         * are not made (a first deploy's SQL users before the server is installed): it is reported
         * with what it said, and the dry run goes on. A state that fails on a converged system, a
         * minion lost or refusing, and a tree that does not compile still stop it.
         */
        private boolean uncheckableInADryRun(Outcome done, long changesBefore) {
            if (!request.getTest() || changesBefore == 0 || done.jobError() != null || !done.lost().isEmpty()) return false;
            return done.results().stream().noneMatch(r -> r.hasRefused() || r.hasFunction() || !r.getReport().getCompileError().isEmpty());
        }

        private String elect(Stage s, int index, JobRequest.Builder job) {
            Election rule = elections.get(s.elect());
            job.setFunction(FunctionRequest.newBuilder().setName(rule.function()));
            Outcome done = runJob(job.build(), s, index, false, false);
            if (done.jobError() != null) return done.jobError();
            Map<String, Map<String, Object>> facts = new TreeMap<>();
            Map<String, String> failures = new TreeMap<>(done.lost());
            for (JobResult r : done.results()) {
                String id = r.getMinionId();
                if (!r.hasFunction()) {
                    failures.put(id, r.hasRefused() ? "refused the job: " + r.getRefused().getMessage() : "returned no function result");
                } else if (!r.getFunction().getSuccess()) {
                    failures.put(id, r.getFunction().getError().isEmpty() ? rule.function() + " failed" : r.getFunction().getError());
                } else {
                    try {
                        Object v = Structs.plain(r.getFunction().getValue());
                        if (v instanceof Map<?, ?> m) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> f = (Map<String, Object>) m;
                            facts.put(id, f);
                        } else {
                            failures.put(id, rule.function() + " returned no facts");
                        }
                    } catch (IllegalArgumentException e) {
                        failures.put(id, rule.function() + " returned no facts: " + e.getMessage());
                    }
                }
            }
            List<String> targeted = new ArrayList<>(new java.util.TreeSet<>(done.minions()));
            Election.Elected e;
            String choice = request.getChoicesMap().get(s.elect());
            try {
                e = choice == null ? rule.decide(targeted, facts, failures) : rule.choose(choice, targeted, facts, failures);
            } catch (Election.ElectionRefused refused) {
                return "election '" + s.elect() + "' refused: " + refused.getMessage();
            }
            elected.put(s.elect(), e.values());
            // A dry run decides as a real run would, and says that nothing was started on it.
            String said = (request.getTest() ? "dry run, the stages below would act on it: " : "") + e.summary();
            out.accept(stageEvent(OrchestrateEvent.Type.ELECTED, s, index).setMessage(said).setElected(Structs.struct(new TreeMap<>(e.values()))).build());
            out.accept(stageEvent(OrchestrateEvent.Type.STAGE_DONE, s, index).setMessage(said).build());
            return null;
        }

        /** The pillar overlay of a stage's jobs: every election so far under {@code orch}, then the stage's own. */
        private Struct pillar(Stage s) {
            Map<String, Object> overlay = new LinkedHashMap<>();
            if (!elected.isEmpty()) overlay.put("orch", elected);
            overlay.putAll(s.pillar());
            try {
                return Structs.struct(overlay);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the stage's pillar cannot be sent: " + e.getMessage());
            }
        }

        private Outcome runJob(JobRequest job, Stage s, int index, boolean gate) {
            return runJob(job, s, index, gate, true);
        }

        /** Starts a job, forwards its events, waits for its end and judges it. */
        private Outcome runJob(JobRequest job, Stage s, int index, boolean gate, boolean failOnMinion) {
            BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
            jobs.submit(job, events::add);
            List<String> minions = List.of();
            List<JobResult> results = new ArrayList<>();
            Map<String, String> lost = new TreeMap<>();
            while (true) {
                JobEvent e;
                try {
                    e = events.take();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return new Outcome(minions, results, lost, "interrupted", "interrupted", "");
                }
                out.accept(stageEvent(OrchestrateEvent.Type.JOB, s, index).setGate(gate).setJob(e).build());
                switch (e.getType()) {
                    case JOB_STARTED -> minions = e.getMinionsList();
                    case MINION_DONE -> results.add(e.getResult());
                    case MINION_LOST -> lost.put(e.getMinionId(), "did not answer: " + e.getMessage());
                    case MINION_SKIPPED -> lost.put(e.getMinionId(), e.getMessage());
                    case JOB_FAILED -> {
                        return new Outcome(minions, results, lost, e.getMessage(), e.getMessage(), "");
                    }
                    case JOB_DONE -> {
                        ResultView.Job view = ResultView.job(results);
                        long changed = view.changed();
                        List<ResultView.Minion> failed = view.failed();
                        if (!gate) changes += changed;
                        String summary = minions.size() + " minion" + (minions.size() == 1 ? "" : "s") + ", " + changed
                                + (request.getTest() ? " would change" : " changed");
                        String failure = null;
                        if (failOnMinion && (!failed.isEmpty() || !lost.isEmpty())) {
                            List<String> why = new ArrayList<>();
                            for (ResultView.Minion m : failed) why.add(m.id() + ": " + m.why());
                            lost.forEach((id, m) -> why.add(id + " " + m));
                            failure = String.join("; ", why) + " (job " + e.getJid() + ": jstate jobs show " + e.getJid() + ")";
                        }
                        return new Outcome(minions, results, lost, failure, null, summary);
                    }
                    default -> { }
                }
            }
        }

        private OrchestrateEvent.Builder stageEvent(OrchestrateEvent.Type type, Stage s, int index) {
            return event(type).setStage(s.id()).setIndex(index);
        }
    }

    /**
     * How a job ended: its minions and results, the minions that never returned (and why),
     * {@code failure} when the stage must stop, {@code jobError} when the job did not even start.
     */
    private record Outcome(List<String> minions, List<JobResult> results, Map<String, String> lost, String failure, String jobError,
                           String summary) {}
}
