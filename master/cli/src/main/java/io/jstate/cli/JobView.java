package io.jstate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.common.output.ExitCodes;
import io.jstate.common.wire.Structs;
import io.jstate.common.output.HumanOutput;
import io.jstate.common.output.JsonOutput;
import io.jstate.common.output.ResultView;
import io.jstate.proto.v1.JobEvent;
import com.google.protobuf.Value;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateProgress;
import io.jstate.proto.v1.StateResult;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One job as the operator sees it, fed with its events: live while {@code jstate apply} or
 * {@code jstate run} waits, and replayed from the stored record by {@code jstate jobs show}, so
 * both print alike. Human output shows each state as it finishes (prefixed with the minion's id
 * when several run), then a summary per minion and the totals; JSON output is one document at the
 * end. The exit code follows the same rules everywhere: 0 every minion returned and succeeded,
 * 2 some state or function failed or some minion refused or did not return, 1 nothing could start.
 */
final class JobView {
    /** What the job runs, which decides how results are shown. */
    enum Kind { APPLY, FUNCTION }

    /** Jackson takes a while to start, and the live human output of an apply never needs it. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
    private static final String INDENT = "    ";

    private final PrintStream out;
    private final PrintStream err;
    private final Kind kind;
    private final boolean json;
    private final HumanOutput human;
    private final String target;

    private String jid = "";
    private final List<String> minions = new ArrayList<>();
    private final Map<String, JobResult> results = new LinkedHashMap<>();
    private final Map<String, String> lost = new LinkedHashMap<>();
    private final Map<String, Set<String>> shown = new HashMap<>();
    /** Where each minion is, for the "still waiting" lines: accepted when and at which queue position, its last finished state. */
    private final Map<String, Long> acceptedAt = new HashMap<>();
    /** Minions the master waits for to connect, and since when. */
    private final Map<String, Long> connectingSince = new HashMap<>();
    private final Map<String, Integer> queuePosition = new HashMap<>();
    private final Map<String, String> lastState = new HashMap<>();
    private final Map<String, Long> lastStateAt = new HashMap<>();
    /** The state each minion runs now, as its last progress report said, and when this CLI heard it. */
    private record Running(StateProgress progress, long heardAt) {}

    private final Map<String, Running> running = new HashMap<>();
    private final java.time.Clock clock;
    private String failure;
    private boolean done;
    private int width;
    private boolean notableOnly;

    JobView(Context ctx, Kind kind, boolean json, String target) {
        this.out = ctx.out();
        this.err = ctx.err();
        this.kind = kind;
        this.json = json;
        this.target = target;
        this.human = new HumanOutput(ctx.color(), ctx.clock().getZone());
        this.clock = ctx.clock();
    }

    String jid() {
        return jid;
    }

    /** Shows only the states that changed (or would) or failed: an orchestration's many jobs stay readable. */
    void notableOnly() {
        notableOnly = true;
    }

    /** Whether the job reached its end: done, or failed to start. */
    boolean finished() {
        return done || failure != null;
    }

    /** Shows one event as it arrives; returns whether it was the last of the job. */
    boolean accept(JobEvent e) {
        if (!e.getJid().isEmpty()) jid = e.getJid();
        // Any other word of a minion the master waited for means it connected.
        if (e.getType() != JobEvent.Type.MINION_WAITING) connectingSince.remove(e.getMinionId());
        switch (e.getType()) {
            case JOB_STARTED -> started(e.getMinionsList());
            case STATE -> state(e.getMinionId(), e.getState());
            case MINION_DONE -> done(e.getMinionId().isEmpty() ? e.getResult().getMinionId() : e.getMinionId(), e.getResult());
            case MINION_LOST -> lost(e.getMinionId(), e.getMessage());
            case MINION_WAITING -> connecting(e.getMinionId(), e.getMessage());
            case MINION_ACCEPTED -> {
                acceptedAt.put(e.getMinionId(), clock.millis());
                queuePosition.put(e.getMinionId(), e.getQueuePosition());
            }
            case STATE_PROGRESS -> {
                known(e.getMinionId());
                running.put(e.getMinionId(), new Running(e.getProgress(), clock.millis()));
            }
            case JOB_DONE -> done = true;
            case JOB_FAILED -> failure = e.getMessage();
            default -> { }
        }
        return finished();
    }

    void started(List<String> ids) {
        for (String id : ids) {
            if (!minions.contains(id)) minions.add(id);
        }
        width = minions.stream().mapToInt(String::length).max().orElse(0);
        if (json) return;
        if (minions.isEmpty()) {
            out.println("Job " + jid + ": no minion matched the target '" + target + "'");
        } else {
            String names = minions.size() <= 10 ? ": " + String.join(", ", minions) : "";
            out.println("Job " + jid + " on " + minions.size() + (minions.size() == 1 ? " minion" : " minions") + names);
        }
        out.flush();
    }

