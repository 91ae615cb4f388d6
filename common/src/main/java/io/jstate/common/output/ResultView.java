package io.jstate.common.output;

import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the protocol's results mean, read in one place for every renderer: the terminal and JSON
 * output of a run, the CLI's job view, the orchestrator's stage failures, the master's events and
 * the dashboard. A state has a status, a comment, changes and a duration; a minion's result has
 * counts, the ids of its failed states and one line saying why it failed; a job adds its minions up.
 */
public final class ResultView {
    private ResultView() {}

    /** What became of one state. A blocked state did not run because a requisite failed or failhard stopped the run. */
    public enum Status {
        UNCHANGED("unchanged"), CHANGED("changed"), WOULD_CHANGE("would_change"), FAILED("failed"), SKIPPED("skipped"), BLOCKED("blocked");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        public static Status of(StateResult s) {
            return switch (s.getOutcomeCase()) {
                case UNCHANGED -> UNCHANGED;
                case CHANGED -> CHANGED;
                case WOULD_CHANGE -> WOULD_CHANGE;
                case FAILED -> FAILED;
                case SKIPPED -> s.getSkipped().getBlocked() ? BLOCKED : SKIPPED;
                // A result without an outcome comes only from a newer or broken sender; it did nothing.
                case OUTCOME_NOT_SET -> SKIPPED;
            };
        }

        /** A failure: the state failed, or was blocked by one. */
        public boolean failure() {
            return this == FAILED || this == BLOCKED;
        }

        /** A change: the state changed something, or would in a dry run. */
        public boolean change() {
            return this == CHANGED || this == WOULD_CHANGE;
        }

        /** The status as one lower-case word: unchanged, changed, would_change, failed, skipped or blocked. */
        public String word() {
            return word;
        }
    }

    /**
     * One state's result: its status, the one text its outcome carries for the operator (comment,
     * error or skip reason), its changes and data; {@code wire} keeps the rest (id, kind, source, times).
     */
    public record State(StateResult wire, Status status, String comment, List<Change> changes, Map<String, String> data) {
        public long durationUs() {
            return wire.getDurationUs();
        }
    }

    public static State state(StateResult s) {
        return switch (s.getOutcomeCase()) {
            case UNCHANGED -> new State(s, Status.UNCHANGED, s.getUnchanged().getComment(), List.of(), Map.of());
            case CHANGED -> new State(s, Status.CHANGED, s.getChanged().getComment(), s.getChanged().getChangesList(), s.getChanged().getDataMap());
            case WOULD_CHANGE -> new State(s, Status.WOULD_CHANGE, s.getWouldChange().getComment(), s.getWouldChange().getChangesList(), Map.of());
            case FAILED -> new State(s, Status.FAILED, s.getFailed().getError(), s.getFailed().getChangesList(), s.getFailed().getDataMap());
            case SKIPPED -> new State(s, Status.of(s), s.getSkipped().getReason(), List.of(), Map.of());
            case OUTCOME_NOT_SET -> new State(s, Status.SKIPPED, "", List.of(), Map.of());
        };
    }

    /** How many states a run had, changed (or would) and failed (or were blocked); the failed ones' ids in plan order. */
    public record Counts(int states, int changed, int failed, List<String> failedIds) {
        public static final Counts NONE = new Counts(0, 0, 0, List.of());

        public Counts {
            failedIds = List.copyOf(failedIds);
        }

        public int succeeded() {
            return states - failed;
        }
    }

    public static Counts counts(RunReport report) {
        int changed = 0;
        List<String> failedIds = new ArrayList<>();
        for (StateResult s : report.getStatesList()) {
            Status status = Status.of(s);
            if (status.change()) changed++;
            if (status.failure()) failedIds.add(s.getId());
        }
        return new Counts(report.getStatesCount(), changed, failedIds.size(), failedIds);
    }

    /** One minion's result for a job; the counts are those of its states, none for a function or a refusal. */
    public record Minion(String id, JobResult wire, Counts counts) {
        /** Success: the states compiled and none failed, or the function succeeded. A refusal or an empty result is a failure. */
        public boolean ok() {
            return switch (wire.getOutcomeCase()) {
                case REPORT -> wire.getReport().getCompileError().isEmpty() && counts.failed() == 0;
                case FUNCTION -> wire.getFunction().getSuccess();
                default -> false;
            };
        }

        /**
         * Why the minion failed, in one line, by what stopped it: a refusal, a function's error, a
         * compile error, or its first failed state (else its first blocked one) and how many others
         * failed. Empty when the result is a success.
         */
        public String why() {
            if (ok()) return "";
            return switch (wire.getOutcomeCase()) {
                case REFUSED -> "refused the job (" + wire.getRefused().getReason() + "): " + firstLine(wire.getRefused().getMessage());
                case FUNCTION -> wire.getFunction().getError().isEmpty() ? "the function failed" : firstLine(wire.getFunction().getError());
                case REPORT -> whyReport(wire.getReport());
                case OUTCOME_NOT_SET -> "returned an empty result";
            };
        }

        private String whyReport(RunReport report) {
            if (!report.getCompileError().isEmpty()) return "could not compile its states: " + firstLine(report.getCompileError());
            StateResult first = report.getStatesList().stream().filter(StateResult::hasFailed).findFirst()
                    .orElseGet(() -> report.getStatesList().stream().filter(s -> Status.of(s).failure()).findFirst().orElseThrow());
            String what = first.getKind() + " " + first.getId() + (first.hasFailed()
                    ? " failed: " + firstLine(first.getFailed().getError())
                    : " did not run: " + firstLine(first.getSkipped().getReason()));
            int others = counts.failed() - 1;
            return others == 0 ? what : what + " (and " + others + " more failed)";
        }
    }

    public static Minion minion(String id, JobResult r) {
        return new Minion(id, r, r.hasReport() ? counts(r.getReport()) : Counts.NONE);
    }

    /** A minion's result under the id it reports itself. */
    public static Minion minion(JobResult r) {
        return minion(r.getMinionId(), r);
    }

    /** A job's returned results: the minions in the order given, the ones that failed, and the states they changed together. */
    public record Job(List<Minion> minions) {
        public Job {
            minions = List.copyOf(minions);
        }

        public List<Minion> failed() {
            return minions.stream().filter(m -> !m.ok()).toList();
        }

        public long changed() {
            return minions.stream().mapToLong(m -> m.counts().changed()).sum();
        }
    }

    public static Job job(Map<String, JobResult> byMinion) {
        List<Minion> minions = new ArrayList<>();
        byMinion.forEach((id, r) -> minions.add(minion(id, r)));
        return new Job(minions);
    }

    public static Job job(List<JobResult> results) {
        return new Job(results.stream().map(ResultView::minion).toList());
    }

    /** The first line of a text; "…" marks that more followed. */
    static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl) + " …";
    }
}
