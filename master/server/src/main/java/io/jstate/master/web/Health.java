package io.jstate.master.web;

import static io.jstate.master.web.Html.badge;

import io.jstate.common.wire.Structs;
import io.jstate.master.Master;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The HA health page: live values from the minions, gathered by running execution functions
 * (galera.facts, rabbitmq.status, memcached.stats, haproxy.stats) on every accepted minion through
 * the master's ordinary job path, so they are recorded as jobs like any other. Each function says
 * plainly when its service is not installed or not running. A gathering waits a few seconds at most
 * and is kept briefly, so reloading the page does not start new jobs each time; minions that did not
 * answer in time are listed. The page does not reload itself (each gathering is four jobs).
 */
final class Health {

    /** One function run on every minion. */
    record Probe(String title, String function, List<String> args) {}

    static final List<Probe> PROBES = List.of(
            // recover=false: the dashboard must never start InnoDB recovery on a stopped node.
            new Probe("Galera", "galera.facts", List.of("recover=false")),
            new Probe("RabbitMQ", "rabbitmq.status", List.of()),
            new Probe("memcached", "memcached.stats", List.of()),
            new Probe("HAProxy", "haproxy.stats", List.of()));

    /** What one minion answered: its value, or why it has none. */
    record Answer(boolean success, Map<String, Object> value, String error) {}

    /** A probe's answers by minion, the minions that did not answer (and why), and the job. */
    record Result(Probe probe, String jid, Map<String, Answer> answers, Map<String, String> missing, String error) {}

    record Snapshot(long takenMs, List<Result> results) {}

    private final Master master;
    private final Duration timeout;
    private final Duration keep;
    private final LongSupplier millis;
    private Snapshot last;

    Health(Master master, Duration timeout, Duration keep, LongSupplier millis) {
        this.master = master;
        this.timeout = timeout;
        this.keep = keep;
        this.millis = millis;
    }

    /** The latest values, gathered now unless a gathering younger than {@code keep} exists; viewers at once share one. */
    synchronized Snapshot snapshot() {
        long now = millis.getAsLong();
        if (last != null && now - last.takenMs() < keep.toMillis()) return last;
        List<Gathering> running = new ArrayList<>();
        for (Probe p : PROBES) running.add(new Gathering(p));
        List<Result> results = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
        for (Gathering g : running) results.add(g.await(deadline));
        last = new Snapshot(millis.getAsLong(), List.copyOf(results));
        return last;
    }

    /** One probe's job, collecting answers as its events come. */
    private final class Gathering {
        final Probe probe;
        final CountDownLatch done = new CountDownLatch(1);
        final Map<String, Answer> answers = new TreeMap<>();
        final Map<String, String> missing = new TreeMap<>();
        final List<String> minions = new ArrayList<>();
        volatile String error;
        final String jid;

        Gathering(Probe probe) {
            this.probe = probe;
            JobRequest req = JobRequest.newBuilder().setTarget("*").setTimeoutMs(timeout.toMillis())
                    .setFunction(FunctionRequest.newBuilder().setName(probe.function()).addAllArgs(probe.args())).build();
            jid = master.jobs().submit(req, this::event);
        }

        private synchronized void event(JobEvent e) {
            switch (e.getType()) {
                case JOB_STARTED -> minions.addAll(e.getMinionsList());
                case MINION_DONE -> answers.put(e.getMinionId(), answer(e.getResult()));
                case MINION_LOST, MINION_SKIPPED -> missing.put(e.getMinionId(), e.getMessage());
                case JOB_FAILED -> {
                    error = e.getMessage();
                    done.countDown();
                }
                case JOB_DONE -> done.countDown();
                default -> { }
            }
        }

        Result await(long deadlineNanos) {
            try {
                done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                Map<String, String> miss = new TreeMap<>(missing);
                for (String id : minions) if (!answers.containsKey(id) && !miss.containsKey(id)) miss.put(id, "no answer yet");
                return new Result(probe, jid, Map.copyOf(answers), miss, error);
            }
        }
    }