    void state(String minion, StateResult r) {
        known(minion);
        Running now = running.get(minion);
        if (now != null && now.progress().getId().equals(r.getId())) running.remove(minion);
        lastState.put(minion, r.getId());
        lastStateAt.put(minion, clock.millis());
        if (!shown.computeIfAbsent(minion, k -> new HashSet<>()).add(key(r)) || json) return;
        ResultView.Status status = ResultView.Status.of(r);
        if (notableOnly && !status.change() && !status.failure()) return;
        print(minion, human.state(r));
    }

    void done(String minion, JobResult r) {
        known(minion);
        running.remove(minion);
        results.put(minion, r);
        lost.remove(minion);
        if (json) return;
        switch (r.getOutcomeCase()) {
            case REPORT -> {
                // States the live stream did not carry (a reconnect, or a replay) are shown now, in plan order.
                for (StateResult s : r.getReport().getStatesList()) state(minion, s);
                if (!r.getReport().getCompileError().isEmpty()) {
                    print(minion, "could not compile its states: " + r.getReport().getCompileError() + "\n");
                }
            }
            case FUNCTION -> {
                if (r.getFunction().getSuccess()) {
                    out.print(minion + ":\n" + indent(pretty(r.getFunction().getValue())));
                } else {
                    out.print(minion + ":\n" + indent("ERROR: " + r.getFunction().getError()));
                }
            }
            case REFUSED, OUTCOME_NOT_SET -> print(minion, ResultView.minion(minion, r).why() + "\n");
        }
        out.flush();
    }

    void connecting(String minion, String message) {
        known(minion);
        connectingSince.put(minion, clock.millis());
        if (json) return;
        print(minion, message + "\n");
        out.flush();
    }

    void lost(String minion, String message) {
        known(minion);
        running.remove(minion);
        if (results.containsKey(minion)) return;
        lost.put(minion, message);
        if (json) return;
        print(minion, "lost: " + message + "\n");
        out.flush();
    }

    /**
     * The minions the job still waits for, one line each saying where it is: not started, queued,
     * the state it runs now, for how long and what it waits for (when the minion reports that),
     * or else which state it finished last and how long ago. Empty when none is pending.
     */
    List<String> waitingFor() {
        long now = clock.millis();
        List<String> lines = new ArrayList<>();
        for (String id : pending()) {
            Long accepted = acceptedAt.get(id);
            Running current = running.get(id);
            String where;
            if (current != null) {
                where = running(current, now);
            } else if (lastState.containsKey(id)) {
                where = "after state '" + lastState.get(id) + "', which finished " + seconds(now - lastStateAt.get(id)) + " ago";
            } else if (accepted == null && connectingSince.containsKey(id)) {
                where = "not connected; waited " + seconds(now - connectingSince.get(id)) + " for it to connect";
            } else if (accepted == null) {
                where = "has not started the job yet";
            } else if (queuePosition.getOrDefault(id, 0) > 0) {
                where = "queued behind " + queuePosition.get(id) + " other job(s) on the minion since " + seconds(now - accepted) + " ago";
            } else {
                where = "running for " + seconds(now - accepted) + ", no state finished yet";
            }
            lines.add(id + ": " + where);
        }
        return lines;
    }

    /** How long a wait may have been said ago and still be shown without its age. */
    private static final long FRESH_MS = 15_000;

    /** "state 'galera-joined' (wait.for) running for 45 s: check 3 of 60 in 5s, waiting for: ..." */
    private static String running(Running r, long now) {
        StateProgress p = r.progress();
        long heardAgo = now - r.heardAt();
        StringBuilder sb = new StringBuilder("state '").append(p.getId()).append("' (").append(p.getKind()).append(") running for ")
                .append(seconds(p.getRunningMs() + heardAgo));
        if (!p.getWaiting().isEmpty()) {
            sb.append(": ").append(p.getWaiting());
            if (heardAgo >= FRESH_MS) sb.append(" (said ").append(seconds(heardAgo)).append(" ago)");
        }
        return sb.toString();
    }

    private static String seconds(long ms) {
        return Math.max(0, ms / 1000) + " s";
    }

    void failed(String message) {
        failure = message;
    }

    /**
     * Prints what follows the live part: per-minion summaries and totals, or the JSON document.
     * {@code complete} is false when the stream ended before the job did.
     */
    void end(boolean complete) {
        if (failure != null) {
            err.println("jstate: the job could not start: " + failure);
            err.flush();
            return;
        }
        if (json) {
            out.print(document(complete));
        } else {
            if (kind == Kind.APPLY) {
                for (Map.Entry<String, JobResult> e : ordered().entrySet()) {
                    if (e.getValue().hasReport()) out.print(human.summary(e.getKey(), e.getValue().getReport()));
                }
            }
            out.print(totals());
        }
        out.flush();
    }

