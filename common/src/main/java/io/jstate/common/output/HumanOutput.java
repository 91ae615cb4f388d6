package io.jstate.common.output;

import io.jstate.common.output.ResultView.Counts;
import io.jstate.common.output.ResultView.Status;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A run as an operator reads it, in the spirit of Salt's highstate output with
 * {@code state_output: changes}: a block per state that changed, would change, failed or was
 * blocked; one short line per state that was already in sync or had nothing to do; then totals.
 * It reads the protocol's result messages, so a masterless run and a run through the master print alike.
 */
public final class HumanOutput {
    private static final String RESET = "\u001b[0m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";
    private static final String RULE = "----------";
    // The labels of a block are right-aligned to this width, as Salt does, so the values line up.
    private static final int LABEL = 12;
    private static final String VALUE_INDENT = " ".repeat(LABEL + 2);

    private final boolean color;
    private final DateTimeFormatter clock;

    /**
     * @param color whether to use ANSI colours (only when writing to a terminal)
     * @param zone  the zone start times are shown in
     */
    public HumanOutput(boolean color, ZoneId zone) {
        this.color = color;
        this.clock = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(zone);
    }

    /** What to print when one state finished: a block, or a single line for a state with nothing to report. */
    public String state(StateResult r) {
        ResultView.State v = ResultView.state(r);
        boolean quiet = v.status() == Status.UNCHANGED || v.status() == Status.SKIPPED;
        return quiet ? line(v) : block(v);
    }

    private String line(ResultView.State v) {
        StateResult r = v.wire();
        StringBuilder sb = new StringBuilder("  Name: ").append(r.getName())
                .append(" - Function: ").append(r.getKind())
                .append(" - Result: ").append(paint(result(v.status()), colour(v.status())));
        if (v.status() == Status.SKIPPED) sb.append(" - Comment: ").append(v.comment());
        sb.append(" - Started: ").append(started(r))
                .append(" - Duration: ").append(ms(r.getDurationUs())).append(" ms\n");
        return sb.toString();
    }

    private String block(ResultView.State v) {
        StateResult r = v.wire();
        String c = colour(v.status());
        StringBuilder sb = new StringBuilder();
        sb.append(paint(RULE, c)).append('\n');
        field(sb, "ID", r.getId(), c);
        field(sb, "Function", r.getKind(), c);
        field(sb, "Name", r.getName(), c);
        field(sb, "Source", r.getLine() > 0 ? r.getFile() + ":" + r.getLine() : r.getFile(), c);
        field(sb, "Result", result(v.status()), c);
        if (!v.comment().isBlank()) field(sb, "Comment", v.comment(), c);
        field(sb, "Started", started(r), c);
        field(sb, "Duration", ms(r.getDurationUs()) + " ms", c);
        if (!v.changes().isEmpty()) {
            sb.append(paint(label("Changes"), c)).append('\n');
            for (Change ch : v.changes()) change(sb, ch);
        }
        if (!v.data().isEmpty()) {
            sb.append(paint(label("Data"), c)).append('\n');
            new TreeMap<>(v.data()).forEach((k, text) -> multiline(sb, k + ": ", text));
        }
        return sb.toString();
    }

    private void change(StringBuilder sb, Change ch) {
        sb.append(VALUE_INDENT).append(ch.getAttribute());
        if (ch.hasBefore() || ch.hasAfter()) {
            sb.append(": ").append(value(ch.hasBefore() ? ch.getBefore() : null))
                    .append(" -> ").append(value(ch.hasAfter() ? ch.getAfter() : null));
        }
        sb.append('\n');
        if (ch.hasDiff() && !ch.getDiff().isEmpty()) {
            for (String l : ch.getDiff().split("\n", -1)) {
                if (l.isEmpty()) continue;
                String c = l.startsWith("+++") || l.startsWith("---") ? null
                        : l.startsWith("+") ? GREEN : l.startsWith("-") ? RED : l.startsWith("@@") ? CYAN : null;
                sb.append(VALUE_INDENT).append("    ").append(c == null ? l : paint(l, c)).append('\n');
            }
        }
    }

    private static void multiline(StringBuilder sb, String head, String text) {
        String[] lines = text.strip().split("\n", -1);
        sb.append(VALUE_INDENT).append(head).append(lines.length == 1 ? lines[0] : "").append('\n');
        if (lines.length > 1) {
            for (String l : lines) sb.append(VALUE_INDENT).append("    ").append(l).append('\n');
        }
    }

    /** Totals after the last state. */
    public String summary(String minion, RunReport report) {
        Counts counts = ResultView.counts(report);
        long failed = counts.failed();
        String c = failed == 0 ? GREEN : RED;
        StringBuilder sb = new StringBuilder("\n");
        sb.append(paint("Summary for " + minion, c)).append('\n');
        sb.append(paint("------------", c)).append('\n');
        sb.append(paint("Succeeded: " + counts.succeeded() + " (changed=" + counts.changed() + ")", GREEN)).append('\n');
        sb.append(paint("Failed: " + failed, failed > 0 ? RED : GREEN)).append('\n');
        sb.append(paint("------------", c)).append('\n');
        sb.append("Total states run: ").append(counts.states()).append('\n');
        sb.append("Total run time: ").append(ms(report.getDurationUs())).append(" ms\n");
        if (report.getTest()) sb.append(paint("Dry run: nothing was changed.", YELLOW)).append('\n');
        return sb.toString();
    }

    private static String result(Status status) {
        return switch (status) {
            case UNCHANGED -> "Unchanged";
            case CHANGED -> "Changed";
            case WOULD_CHANGE -> "Would change";
            case FAILED -> "Failed";
            case SKIPPED, BLOCKED -> "Skipped";
        };
    }

    private static String colour(Status status) {
        return switch (status) {
            case FAILED, BLOCKED -> RED;
            case CHANGED -> CYAN;
            case WOULD_CHANGE -> YELLOW;
            case UNCHANGED, SKIPPED -> GREEN;
        };
    }

    private String started(StateResult r) {
        return clock.format(Instant.ofEpochMilli(r.getStartedUnixMs()));
    }

    private void field(StringBuilder sb, String label, String value, String c) {
        String[] lines = value.split("\n", -1);
        sb.append(paint(label(label), c)).append(' ').append(paint(lines[0], c)).append('\n');
        for (int i = 1; i < lines.length; i++) sb.append(VALUE_INDENT).append(paint(lines[i], c)).append('\n');
    }

    private static String label(String name) {
        return " ".repeat(LABEL - name.length()) + name + ":";
    }

    /** A value on one line: absent shows as (none), line breaks as \n. */
    private static String value(String v) {
        return v == null ? "(none)" : v.replace("\n", "\\n");
    }

    private String paint(String text, String c) {
        return color && c != null ? c + text + RESET : text;
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }
}