    private static Answer answer(JobResult r) {
        if (r.hasRefused()) return new Answer(false, Map.of(), "refused the job: " + r.getRefused().getMessage());
        if (!r.hasFunction()) return new Answer(false, Map.of(), "returned no function value");
        Map<String, Object> value = Map.of();
        try {
            if (r.getFunction().getValue().hasStructValue()) value = Structs.map(r.getFunction().getValue().getStructValue());
        } catch (IllegalArgumentException e) {
            return new Answer(false, Map.of(), "returned a value that cannot be read: " + e.getMessage());
        }
        return new Answer(r.getFunction().getSuccess(), value, r.getFunction().getError());
    }

    // ---- the page ----

    record ProbeLink(String function, String link) {}

    /** One probe's section: its job's error, or the table of the minions that have the service and what the others said. */
    record Section(String anchor, String title, String error, Galera galera, Rows<RabbitNode> rabbitmq, Rows<MemcachedRow> memcached,
            Rows<HaproxyRow> haproxy, String absent, List<Failure> failed, String missing) {}

    record Failure(String id, String why) {}

    /** A table's rows; null (no table) when no minion has the service. */
    record Rows<T>(List<T> rows) {
        static <T> Rows<T> of(List<T> rows) {
            return rows.isEmpty() ? null : new Rows<>(rows);
        }
    }

    String page(String user, Snapshot s) {
        List<ProbeLink> probes = new ArrayList<>();
        for (Result r : s.results()) probes.add(new ProbeLink(r.probe().function(), Html.seg(r.jid())));
        // No automatic reload: each gathering is four jobs in the job store, and a tab left open must
        // not fill it. Reloading the page gathers again (values younger than 10 s are reused).
        List<Section> sections = new ArrayList<>();
        for (Result r : s.results()) {
            String anchor = r.probe().function().replace('.', '-');
            if (r.error() != null) {
                sections.add(new Section(anchor, r.probe().title(), r.error(), null, null, null, null, null, List.of(), null));
                continue;
            }
            List<String> absent = new ArrayList<>();
            Map<String, Answer> present = new TreeMap<>();
            List<Failure> failed = new ArrayList<>();
            new TreeMap<>(r.answers()).forEach((id, a) -> {
                if (!a.success()) failed.add(new Failure(id, a.error()));
                else if (!installed(r.probe().function(), a.value())) absent.add(id);
                else present.put(id, a);
            });
            String f = r.probe().function();
            List<String> parts = new ArrayList<>();
            r.missing().forEach((id, why) -> parts.add(id + " (" + why + ")"));
            sections.add(new Section(anchor, r.probe().title(), null, f.equals("galera.facts") ? galera(present) : null,
                    f.equals("rabbitmq.status") ? Rows.of(rabbitmq(present)) : null, f.equals("memcached.stats") ? Rows.of(memcached(present)) : null,
                    f.equals("haproxy.stats") ? Rows.of(haproxy(present)) : null, absent.isEmpty() ? null : String.join(", ", absent), failed,
                    parts.isEmpty() ? null : String.join(", ", parts)));
        }
        return Html.page("Health", "Health", user, Html.render("health", Map.of("taken", Html.time(s.takenMs()), "probes", probes, "sections", sections)), 0);
    }