    int exitCode(boolean complete) {
        if (failure != null) return ExitCodes.CANNOT_START;
        if (!complete) return jid.isEmpty() ? ExitCodes.CANNOT_START : ExitCodes.STATES_FAILED;
        if (minions.isEmpty()) return ExitCodes.CANNOT_START;
        if (!lost.isEmpty() || !pending().isEmpty() || !view().failed().isEmpty()) return ExitCodes.STATES_FAILED;
        return ExitCodes.OK;
    }

    private String totals() {
        StringBuilder sb = new StringBuilder("\n");
        List<ResultView.Minion> failed = view().failed();
        List<String> pending = pending();
        sb.append("Minions: ").append(minions.size()).append(" targeted, ")
                .append(results.size()).append(" returned, ")
                .append(lost.size()).append(" lost, ")
                .append(failed.size()).append(" failed");
        if (!pending.isEmpty()) sb.append(", ").append(pending.size()).append(" without a result yet");
        sb.append('\n');
        for (ResultView.Minion m : failed) sb.append("  failed: ").append(m.id()).append(" (").append(m.why()).append(")\n");
        lost.forEach((id, msg) -> sb.append("  lost: ").append(id).append(" (").append(msg).append(")\n"));
        for (String id : pending) sb.append("  no result yet: ").append(id).append('\n');
        return sb.toString();
    }

    private String document(boolean complete) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("jid", jid);
        root.put("target", target);
        root.put("complete", complete);
        Map<String, JobResult> byMinion = ordered();
        ArrayNode refused = Json.MAPPER.createArrayNode();
        if (kind == Kind.APPLY) {
            ArrayNode runs = root.putArray("minions");
            JsonOutput runJson = new JsonOutput();
            byMinion.forEach((id, r) -> {
                if (!r.hasReport()) return;
                RunReport report = r.getReport();
                ObjectNode node = runJson.node(id, Instant.ofEpochMilli(r.getStartedUnixMs()), report);
                node.put("compile_error", report.getCompileError().isEmpty() ? null : report.getCompileError());
                runs.add(node);
            });
        } else {
            ObjectNode returns = root.putObject("returns");
            ObjectNode errors = root.putObject("errors");
            byMinion.forEach((id, r) -> {
                if (!r.hasFunction()) return;
                if (r.getFunction().getSuccess()) returns.set(id, tree(r.getFunction().getValue()));
                else errors.put(id, r.getFunction().getError());
            });
        }
        byMinion.forEach((id, r) -> {
            if (!r.hasRefused()) return;
            ObjectNode n = refused.addObject();
            n.put("minion", id);
            n.put("reason", r.getRefused().getReason().name());
            n.put("message", r.getRefused().getMessage());
        });
        root.set("refused", refused);
        ArrayNode lostNodes = root.putArray("lost");
        lost.forEach((id, msg) -> {
            ObjectNode n = lostNodes.addObject();
            n.put("minion", id);
            n.put("message", msg);
        });
        ArrayNode pendingNodes = root.putArray("pending");
        pending().forEach(pendingNodes::add);
        ObjectNode summary = root.putObject("summary");
        summary.put("minions", minions.size());
        summary.put("returned", results.size());
        summary.put("lost", lost.size());
        summary.put("failed", view().failed().size());
        try {
            return Json.MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the job as JSON", e);
        }
    }

    /** Results in the order the job listed its minions, then any the start did not name. */
    private Map<String, JobResult> ordered() {
        Map<String, JobResult> m = new LinkedHashMap<>();
        for (String id : minions) {
            if (results.containsKey(id)) m.put(id, results.get(id));
        }
        m.putAll(results);
        return m;
    }

    private ResultView.Job view() {
        return ResultView.job(ordered());
    }

    private List<String> pending() {
        return minions.stream().filter(id -> !results.containsKey(id) && !lost.containsKey(id)).toList();
    }

    private void known(String minion) {
        if (!minions.contains(minion)) {
            minions.add(minion);
            width = Math.max(width, minion.length());
        }
    }

    /** Prints text for one minion; with several minions every line carries the minion's id, as their lines interleave. */
    private void print(String minion, String text) {
        if (minions.size() <= 1) {
            out.print(text);
        } else {
            String prefix = minion + " ".repeat(Math.max(0, width - minion.length())) + " | ";
            StringBuilder sb = new StringBuilder();
            for (String line : text.split("\n", -1)) {
                if (!line.isEmpty()) sb.append(prefix).append(line).append('\n');
            }
            out.print(sb);
        }
        out.flush();
    }

    private static String key(StateResult r) {
        return r.getId() + '\0' + r.getKind() + '\0' + r.getName();
    }

    private static JsonNode tree(Value value) {
        try {
            return Json.MAPPER.valueToTree(Structs.plain(value));
        } catch (IllegalArgumentException e) {
            return Json.MAPPER.getNodeFactory().textNode("(" + e.getMessage() + ")");
        }
    }

    private static String pretty(Value value) {
        try {
            return Json.MAPPER.writeValueAsString(tree(value));
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static String indent(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) sb.append(INDENT).append(line).append('\n');
        }
        return sb.toString();
    }
}
