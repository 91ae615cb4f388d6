package io.jstate.master.events;

import io.jstate.master.events.Event.EnrollmentRefused;
import io.jstate.master.events.Event.EventsLost;
import io.jstate.master.events.Event.Job;
import io.jstate.master.events.Event.JobDone;
import io.jstate.master.events.Event.JobRefused;
import io.jstate.master.events.Event.JobStarted;
import io.jstate.master.events.Event.KeyChanged;
import io.jstate.master.events.Event.KeyRequested;
import io.jstate.master.events.Event.KeyRoles;
import io.jstate.master.events.Event.MinionDown;
import io.jstate.master.events.Event.MinionLost;
import io.jstate.master.events.Event.MinionReturned;
import io.jstate.master.events.Event.MinionUp;
import io.jstate.master.events.Event.StageDone;
import io.jstate.master.events.Event.StageStarted;
import io.jstate.master.events.Event.StateDone;
import io.jstate.master.events.Event.StateRunning;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * An event's outside form: its tag (such as {@code jstate/job/<jid>/done}) and its data, a map of
 * strings, numbers, booleans and lists of those. The admin event stream and anything that filters
 * events by a tag pattern use this; everything inside the master works with the {@link Event}s
 * themselves. The tags and keys are what {@code jstate events} shows and scripts read.
 */
public final class EventForm {
    /** The tag of the marker a slow subscriber gets where it missed events. */
    public static final String LOST = "jstate/events/lost";

    private EventForm() {}

    public static String tag(Event e) {
        if (e instanceof JobStarted s) return job(s.job().jid(), "start");
        if (e instanceof StateDone s) return job(s.jid(), "state/" + s.minion());
        if (e instanceof StateRunning s) return job(s.jid(), "running/" + s.minion());
        if (e instanceof StageStarted s) return "jstate/orch/stage/start/" + s.stage();
        if (e instanceof StageDone s) return "jstate/orch/stage/" + word(s.outcome()) + "/" + s.stage();
        if (e instanceof MinionReturned r) return job(r.jid(), "return/" + r.minion());
        if (e instanceof JobRefused r) return job(r.jid(), "refused/" + r.minion());
        if (e instanceof MinionLost l) return job(l.jid(), "lost/" + l.minion());
        if (e instanceof JobDone d) return job(d.job().jid(), "done");
        if (e instanceof MinionUp u) return "jstate/minion/up/" + u.id();
        if (e instanceof MinionDown d) return "jstate/minion/down/" + d.id();
        if (e instanceof KeyRequested k) return "jstate/key/request/" + k.id();
        if (e instanceof KeyChanged k) return "jstate/key/" + word(k.change()) + "/" + k.id();
        if (e instanceof KeyRoles k) return "jstate/key/roles/" + k.id();
        // The tag names the minion when its id is one, else the address it came from, so a pattern can follow one minion.
        if (e instanceof EnrollmentRefused r) {
            return "jstate/enroll/refused/" + (r.id() != null ? r.id() : r.address().isEmpty() ? "unknown" : r.address());
        }
        if (e instanceof EventsLost) return LOST;
        throw new IllegalArgumentException("no tag for " + e);
    }

