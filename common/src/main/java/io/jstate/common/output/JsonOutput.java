package io.jstate.common.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import java.math.BigDecimal;
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

    public String document(String minion, Instant started, RunReport report) {
        try {
            return JSON.writeValueAsString(node(minion, started, report)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the run as JSON", e);
        }
    }

    /** The document as a tree, for callers that put several minions' runs into one document. */
    public ObjectNode node(String minion, Instant started, RunReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("minion", minion);
        root.put("test", report.getTest());
        root.put("started", started.toString());
        root.put("duration_ms", ms(report.getDurationUs()));
        ResultView.Counts counts = ResultView.counts(report);
        ObjectNode summary = root.putObject("summary");
        summary.put("succeeded", counts.succeeded());
        summary.put("changed", counts.changed());
        summary.put("failed", counts.failed());
        summary.put("total", counts.states());
        ArrayNode states = root.putArray("states");
        for (StateResult r : report.getStatesList()) states.add(state(r));
        return root;
    }

    private ObjectNode state(StateResult r) {
        ResultView.State v = ResultView.state(r);
        ObjectNode s = JSON.createObjectNode();
        s.put("id", r.getId());
        s.put("kind", r.getKind());
        s.put("name", r.getName());
        s.put("sls", r.getSls().isEmpty() ? null : r.getSls());
        s.put("file", r.getFile().isEmpty() ? null : r.getFile());
        if (r.getFile().isEmpty()) s.putNull("line");
        else s.put("line", r.getLine());
        // The schema has no "blocked": a blocked state is skipped, and counts as failed in the summary.
        s.put("result", v.status() == ResultView.Status.BLOCKED ? ResultView.Status.SKIPPED.word() : v.status().word());
        s.put("comment", v.comment().isEmpty() ? null : v.comment());
        ArrayNode changes = s.putArray("changes");
        for (Change c : v.changes()) {
            ObjectNode ch = changes.addObject();
            ch.put("attribute", c.getAttribute());
            ch.put("before", c.hasBefore() ? c.getBefore() : null);
            ch.put("after", c.hasAfter() ? c.getAfter() : null);
            ch.put("diff", c.hasDiff() ? c.getDiff() : null);
        }
        ObjectNode data = s.putObject("data");
        new TreeMap<>(v.data()).forEach(data::put);
        s.put("started", Instant.ofEpochMilli(r.getStartedUnixMs()).toString());
        s.put("duration_ms", ms(r.getDurationUs()));
        return s;
    }

    private static BigDecimal ms(long micros) {
        return BigDecimal.valueOf(micros, 3);
    }
}
