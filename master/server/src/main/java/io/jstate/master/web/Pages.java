package io.jstate.master.web;

import static io.jstate.master.web.Html.badge;
import static io.jstate.master.web.Html.esc;
import static io.jstate.master.web.Html.seg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jstate.common.output.ResultView;
import io.jstate.common.wire.Structs;
import io.jstate.master.Master;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.Minion;
import io.jstate.proto.v1.MinionStateEvent;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dashboard's pages about minions and jobs, rendered from the master's key store, connections
 * and job store. State results arrive with secrets already redacted by the minion's engine; these
 * pages show them as stored and never read pillar.
 */
final class Pages {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Master master;

    Pages(Master master) {
        this.master = master;
    }

    /** Every minion with a key in any state, and what the master last knew of it. */
    String minions(String user, long now) {
        Map<String, Key> keys = new TreeMap<>();
        for (Key k : master.keys().list()) keys.put(k.getMinionId(), k);
        StringBuilder b = new StringBuilder();
        long connected = keys.values().stream().filter(k -> master.connections().connected(k.getMinionId())).count();
        b.append("<p class=\"summary\">").append(keys.size()).append(" minion key(s), ").append(connected).append(" connected.</p>");
        b.append("<table><thead><tr><th>Minion</th><th>Key</th><th>Connected</th><th>Last seen</th><th>Roles</th><th>Addresses</th>"
                + "<th>OS</th></tr></thead><tbody>");
        for (Key k : keys.values()) {
            String id = k.getMinionId();
            Minion m = master.connections().describe(id);
            Map<String, Object> grains = master.connections().grains(id);
            b.append("<tr id=\"minion-").append(esc(id)).append("\"><td><a href=\"/minions/").append(seg(id)).append("\">").append(esc(id))
                    .append("</a></td><td>").append(keyBadge(k.getState())).append("</td><td>")
                    .append(m.getConnected() ? badge("ok", "connected") : badge("bad", "not connected")).append("</td><td title=\"")
                    .append(esc(Html.time(m.getLastSeenUnixMs()))).append("\">").append(esc(Html.ago(m.getLastSeenUnixMs(), now)))
                    .append("</td><td>").append(esc(String.join(", ", m.getRolesList()))).append("</td><td>")
                    .append(esc(String.join(", ", m.getAddressesList()))).append("</td><td>")
                    .append(esc(grains.getOrDefault("os", "") + " " + grains.getOrDefault("osrelease", ""))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (keys.isEmpty()) b.append("<p>No minion has asked to enroll yet.</p>");
        return Html.page("Minions", "Minions", user, b.toString(), 0);
    }

    static String keyBadge(Key.State s) {
        return switch (s) {
            case ACCEPTED -> badge("ok", "accepted");
            case PENDING -> badge("warn", "pending");
            case REJECTED -> badge("bad", "rejected");
            default -> badge("muted", s.name().toLowerCase(java.util.Locale.ROOT));
        };
    }

    Optional<String> minion(String user, String id, long now) {
        Optional<Key> key = master.keys().find(id);
        if (key.isEmpty()) return Optional.empty();
        Minion m = master.connections().describe(id);
        StringBuilder b = new StringBuilder("<dl>");
        dt(b, "Key", keyBadge(key.get().getState()) + " <code>" + esc(key.get().getFingerprint()) + "</code>");
        dt(b, "Connected", m.getConnected() ? badge("ok", "connected") : badge("bad", "not connected"));
        dt(b, "Last seen", esc(Html.time(m.getLastSeenUnixMs()) + " (" + Html.ago(m.getLastSeenUnixMs(), now) + ")"));
        dt(b, "Roles", esc(String.join(", ", m.getRolesList())));
        dt(b, "Addresses", esc(String.join(", ", m.getAddressesList())));
        b.append("</dl><h2>Grains</h2>");
        Map<String, Object> grains = new TreeMap<>(master.connections().grains(id));
        if (grains.isEmpty()) b.append("<p>None known: the minion has not connected since its key was accepted.</p>");
        else {
            b.append("<table class=\"grains\"><tbody>");
            grains.forEach((k, v) -> b.append("<tr><th>").append(esc(k)).append("</th><td>").append(value(v)).append("</td></tr>"));
            b.append("</tbody></table>");
        }
        return Optional.of(Html.page("Minion " + id, "Minions", user, b.toString(), 0));
    }

    private static String value(Object v) {
        if (v instanceof Map<?, ?> || v instanceof List<?>) return "<pre>" + esc(json(v)) + "</pre>";
        return esc(v);
    }

    static String json(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (Exception e) {
            return String.valueOf(v);
        }
    }

    private static void dt(StringBuilder b, String term, String html) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(html).append("</dd>");
    }

    String jobs(String user, int limit) {
        List<JobRecord> jobs = master.store().list(limit);
        StringBuilder b = new StringBuilder("<table><thead><tr><th>Job</th><th>Started</th><th>Target</th><th>What</th><th>Minions</th>"
                + "<th>State</th></tr></thead><tbody>");
        for (JobRecord j : jobs) {
            b.append("<tr><td><a href=\"/jobs/").append(seg(j.getJid())).append("\">").append(esc(j.getJid())).append("</a></td><td>")
                    .append(esc(Html.time(j.getStartedUnixMs()))).append("</td><td><code>").append(esc(j.getRequest().getTarget()))
                    .append("</code></td><td>").append(esc(what(j.getRequest()))).append("</td><td>").append(j.getMinionsCount())
                    .append("</td><td>").append(jobState(j)).append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (jobs.isEmpty()) b.append("<p>No jobs yet.</p>");
        return Html.page("Jobs", "Jobs", user, b.toString(), 0);
    }

    static String what(JobRequest r) {
        if (r.hasApply()) {
            String t = r.getApply().getTargetsCount() == 0 ? "highstate" : String.join(" ", r.getApply().getTargetsList());
            return "apply " + t + (r.getApply().getTest() ? " (test)" : "");
        }
        return "run " + r.getFunction().getName() + (r.getFunction().getArgsCount() == 0 ? "" : " " + String.join(" ", r.getFunction().getArgsList()));
    }

    private static String jobState(JobRecord j) {
        if (!j.getError().isEmpty()) return badge("bad", "could not start");
        return j.getFinishedUnixMs() == 0 ? badge("warn", "running") : badge("muted", "finished");
    }

    Optional<String> job(String user, String jid) {
        Optional<JobRecord> found = master.store().load(jid);
        if (found.isEmpty()) return Optional.empty();
        JobRecord j = found.get();
        StringBuilder b = new StringBuilder("<dl>");
        dt(b, "What", esc(what(j.getRequest())));
        dt(b, "Target", "<code>" + esc(j.getRequest().getTarget()) + "</code>");
        dt(b, "Started", esc(Html.time(j.getStartedUnixMs())));
        dt(b, "Finished", j.getFinishedUnixMs() == 0 ? badge("warn", "running") : esc(Html.time(j.getFinishedUnixMs())));
        dt(b, "Minions", esc(String.join(", ", j.getMinionsList())));
        b.append("</dl>");
        if (!j.getError().isEmpty()) b.append("<p class=\"error\">").append(esc(j.getError())).append("</p>");
        for (JobResult r : j.getResultsList()) result(b, r);
        Map<String, List<StateResult>> partial = new TreeMap<>();
        for (MinionStateEvent e : j.getPartialList()) partial.computeIfAbsent(e.getMinionId(), k -> new ArrayList<>()).add(e.getResult());
        partial.forEach((id, states) -> {
            b.append("<section class=\"minion\"><h2>").append(esc(id)).append(" ").append(badge("warn", "not returned yet")).append("</h2>");
            states(b, states);
            b.append("</section>");
        });
        for (String id : j.getLostList()) {
            b.append("<section class=\"minion\"><h2>").append(esc(id)).append(" ").append(badge("bad", "lost")).append("</h2>"
                    + "<p>It did not return: it was disconnected too long, came back without the job, or passed the job's timeout.</p></section>");
        }
        return Optional.of(Html.page("Job " + jid, "Jobs", user, b.toString(), j.getFinishedUnixMs() == 0 && j.getError().isEmpty() ? 5 : 0));
    }

    private static void result(StringBuilder b, JobResult r) {
        b.append("<section class=\"minion\" id=\"result-").append(esc(r.getMinionId())).append("\"><h2>").append(esc(r.getMinionId())).append(' ');
        switch (r.getOutcomeCase()) {
            case REPORT -> {
                RunReport rep = r.getReport();
                ResultView.Minion view = ResultView.minion(r);
                b.append(view.ok() ? badge("ok", "succeeded") : badge("bad", "failed")).append("</h2>");
                b.append("<p class=\"summary\">").append(view.counts().states()).append(" state(s), ").append(view.counts().changed())
                        .append(rep.getTest() ? " would change" : " changed").append(", ").append(view.counts().failed()).append(" failed, in ")
                        .append(esc(Html.duration(rep.getDurationUs()))).append(".</p>");
                if (!rep.getCompileError().isEmpty()) b.append("<p class=\"error\">").append(esc(rep.getCompileError())).append("</p>");
                states(b, rep.getStatesList());
            }
            case FUNCTION -> {
                b.append(r.getFunction().getSuccess() ? badge("ok", "succeeded") : badge("bad", "failed")).append("</h2>");
                if (!r.getFunction().getError().isEmpty()) b.append("<p class=\"error\">").append(esc(r.getFunction().getError())).append("</p>");
                if (r.getFunction().hasValue()) b.append("<pre>").append(esc(json(plain(r.getFunction().getValue())))).append("</pre>");
            }
            case REFUSED -> b.append(badge("bad", "refused")).append("</h2><p class=\"error\">").append(esc(r.getRefused().getReason()))
                    .append(": ").append(esc(r.getRefused().getMessage())).append("</p>");
            default -> b.append(badge("muted", "no outcome")).append("</h2>");
        }
        b.append("</section>");
    }

    private static Object plain(com.google.protobuf.Value v) {
        try {
            return Structs.plain(v);
        } catch (IllegalArgumentException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static void states(StringBuilder b, List<StateResult> states) {
        b.append("<table class=\"states\"><thead><tr><th>State</th><th>Kind</th><th>Outcome</th><th>Duration</th><th>Changes</th>"
                + "<th>Comment</th></tr></thead><tbody>");
        for (StateResult s : states) {
            b.append("<tr><td><span class=\"id\">").append(esc(s.getId())).append("</span>");
            if (!s.getName().isEmpty() && !s.getName().equals(s.getId())) b.append("<br><small>").append(esc(s.getName())).append("</small>");
            if (!s.getFile().isEmpty()) b.append("<br><small>").append(esc(s.getFile() + ":" + s.getLine())).append("</small>");
            b.append("</td><td><code>").append(esc(s.getKind())).append("</code></td><td>");
            List<Change> changes = List.of();
            String comment = "";
            switch (s.getOutcomeCase()) {
                case UNCHANGED -> {
                    b.append(badge("muted", "unchanged"));
                    comment = s.getUnchanged().getComment();
                }
                case CHANGED -> {
                    b.append(badge("ok", "changed"));
                    changes = s.getChanged().getChangesList();
                    comment = s.getChanged().getComment();
                }
                case WOULD_CHANGE -> {
                    b.append(badge("warn", "would change"));
                    changes = s.getWouldChange().getChangesList();
                    comment = s.getWouldChange().getComment();
                }
                case FAILED -> {
                    b.append(badge("bad", "failed"));
                    changes = s.getFailed().getChangesList();
                    comment = s.getFailed().getError();
                }
                case SKIPPED -> {
                    b.append(s.getSkipped().getBlocked() ? badge("bad", "blocked") : badge("muted", "skipped"));
                    comment = s.getSkipped().getReason();
                }
                default -> b.append(badge("muted", "—"));
            }
            b.append("</td><td class=\"num\">").append(esc(Html.duration(s.getDurationUs()))).append("</td><td>");
            for (Change c : changes) change(b, c);
            b.append("</td><td>").append(esc(comment)).append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    private static void change(StringBuilder b, Change c) {
        b.append("<div class=\"change\"><code>").append(esc(c.getAttribute())).append("</code>");
        if (c.hasBefore() || c.hasAfter()) {
            b.append(": ").append(c.hasBefore() ? "<del>" + esc(c.getBefore()) + "</del>" : "<i>none</i>").append(" → ")
                    .append(c.hasAfter() ? "<ins>" + esc(c.getAfter()) + "</ins>" : "<i>none</i>");
        }
        if (c.hasDiff() && !c.getDiff().isEmpty()) {
            b.append("<pre class=\"diff\">");
            for (String line : c.getDiff().split("\n")) {
                String cls = line.startsWith("+++") || line.startsWith("---") ? "h" : line.startsWith("+") ? "a" : line.startsWith("-") ? "d"
                        : line.startsWith("@@") ? "h" : "c";
                b.append("<span class=\"").append(cls).append("\">").append(esc(line)).append("</span>\n");
            }
            b.append("</pre>");
        }
        b.append("</div>");
    }
}
