package io.jstate.minion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.Outcome.Unchanged;
import io.jstate.states.engine.Outcome.WouldChange;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.StateResult;
import io.jstate.states.engine.Step;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;

/**
 * A run as one JSON document for scripts. The schema is stable: every key is always present
 * (null when it has no value), in this order:
 *
 * <pre>
 * {minion, test, started, duration_ms, summary {succeeded, changed, failed, total},
 *  states: [{id, kind, name, sls, file, line, result, comment,
 *            changes: [{attribute, before, after, diff}], data, started, duration_ms}]}
 * </pre>
 *
 * {@code result} is one of unchanged, changed, would_change, failed, skipped; times are ISO-8601
 * instants; durations are milliseconds with microsecond precision.
 */
public final class JsonOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Secrets secrets;

    /** @param secrets masks applied to state names, which come from the spec rather than the engine's redacted outcome */
    public JsonOutput(Secrets secrets) {
        this.secrets = secrets == null ? Secrets.NONE : secrets;
    }

    public String document(String minion, Instant started, RunReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("minion", minion);
        root.put("test", report.test());
        root.put("started", started.toString());
        root.put("duration_ms", ms(report.total()));
        ObjectNode summary = root.putObject("summary");
        summary.put("succeeded", report.succeeded());
        summary.put("changed", report.changed());
        summary.put("failed", report.failed());
        summary.put("total", report.results().size());
        ArrayNode states = root.putArray("states");
        for (StateResult r : report.results()) states.add(state(r));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the run as JSON", e);
        }
    }

    private ObjectNode state(StateResult r) {
        Step step = r.step();
        Outcome o = r.outcome();
        ObjectNode s = JSON.createObjectNode();
        s.put("id", step.id());
        s.put("kind", step.kind());
        s.put("name", secrets.redact(step.name()));
        s.put("sls", step.at() == null ? null : step.at().sls());
        s.put("file", step.at() == null ? null : step.at().file());
        if (step.at() == null) s.putNull("line");
        else s.put("line", step.at().line());
        s.put("result", result(o));
        s.put("comment", HumanOutput.comment(o));
        ArrayNode changes = s.putArray("changes");
        for (Change c : o.changeList()) {
            ObjectNode ch = changes.addObject();
            ch.put("attribute", c.attribute());
            ch.put("before", c.before());
            ch.put("after", c.after());
            ch.put("diff", c.diff());
        }
        ObjectNode data = s.putObject("data");
        new TreeMap<>(HumanOutput.data(o)).forEach(data::put);
        s.put("started", r.started().toString());
        s.put("duration_ms", ms(r.duration()));
        return s;
    }

    static String result(Outcome o) {
        if (o instanceof Unchanged) return "unchanged";
        if (o instanceof Changed) return "changed";
        if (o instanceof WouldChange) return "would_change";
        if (o instanceof Failed) return "failed";
        return "skipped";
    }

    private static BigDecimal ms(Duration d) {
        return BigDecimal.valueOf(d.toNanos() / 1000, 3);
    }
}
