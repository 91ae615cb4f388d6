package io.jstate.minion.output;

import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.Failed;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.Skipped;
import io.jstate.proto.v1.StateResult;
import io.jstate.proto.v1.Unchanged;
import io.jstate.proto.v1.WouldChange;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Step;
import java.util.List;
import java.util.Map;

/**
 * The engine's results as protocol messages, one outcome type to one message. Every result leaves
 * the minion in this form (streamed to the master, spooled, printed), so the masking of state names
 * happens here once; the engine has already redacted everything the outcome carries.
 */
public final class ProtoResults {
    private ProtoResults() {}

    public static RunReport report(io.jstate.states.engine.RunReport r, Secrets secrets) {
        RunReport.Builder b = RunReport.newBuilder().setTest(r.test()).setDurationUs(r.total().toNanos() / 1000);
        for (io.jstate.states.engine.StateResult s : r.results()) b.addStates(state(s, secrets));
        return b.build();
    }

    public static StateResult state(io.jstate.states.engine.StateResult r, Secrets secrets) {
        Step step = r.step();
        StateResult.Builder b = StateResult.newBuilder()
                .setId(step.id())
                .setKind(step.kind())
                .setName(secrets.redact(step.name()))
                .setStartedUnixMs(r.started().toEpochMilli())
                .setDurationUs(r.duration().toNanos() / 1000);
        if (step.at() != null) {
            if (step.at().sls() != null) b.setSls(step.at().sls());
            if (step.at().file() != null) b.setFile(step.at().file());
            b.setLine(step.at().line());
        }
        Outcome o = r.outcome();
        if (o instanceof Outcome.Unchanged u) {
            b.setUnchanged(Unchanged.newBuilder().setComment(text(u.comment())));
        } else if (o instanceof Outcome.Changed c) {
            b.setChanged(Changed.newBuilder().addAllChanges(changes(c.changes())).setComment(text(c.comment())).putAllData(data(c.data())));
        } else if (o instanceof Outcome.WouldChange w) {
            b.setWouldChange(WouldChange.newBuilder().addAllChanges(changes(w.changes())).setComment(text(w.comment())));
        } else if (o instanceof Outcome.Failed f) {
            b.setFailed(Failed.newBuilder().setError(text(f.error())).addAllChanges(changes(f.changes())).putAllData(data(f.data())));
        } else if (o instanceof Outcome.Skipped s) {
            b.setSkipped(Skipped.newBuilder().setReason(text(s.reason())).setBlocked(s.blocked()));
        }
        return b.build();
    }

    private static List<Change> changes(List<io.jstate.states.engine.Change> changes) {
        return changes.stream().map(c -> {
            Change.Builder b = Change.newBuilder().setAttribute(text(c.attribute()));
            if (c.before() != null) b.setBefore(c.before());
            if (c.after() != null) b.setAfter(c.after());
            if (c.diff() != null) b.setDiff(c.diff());
            return b.build();
        }).toList();
    }

    private static Map<String, String> data(Map<String, String> data) {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        data.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
