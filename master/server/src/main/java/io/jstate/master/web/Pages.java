package io.jstate.master.web;

import static io.jstate.master.web.Html.badge;
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

    record MinionRow(String id, String link, Html.Badge key, Html.Badge connection, String lastSeen, String ago, String roles,
            String addresses, String os) {}

    /** Every minion with a key in any state, and what the master last knew of it. */
    String minions(String user, long now) {
        Map<String, Key> keys = new TreeMap<>();
        for (Key k : master.keys().list()) keys.put(k.getMinionId(), k);
        long connected = keys.values().stream().filter(k -> master.connections().connected(k.getMinionId())).count();
        List<MinionRow> rows = new ArrayList<>();
        for (Key k : keys.values()) {
            String id = k.getMinionId();
            Minion m = master.connections().describe(id);
            Map<String, Object> grains = master.connections().grains(id);
            rows.add(new MinionRow(id, seg(id), keyBadge(k.getState()), connection(m), Html.time(m.getLastSeenUnixMs()),
                    Html.ago(m.getLastSeenUnixMs(), now), String.join(", ", m.getRolesList()), String.join(", ", m.getAddressesList()),
                    grains.getOrDefault("os", "") + " " + grains.getOrDefault("osrelease", "")));
        }
        return Html.page("Minions", "Minions", user, Html.render("minions", Map.of("keys", keys.size(), "connected", connected, "rows", rows)), 0);
    }

    static Html.Badge keyBadge(Key.State s) {
        return switch (s) {
            case ACCEPTED -> badge("ok", "accepted");
            case PENDING -> badge("warn", "pending");
            case REJECTED -> badge("bad", "rejected");
            default -> badge("muted", s.name().toLowerCase(java.util.Locale.ROOT));
        };
    }

    private static Html.Badge connection(Minion m) {
        return m.getConnected() ? badge("ok", "connected") : badge("bad", "not connected");
    }

    /** A grain: structured values (maps, lists) are shown as indented JSON. */
    record Grain(String name, String value, boolean structured) {}

    record MinionPage(Html.Badge key, String fingerprint, Html.Badge connection, String lastSeen, String ago, String roles,
            String addresses, boolean hasGrains, List<Grain> grains) {}

    Optional<String> minion(String user, String id, long now) {
        Optional<Key> key = master.keys().find(id);
        if (key.isEmpty()) return Optional.empty();
        Minion m = master.connections().describe(id);
        List<Grain> grains = new ArrayList<>();
        new TreeMap<>(master.connections().grains(id)).forEach((k, v) -> {
            boolean structured = v instanceof Map<?, ?> || v instanceof List<?>;
            grains.add(new Grain(k, structured ? json(v) : String.valueOf(v), structured));
        });
        MinionPage page = new MinionPage(keyBadge(key.get().getState()), key.get().getFingerprint(), connection(m),
                Html.time(m.getLastSeenUnixMs()), Html.ago(m.getLastSeenUnixMs(), now), String.join(", ", m.getRolesList()),
                String.join(", ", m.getAddressesList()), !grains.isEmpty(), grains);
        return Optional.of(Html.page("Minion " + id, "Minions", user, Html.render("minion", page), 0));
    }

    static String json(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (Exception e) {
            return String.valueOf(v);
        }
    }

    record JobRow(String jid, String link, String started, String target, String what, int minions, Html.Badge state) {}

    String jobs(String user, int limit) {
        List<JobRow> rows = new ArrayList<>();
        for (JobRecord j : master.store().list(limit)) {
            rows.add(new JobRow(j.getJid(), seg(j.getJid()), Html.time(j.getStartedUnixMs()), j.getRequest().getTarget(), what(j.getRequest()),
                    j.getMinionsCount(), jobState(j)));
        }
        return Html.page("Jobs", "Jobs", user, Html.render("jobs", Map.of("jobs", rows)), 0);
    }

    static String what(JobRequest r) {
        if (r.hasApply()) {
            String t = r.getApply().getTargetsCount() == 0 ? "highstate" : String.join(" ", r.getApply().getTargetsList());
            return "apply " + t + (r.getApply().getTest() ? " (test)" : "");
        }
        return "run " + r.getFunction().getName() + (r.getFunction().getArgsCount() == 0 ? "" : " " + String.join(" ", r.getFunction().getArgsList()));
    }

    private static Html.Badge jobState(JobRecord j) {
        if (!j.getError().isEmpty()) return badge("bad", "could not start");
        return j.getFinishedUnixMs() == 0 ? badge("warn", "running") : badge("muted", "finished");
    }

    /** One minion's section of a job page; what it has depends on how the minion answered (or did not). */
    record MinionResult(String minion, Html.Badge outcome, Summary summary, String error, String value, StatesTable table) {}

    record Summary(int states, int changed, String changedVerb, int failed, String duration) {}

    record StatesTable(List<StateRow> rows) {}

    record StateRow(String id, String name, String where, String kind, Html.Badge outcome, String duration, List<ChangeView> changes,
            String comment) {}

    record ChangeView(String attribute, boolean values, boolean hasBefore, String before, boolean hasAfter, String after, boolean hasDiff,
            List<DiffLine> diff) {}

    /** A line of a diff, styled by what it is: header (h), added (a), dropped (d) or context (c). */
    record DiffLine(String style, String text) {}

    record JobPage(String what, String target, String started, Html.Badge running, String finished, String minions, String error,
            List<MinionResult> results, List<MinionResult> partial, List<MinionResult> lost) {}

    Optional<String> job(String user, String jid) {
        Optional<JobRecord> found = master.store().load(jid);
        if (found.isEmpty()) return Optional.empty();
        JobRecord j = found.get();
        List<MinionResult> results = new ArrayList<>();
        for (JobResult r : j.getResultsList()) results.add(result(r));
        Map<String, List<StateResult>> partial = new TreeMap<>();
        for (MinionStateEvent e : j.getPartialList()) partial.computeIfAbsent(e.getMinionId(), k -> new ArrayList<>()).add(e.getResult());
        List<MinionResult> running = new ArrayList<>();
        partial.forEach((id, states) -> running.add(new MinionResult(id, badge("warn", "not returned yet"), null, null, null, states(states))));
        List<MinionResult> lost = new ArrayList<>();
        for (String id : j.getLostList()) lost.add(new MinionResult(id, badge("bad", "lost"), null, null, null, null));
        boolean finished = j.getFinishedUnixMs() != 0;
        JobPage page = new JobPage(what(j.getRequest()), j.getRequest().getTarget(), Html.time(j.getStartedUnixMs()),
                finished ? null : badge("warn", "running"), finished ? Html.time(j.getFinishedUnixMs()) : null, String.join(", ", j.getMinionsList()),
                Html.nonEmpty(j.getError()), results, running, lost);
        return Optional.of(Html.page("Job " + jid, "Jobs", user, Html.render("job", page), !finished && j.getError().isEmpty() ? 5 : 0));
    }

    private static MinionResult result(JobResult r) {
        String id = r.getMinionId();
        return switch (r.getOutcomeCase()) {
            case REPORT -> {
                RunReport rep = r.getReport();
                ResultView.Minion view = ResultView.minion(r);
                Html.Badge outcome = view.ok() ? badge("ok", "succeeded") : badge("bad", "failed");
                Summary summary = new Summary(view.counts().states(), view.counts().changed(), rep.getTest() ? "would change" : "changed",
                        view.counts().failed(), Html.duration(rep.getDurationUs()));
                yield new MinionResult(id, outcome, summary, Html.nonEmpty(rep.getCompileError()), null, states(rep.getStatesList()));
            }
            case FUNCTION -> new MinionResult(id, r.getFunction().getSuccess() ? badge("ok", "succeeded") : badge("bad", "failed"), null,
                    Html.nonEmpty(r.getFunction().getError()), r.getFunction().hasValue() ? json(plain(r.getFunction().getValue())) : null, null);
            case REFUSED -> new MinionResult(id, badge("bad", "refused"), null, r.getRefused().getReason() + ": " + r.getRefused().getMessage(),
                    null, null);
            default -> new MinionResult(id, badge("muted", "no outcome"), null, null, null, null);
        };
    }

    private static Object plain(com.google.protobuf.Value v) {
        try {
            return Structs.plain(v);
        } catch (IllegalArgumentException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static StatesTable states(List<StateResult> states) {
        List<StateRow> rows = new ArrayList<>();
        for (StateResult s : states) {
            List<Change> changes = List.of();
            String comment = "";
            Html.Badge outcome;
            switch (s.getOutcomeCase()) {
                case UNCHANGED -> {
                    outcome = badge("muted", "unchanged");
                    comment = s.getUnchanged().getComment();
                }
                case CHANGED -> {
                    outcome = badge("ok", "changed");
                    changes = s.getChanged().getChangesList();
                    comment = s.getChanged().getComment();
                }
                case WOULD_CHANGE -> {
                    outcome = badge("warn", "would change");
                    changes = s.getWouldChange().getChangesList();
                    comment = s.getWouldChange().getComment();
                }
                case FAILED -> {
                    outcome = badge("bad", "failed");
                    changes = s.getFailed().getChangesList();
                    comment = s.getFailed().getError();
                }
                case SKIPPED -> {
                    outcome = s.getSkipped().getBlocked() ? badge("bad", "blocked") : badge("muted", "skipped");
                    comment = s.getSkipped().getReason();
                }
                default -> outcome = badge("muted", "—");
            }
            String name = !s.getName().isEmpty() && !s.getName().equals(s.getId()) ? s.getName() : null;
            String where = s.getFile().isEmpty() ? null : s.getFile() + ":" + s.getLine();
            rows.add(new StateRow(s.getId(), name, where, s.getKind(), outcome, Html.duration(s.getDurationUs()),
                    changes.stream().map(Pages::change).toList(), comment));
        }
        return new StatesTable(rows);
    }

    private static ChangeView change(Change c) {
        List<DiffLine> diff = new ArrayList<>();
        if (c.hasDiff() && !c.getDiff().isEmpty()) {
            for (String line : c.getDiff().split("\n")) {
                String style = line.startsWith("+++") || line.startsWith("---") ? "h" : line.startsWith("+") ? "a" : line.startsWith("-") ? "d"
                        : line.startsWith("@@") ? "h" : "c";
                diff.add(new DiffLine(style, line));
            }
        }
        return new ChangeView(c.getAttribute(), c.hasBefore() || c.hasAfter(), c.hasBefore(), c.getBefore(), c.hasAfter(), c.getAfter(),
                !diff.isEmpty(), diff);
    }
}