    /** Whether the service the function looks at is on the minion at all. */
    static boolean installed(String function, Map<String, Object> v) {
        if (function.equals("galera.facts")) {
            return !Boolean.FALSE.equals(v.get("installed"))
                    && (Boolean.TRUE.equals(v.get("running")) || Boolean.TRUE.equals(v.get("datadir_initialized")));
        }
        return !Boolean.FALSE.equals(v.get("installed"));
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    record Galera(int synced, int count, List<GaleraNode> nodes) {}

    record GaleraNode(String id, Html.Badge running, Html.Badge state, String stateError, Html.Badge status, String size, String ready,
            String lastCommitted) {}

    private static Galera galera(Map<String, Answer> nodes) {
        if (nodes.isEmpty()) return null;
        int synced = 0;
        for (Answer a : nodes.values()) if ("Synced".equals(a.value().get("wsrep_local_state_comment"))) synced++;
        List<GaleraNode> rows = new ArrayList<>();
        nodes.forEach((id, a) -> {
            Map<String, Object> v = a.value();
            boolean running = Boolean.TRUE.equals(v.get("running"));
            String state = str(v.get("wsrep_local_state_comment"));
            String status = str(v.get("wsrep_cluster_status"));
            rows.add(new GaleraNode(id, running ? badge("ok", "running") : badge("bad", "not running"),
                    state.isEmpty() ? null : badge(state.equals("Synced") ? "ok" : "warn", state), state.isEmpty() ? str(v.get("error")) : null,
                    status.isEmpty() ? null : badge(status.equals("Primary") ? "ok" : "bad", status), str(v.get("wsrep_cluster_size")),
                    str(v.get("wsrep_ready")), str(v.get("wsrep_last_committed"))));
        });
        return new Galera(synced, nodes.size(), rows);
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static String joined(List<?> l) {
        return String.join(", ", l.stream().map(String::valueOf).toList());
    }

    record RabbitNode(String id, Html.Badge running, String error, int count, String runningNodes, Html.Badge partitions, Html.Badge alarms) {}

    private static List<RabbitNode> rabbitmq(Map<String, Answer> nodes) {
        List<RabbitNode> rows = new ArrayList<>();
        nodes.forEach((id, a) -> {
            Map<String, Object> v = a.value();
            boolean running = Boolean.TRUE.equals(v.get("running"));
            List<?> nodesUp = list(v.get("running_nodes"));
            List<?> partitions = list(v.get("partitions"));
            List<?> alarms = list(v.get("alarms"));
            rows.add(new RabbitNode(id, running ? badge("ok", "running") : badge("bad", "not running"),
                    v.get("error") == null ? null : String.valueOf(v.get("error")), nodesUp.size(), joined(nodesUp),
                    partitions.isEmpty() ? badge("ok", "none") : badge("bad", joined(partitions)),
                    alarms.isEmpty() ? badge("ok", "none") : badge("bad", joined(alarms))));
        });
        return rows;
    }

    /** A memcached instance of a minion, or (instance false) a minion without any, with why in {@code error}. */
    record MemcachedRow(String id, boolean instance, String address, Html.Badge reachable, String error, String uptime, String connections,
            String version) {}

    private static List<MemcachedRow> memcached(Map<String, Answer> nodes) {
        List<MemcachedRow> rows = new ArrayList<>();
        nodes.forEach((id, a) -> {
            List<?> instances = list(a.value().get("instances"));
            if (instances.isEmpty()) {
                rows.add(new MemcachedRow(id, false, null, null, str(a.value().getOrDefault("error", "no listen address configured")), null, null,
                        null));
            }
            for (Object o : instances) {
                Map<?, ?> i = o instanceof Map<?, ?> m ? m : Map.of();
                boolean up = Boolean.TRUE.equals(i.get("reachable"));
                rows.add(new MemcachedRow(id, true, str(i.get("address")), up ? badge("ok", "reachable") : badge("bad", "unreachable"),
                        !up && i.get("error") != null ? String.valueOf(i.get("error")) : null, i.get("uptime") == null ? "" : i.get("uptime") + " s",
                        str(i.get("curr_connections")), str(i.get("version"))));
            }
        });
        return rows;
    }

    /** A backend of a minion's HAProxy, or (backend false) a minion that reported none, with why in {@code error}. */
    record HaproxyRow(String id, boolean backend, String name, Html.Badge status, List<Server> servers, Html.Badge notRunning, String error) {}

    record Server(String name, Html.Badge status) {}

    private static List<HaproxyRow> haproxy(Map<String, Answer> nodes) {
        List<HaproxyRow> rows = new ArrayList<>();
        nodes.forEach((id, a) -> {
            Map<String, Object> v = a.value();
            List<?> backends = list(v.get("backends"));
            if (backends.isEmpty()) {
                rows.add(new HaproxyRow(id, false, null, null, List.of(), Boolean.TRUE.equals(v.get("running")) ? null : badge("bad", "not running"),
                        str(v.get("error"))));
            }
            for (Object o : backends) {
                Map<?, ?> be = o instanceof Map<?, ?> m ? m : Map.of();
                String status = str(be.get("status"));
                List<Server> servers = new ArrayList<>();
                for (Object so : list(be.get("servers"))) {
                    Map<?, ?> sv = so instanceof Map<?, ?> m ? m : Map.of();
                    String st = str(sv.get("status"));
                    servers.add(new Server(str(sv.get("name")), badge(st.startsWith("UP") ? "ok" : st.equals("no check") ? "muted" : "bad", st)));
                }
                rows.add(new HaproxyRow(id, true, str(be.get("name")), badge(status.equals("UP") ? "ok" : "bad", status), servers, null, null));
            }
        });
        return rows;
    }
}
