package io.jstate.minion.cli;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.Outcome.Skipped;
import io.jstate.states.engine.Outcome.Unchanged;
import io.jstate.states.engine.Outcome.WouldChange;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.StateResult;
import io.jstate.states.engine.Step;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run as an operator reads it, in the spirit of Salt's highstate output with
 * {@code state_output: changes}: a block per state that changed, would change, failed or was
 * blocked; one short line per state that was already in sync or had nothing to do; then totals.
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
    private final Secrets secrets;

    /**
     * @param color   whether to use ANSI colours (only when writing to a terminal)
     * @param zone    the zone start times are shown in
     * @param secrets masks applied to state names, which come from the spec rather than the engine's redacted outcome
     */
    public HumanOutput(boolean color, ZoneId zone, Secrets secrets) {
        this.color = color;
        this.clock = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(zone);
        this.secrets = secrets == null ? Secrets.NONE : secrets;
    }

    /** What to print when one state finished: a block, or a single line for a state with nothing to report. */
    public String state(StateResult r) {
        Outcome o = r.outcome();
        boolean quiet = o instanceof Unchanged || o instanceof Skipped s && !s.blocked();
        return quiet ? line(r) : block(r);
    }

    private String line(StateResult r) {
        Step step = r.step();
        StringBuilder sb = new StringBuilder("  Name: ").append(name(step))
                .append(" - Function: ").append(step.kind())
                .append(" - Result: ").append(paint(result(r.outcome()), colour(r.outcome())));
        if (r.outcome() instanceof Skipped s) sb.append(" - Comment: ").append(s.reason());
        sb.append(" - Started: ").append(clock.format(r.started()))
                .append(" - Duration: ").append(ms(r.duration())).append(" ms\n");
        return sb.toString();
    }

    private String block(StateResult r) {
        Step step = r.step();
        Outcome o = r.outcome();
        String c = colour(o);
        StringBuilder sb = new StringBuilder();
        sb.append(paint(RULE, c)).append('\n');
        field(sb, "ID", step.id(), c);
        field(sb, "Function", step.kind(), c);
        field(sb, "Name", name(step), c);
        field(sb, "Source", String.valueOf(step.at()), c);
        field(sb, "Result", result(o), c);
        String comment = comment(o);
        if (comment != null && !comment.isBlank()) field(sb, "Comment", comment, c);
        field(sb, "Started", clock.format(r.started()), c);
        field(sb, "Duration", ms(r.duration()) + " ms", c);
        if (!o.changeList().isEmpty()) {
            sb.append(paint(label("Changes"), c)).append('\n');
            for (Change ch : o.changeList()) change(sb, ch);
        }
        Map<String, String> data = data(o);
        if (!data.isEmpty()) {
            sb.append(paint(label("Data"), c)).append('\n');
            new TreeMap<>(data).forEach((k, v) -> multiline(sb, k + ": ", v == null ? "" : v));
        }
        return sb.toString();
    }

    private void change(StringBuilder sb, Change ch) {
        sb.append(VALUE_INDENT).append(ch.attribute());
        if (ch.before() != null || ch.after() != null) {
            sb.append(": ").append(value(ch.before())).append(" -> ").append(value(ch.after()));
        }
        sb.append('\n');
        if (ch.diff() != null && !ch.diff().isEmpty()) {
            for (String l : ch.diff().split("\n", -1)) {
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
        String c = report.ok() ? GREEN : RED;
        StringBuilder sb = new StringBuilder("\n");
        sb.append(paint("Summary for " + minion, c)).append('\n');
        sb.append(paint("------------", c)).append('\n');
        sb.append(paint("Succeeded: " + report.succeeded() + " (changed=" + report.changed() + ")", GREEN)).append('\n');
        sb.append(paint("Failed: " + report.failed(), report.failed() > 0 ? RED : GREEN)).append('\n');
        sb.append(paint("------------", c)).append('\n');
        sb.append("Total states run: ").append(report.results().size()).append('\n');
        sb.append("Total run time: ").append(ms(report.total())).append(" ms\n");
        if (report.test()) sb.append(paint("Dry run: nothing was changed.", YELLOW)).append('\n');
        return sb.toString();
    }

    static String result(Outcome o) {
        if (o instanceof Unchanged) return "Unchanged";
        if (o instanceof Changed) return "Changed";
        if (o instanceof WouldChange) return "Would change";
        if (o instanceof Failed) return "Failed";
        return "Skipped";
    }

    /** The one text an outcome carries for the operator: its comment, error or skip reason. */
    static String comment(Outcome o) {
        if (o instanceof Unchanged u) return u.comment();
        if (o instanceof Changed c) return c.comment();
        if (o instanceof WouldChange w) return w.comment();
        if (o instanceof Failed f) return f.error();
        return ((Skipped) o).reason();
    }

    static Map<String, String> data(Outcome o) {
        if (o instanceof Changed c) return c.data();
        if (o instanceof Failed f) return f.data();
        return Map.of();
    }

    private static String colour(Outcome o) {
        if (o.isFailure()) return RED;
        if (o instanceof Changed) return CYAN;
        if (o instanceof WouldChange) return YELLOW;
        return GREEN;
    }

    private void field(StringBuilder sb, String label, String value, String c) {
        String[] lines = value.split("\n", -1);
        sb.append(paint(label(label), c)).append(' ').append(paint(lines[0], c)).append('\n');
        for (int i = 1; i < lines.length; i++) sb.append(VALUE_INDENT).append(paint(lines[i], c)).append('\n');
    }

    private static String label(String name) {
        return " ".repeat(LABEL - name.length()) + name + ":";
    }

    private String name(Step step) {
        return secrets.redact(step.name());
    }

    /** A value on one line: absent shows as (none), line breaks as \n. */
    private static String value(String v) {
        return v == null ? "(none)" : v.replace("\n", "\\n");
    }

    private String paint(String text, String c) {
        return color && c != null ? c + text + RESET : text;
    }

    static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toNanos() / 1_000_000.0);
    }
}
