package io.jstate.master.events;

import io.jstate.common.output.ResultView;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.StateResult;
import java.util.List;

/**
 * What happens to keys, minions and jobs on the master, as the event bus carries it. Every event
 * holds only small facts (ids, kinds, outcomes, durations, counts): nothing here keeps a change's
 * before, after or diff, a function's return value or pillar, which is how secrets stay off the
 * bus. Each kind of event is built here, from the master's own types, and nowhere else; its tag
 * and data map, as the admin event stream shows them, are rendered by {@link EventForm}.
 */
public sealed interface Event {

    /** What a job is, for its events: its target and what it runs, never its pillar overlay. */
    record Job(String jid, String target, Kind kind, List<String> sls, boolean test, String function) {
        public enum Kind { APPLY, FUNCTION, NONE }

        public Job {
            sls = List.copyOf(sls);
        }

        public static Job of(String jid, JobRequest r) {
            if (r.hasApply()) return new Job(jid, r.getTarget(), Kind.APPLY, r.getApply().getTargetsList(), r.getApply().getTest(), null);
            if (r.hasFunction()) return new Job(jid, r.getTarget(), Kind.FUNCTION, List.of(), false, r.getFunction().getName());
            return new Job(jid, r.getTarget(), Kind.NONE, List.of(), false, null);
        }
    }

    /** A job was dispatched to its first batch of {@code minions}. */
    record JobStarted(Job job, List<String> minions, int batch) implements Event {
        public JobStarted {
            minions = List.copyOf(minions);
        }
    }

    /**
     * A job is over: every minion returned, was lost or skipped, or it never started. A job this
     * run of the master took over from its last run is {@code resumed}.
     */
    record JobDone(Job job, Outcome outcome, long durationMs, int minions, int returned, int lost, int failedMinions,
                   int skipped, boolean resumed) implements Event {
        public enum Outcome { SUCCEEDED, FAILED, NOT_STARTED }

        /** A job that reached no minion: its request was refused before dispatch. */
        public static JobDone notStarted(Job job) {
            return new JobDone(job, Outcome.NOT_STARTED, 0, 0, 0, 0, 0, 0, false);
        }

        /** A job that ran: it succeeded when no minion failed and none was lost. */
        public static JobDone ran(Job job, long durationMs, int minions, int returned, int lost, int failedMinions, int skipped,
                                  boolean resumed) {
            Outcome o = failedMinions == 0 && lost == 0 ? Outcome.SUCCEEDED : Outcome.FAILED;
            return new JobDone(job, o, durationMs, minions, returned, lost, failedMinions, skipped, resumed);
        }
    }

    /**
     * One state's result on one minion, less its changes' contents and comment: {@code outcome} is
     * one of unchanged, changed, would_change, failed, skipped, blocked.
     */
    record StateDone(String jid, String minion, String id, String kind, String sls, String outcome, double durationMs,
                     int changes) implements Event {
        public static StateDone of(String jid, String minion, StateResult s) {
            int changes = s.hasChanged() ? s.getChanged().getChangesCount() : s.hasWouldChange() ? s.getWouldChange().getChangesCount() : 0;
            return new StateDone(jid, minion, s.getId(), s.getKind(), s.getSls(), ResultView.Status.of(s).word(), s.getDurationUs() / 1000.0,
                    changes);
        }
    }

    /**
     * A state has run on a minion for a while ({@code runningMs} when the minion said so) and, when
     * {@code waiting} is not null, the engine waits in it for that (secrets masked on the minion).
     */
    record StateRunning(String jid, String minion, String id, String kind, long runningMs, String waiting) implements Event {}

    /**
     * An orchestration started stage {@code index} of {@code stages} on {@code target} (the
     * resolved target expression).
     */
    record StageStarted(String orchestration, String stage, int index, int stages, String target) implements Event {}

    /** A stage of an orchestration ended: done, skipped or failed (the line stops there). */
    record StageDone(String orchestration, String stage, int index, int stages, Outcome outcome, long durationMs) implements Event {
        public enum Outcome { DONE, SKIPPED, FAILED }
    }

    /**
     * A minion's final result for a job. {@code outcome} is ok, failed (a state or the function
     * failed) or refused; {@code durationMs} is null when the minion gave no times. Which of
     * {@code report}, {@code success} and {@code refusal} is set follows what the minion ran.
     * A return that came after the job was over (across a restart) is {@code late}.
     */
    record MinionReturned(String jid, String minion, String outcome, Long durationMs, Report report, Boolean success,
                          String refusal, boolean late) implements Event {
        /** An apply's counts: how many states, how many changed or failed, whether a dry run, whether it compiled. */
        public record Report(int states, long changed, long failed, boolean test, boolean compileError) {}

        public static MinionReturned of(String jid, String minion, JobResult r, boolean late) {
            String outcome = r.hasRefused() ? "refused" : ResultView.minion(r).ok() ? "ok" : "failed";
            Long duration = r.getFinishedUnixMs() > 0 && r.getStartedUnixMs() > 0 ? r.getFinishedUnixMs() - r.getStartedUnixMs() : null;
            Report report = null;
            Boolean success = null;
            String refusal = null;
            switch (r.getOutcomeCase()) {
                case REPORT -> {
                    ResultView.Counts counts = ResultView.counts(r.getReport());
                    report = new Report(counts.states(), counts.changed(), counts.failed(), r.getReport().getTest(),
                            !r.getReport().getCompileError().isEmpty());
                }
                case FUNCTION -> success = r.getFunction().getSuccess();
                case REFUSED -> refusal = r.getRefused().getReason().name();
                default -> { }
            }
            return new MinionReturned(jid, minion, outcome, duration, report, success, refusal, late);
        }
    }

    /** A minion refused a job's envelope; {@code reason} is the refusal's name (e.g. BAD_SIGNATURE). */
    record JobRefused(String jid, String minion, String reason) implements Event {}

    /** A minion did not return within the job's timeout, or its stream was gone too long. */
    record MinionLost(String jid, String minion, String reason) implements Event {}

    /** A minion's stream is up (after its Hello); it {@code replaced} an older stream of the same minion. */
    record MinionUp(String id, String address, List<String> roles, boolean replaced) implements Event {
        public MinionUp {
            roles = List.copyOf(roles);
        }
    }

    /** A minion's stream ended after {@code connectedMs}. */
    record MinionDown(String id, String reason, long connectedMs) implements Event {}

    /** A minion asked to enroll with a new key, accepted at once when its token was right. */
    record KeyRequested(String id, String fingerprint, boolean autoAccept) implements Event {}

    /** A key was accepted, rejected or deleted; {@code was} is the state it left. */
    record KeyChanged(Change change, String id, String fingerprint, Key.State was) implements Event {
        public enum Change { ACCEPTED, REJECTED, DELETED }
    }

    /** The roles the master assigns to a key were set. */
    record KeyRoles(String id, List<String> roles) implements Event {
        public KeyRoles {
            roles = List.copyOf(roles);
        }
    }

    /**
     * A request to enroll was turned away. {@code id} is null when what the minion sent is not a
     * minion id, so that it is never echoed as one.
     */
    record EnrollmentRefused(String id, String address, String reason) implements Event {}

    /** The marker a slow subscriber gets where it missed {@code lost} events; {@code subscriber} names its subscription. */
    record EventsLost(long lost, String subscriber) implements Event {}
}