    /** The event's data; keys whose value is absent are left out. */
    public static Map<String, Object> data(Event e) {
        Data d = new Data();
        if (e instanceof JobStarted s) {
            job(d, s.job()).put("minions", s.minions()).put("batch", s.batch());
        } else if (e instanceof StateDone s) {
            d.put("jid", s.jid()).put("minion", s.minion()).put("id", s.id()).put("kind", s.kind()).put("sls", s.sls())
                    .put("outcome", s.outcome()).put("duration_ms", s.durationMs()).put("changes", s.changes());
        } else if (e instanceof StateRunning s) {
            d.put("jid", s.jid()).put("minion", s.minion()).put("id", s.id()).put("kind", s.kind()).put("running_ms", s.runningMs())
                    .put("waiting", s.waiting());
        } else if (e instanceof StageStarted s) {
            d.put("orchestration", s.orchestration()).put("stage", s.stage()).put("index", s.index()).put("stages", s.stages())
                    .put("target", s.target());
        } else if (e instanceof StageDone s) {
            d.put("orchestration", s.orchestration()).put("stage", s.stage()).put("index", s.index()).put("stages", s.stages())
                    .put("outcome", word(s.outcome())).put("duration_ms", s.durationMs());
        } else if (e instanceof MinionReturned r) {
            d.put("jid", r.jid()).put("minion", r.minion()).put("outcome", r.outcome()).put("duration_ms", r.durationMs());
            if (r.report() != null) {
                MinionReturned.Report p = r.report();
                d.put("states", p.states()).put("changed", p.changed()).put("failed", p.failed()).put("test", p.test());
                if (p.compileError()) d.put("compile_error", true);
            }
            d.put("success", r.success()).put("reason", r.refusal());
            if (r.late()) d.put("late", true);
        } else if (e instanceof JobRefused r) {
            d.put("jid", r.jid()).put("minion", r.minion()).put("reason", r.reason());
        } else if (e instanceof MinionLost l) {
            d.put("jid", l.jid()).put("minion", l.minion()).put("reason", l.reason());
        } else if (e instanceof JobDone j) {
            job(d, j.job()).put("outcome", word(j.outcome())).put("duration_ms", j.durationMs()).put("minions", j.minions())
                    .put("returned", j.returned()).put("lost", j.lost()).put("failed_minions", j.failedMinions()).put("skipped", j.skipped());
            if (j.resumed()) d.put("resumed", true);
        } else if (e instanceof MinionUp u) {
            d.put("id", u.id()).put("address", u.address()).put("roles", u.roles());
            if (u.replaced()) d.put("replaced", true);
        } else if (e instanceof MinionDown m) {
            d.put("id", m.id()).put("reason", m.reason()).put("connected_ms", m.connectedMs());
        } else if (e instanceof KeyRequested k) {
            d.put("id", k.id()).put("fingerprint", k.fingerprint()).put("auto_accept", k.autoAccept());
        } else if (e instanceof KeyChanged k) {
            d.put("id", k.id()).put("fingerprint", k.fingerprint()).put("was", word(k.was()));
        } else if (e instanceof KeyRoles k) {
            d.put("id", k.id()).put("roles", k.roles());
        } else if (e instanceof EnrollmentRefused r) {
            d.put("id", r.id()).put("address", r.address()).put("reason", r.reason());
        } else if (e instanceof EventsLost l) {
            d.put("lost", l.lost()).put("pattern", l.subscriber());
        } else {
            throw new IllegalArgumentException("no data for " + e);
        }
        return Collections.unmodifiableMap(d.map);
    }

    /**
     * The events whose tags match a glob: {@code *} matches any run of characters, slashes
     * included (so {@code jstate/job/*} is every job event), {@code ?} one character; everything
     * else is itself.
     */
    public static Predicate<Event> matching(String glob) {
        Pattern p = glob(glob);
        return e -> p.matcher(tag(e)).matches();
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static String job(String jid, String rest) {
        return "jstate/job/" + jid + "/" + rest;
    }

    private static Data job(Data d, Job j) {
        d.put("jid", j.jid()).put("target", j.target());
        switch (j.kind()) {
            case APPLY -> d.put("kind", "apply").put("sls", j.sls()).put("test", j.test());
            case FUNCTION -> d.put("kind", "function").put("function", j.function());
            case NONE -> { }
        }
        return d;
    }

    /** An enum constant as tags, data and metric labels show it: its name in lower case. */
    public static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** A map in the order keys are put, leaving out absent values. */
    private static final class Data {
        final Map<String, Object> map = new LinkedHashMap<>();

        Data put(String key, Object value) {
            if (value != null) map.put(key, value);
            return this;
        }
    }
}
