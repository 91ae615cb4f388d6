package io.jstate.master.web;

import static io.jstate.master.web.Html.badge;
import static io.jstate.master.web.Html.esc;

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

    String page(String user, Snapshot s) {
        StringBuilder b = new StringBuilder();
        b.append("<p class=\"summary\">Gathered ").append(esc(Html.time(s.takenMs()))).append(" from the minions by the jobs ");
        for (Result r : s.results()) {
            b.append("<a href=\"/jobs/").append(Html.seg(r.jid())).append("\"><code>").append(esc(r.probe().function())).append("</code></a> ");
        }
        // No automatic reload: each gathering is four jobs in the job store, and a tab left open must
        // not fill it. Reloading the page gathers again (values younger than 10 s are reused).
        b.append("— <a href=\"/health\">gather again</a>.</p>");
        for (Result r : s.results()) {
            b.append("<section class=\"health\" id=\"health-").append(esc(r.probe().function().replace('.', '-'))).append("\"><h2>")
                    .append(esc(r.probe().title())).append("</h2>");
            if (r.error() != null) {
                b.append("<p class=\"error\">").append(esc(r.error())).append("</p></section>");
                continue;
            }
            List<String> absent = new ArrayList<>();
            Map<String, Answer> present = new TreeMap<>();
            Map<String, String> failed = new TreeMap<>();
            r.answers().forEach((id, a) -> {
                if (!a.success()) failed.put(id, a.error());
                else if (!installed(r.probe().function(), a.value())) absent.add(id);
                else present.put(id, a);
            });
            switch (r.probe().function()) {
                case "galera.facts" -> galera(b, present);
                case "rabbitmq.status" -> rabbitmq(b, present);
                case "memcached.stats" -> memcached(b, present);
                case "haproxy.stats" -> haproxy(b, present);
                default -> { }
            }
            if (!absent.isEmpty()) b.append("<p class=\"muted\">Not installed on: ").append(esc(String.join(", ", absent))).append("</p>");
            failed.forEach((id, why) -> b.append("<p class=\"error\">").append(esc(id)).append(": ").append(esc(why)).append("</p>"));
            if (!r.missing().isEmpty()) {
                b.append("<p class=\"missing\">Did not answer: ");
                List<String> parts = new ArrayList<>();
                r.missing().forEach((id, why) -> parts.add(esc(id) + " (" + esc(why) + ")"));
                b.append(String.join(", ", parts)).append("</p>");
            }
            b.append("</section>");
        }
        return Html.page("Health", "Health", user, b.toString(), 0);
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

    private static void galera(StringBuilder b, Map<String, Answer> nodes) {
        if (nodes.isEmpty()) return;
        int synced = 0;
        for (Answer a : nodes.values()) if ("Synced".equals(a.value().get("wsrep_local_state_comment"))) synced++;
        b.append("<p class=\"summary\">").append(synced).append(" of ").append(nodes.size()).append(" node(s) Synced.</p>");
        b.append("<table><thead><tr><th>Node</th><th>mariadbd</th><th>State</th><th>Cluster</th><th>Cluster size</th><th>Ready</th>"
                + "<th>Last committed</th></tr></thead><tbody>");
        nodes.forEach((id, a) -> {
            Map<String, Object> v = a.value();
            boolean running = Boolean.TRUE.equals(v.get("running"));
            String state = str(v.get("wsrep_local_state_comment"));
            String status = str(v.get("wsrep_cluster_status"));
            b.append("<tr class=\"galera-node\" data-minion=\"").append(esc(id)).append("\"><td>").append(esc(id)).append("</td><td>")
                    .append(running ? badge("ok", "running") : badge("bad", "not running")).append("</td><td class=\"galera-state\">")
                    .append(state.isEmpty() ? esc(str(v.get("error"))) : badge(state.equals("Synced") ? "ok" : "warn", state))
                    .append("</td><td class=\"galera-status\">").append(status.isEmpty() ? "" : badge(status.equals("Primary") ? "ok" : "bad", status))
                    .append("</td><td class=\"galera-size num\">").append(esc(str(v.get("wsrep_cluster_size")))).append("</td><td>")
                    .append(esc(str(v.get("wsrep_ready")))).append("</td><td class=\"num\">").append(esc(str(v.get("wsrep_last_committed"))))
                    .append("</td></tr>");
        });
        b.append("</tbody></table>");
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static void rabbitmq(StringBuilder b, Map<String, Answer> nodes) {
        if (nodes.isEmpty()) return;
        b.append("<table><thead><tr><th>Minion</th><th>Broker</th><th>Running nodes</th><th>Partitions</th><th>Alarms</th></tr></thead><tbody>");
        nodes.forEach((id, a) -> {
            Map<String, Object> v = a.value();
            boolean running = Boolean.TRUE.equals(v.get("running"));
            List<?> nodesUp = list(v.get("running_nodes"));
            List<?> partitions = list(v.get("partitions"));
            List<?> alarms = list(v.get("alarms"));
            b.append("<tr class=\"rabbitmq-node\" data-minion=\"").append(esc(id)).append("\"><td>").append(esc(id)).append("</td><td>")
                    .append(running ? badge("ok", "running") : badge("bad", "not running"));
            if (v.get("error") != null) b.append(" <small>").append(esc(v.get("error"))).append("</small>");
            b.append("</td><td class=\"rabbitmq-running\"><span class=\"count\">").append(nodesUp.size()).append("</span> ")
                    .append(esc(String.join(", ", nodesUp.stream().map(String::valueOf).toList()))).append("</td><td class=\"rabbitmq-partitions\">")
                    .append(partitions.isEmpty() ? badge("ok", "none") : badge("bad", String.join(", ", partitions.stream().map(String::valueOf).toList())))
                    .append("</td><td>").append(alarms.isEmpty() ? badge("ok", "none") : badge("bad", String.join(", ", alarms.stream().map(String::valueOf).toList())))
                    .append("</td></tr>");
        });
        b.append("</tbody></table>");
    }

    private static void memcached(StringBuilder b, Map<String, Answer> nodes) {
        if (nodes.isEmpty()) return;
        b.append("<table><thead><tr><th>Minion</th><th>Address</th><th>Reachable</th><th>Uptime</th><th>Connections</th><th>Version</th></tr>"
                + "</thead><tbody>");
        nodes.forEach((id, a) -> {
            List<?> instances = list(a.value().get("instances"));
            if (instances.isEmpty()) {
                b.append("<tr class=\"memcached\" data-minion=\"").append(esc(id)).append("\"><td>").append(esc(id)).append("</td><td colspan=\"5\">")
                        .append(esc(str(a.value().getOrDefault("error", "no listen address configured")))).append("</td></tr>");
            }
            for (Object o : instances) {
                Map<?, ?> i = o instanceof Map<?, ?> m ? m : Map.of();
                boolean up = Boolean.TRUE.equals(i.get("reachable"));
                b.append("<tr class=\"memcached\" data-minion=\"").append(esc(id)).append("\"><td>").append(esc(id)).append("</td><td><code>")
                        .append(esc(str(i.get("address")))).append("</code></td><td class=\"memcached-reachable\">")
                        .append(up ? badge("ok", "reachable") : badge("bad", "unreachable"));
                if (!up && i.get("error") != null) b.append(" <small>").append(esc(i.get("error"))).append("</small>");
                b.append("</td><td class=\"num\">").append(i.get("uptime") == null ? "" : esc(i.get("uptime") + " s")).append("</td><td class=\"num\">")
                        .append(esc(str(i.get("curr_connections")))).append("</td><td>").append(esc(str(i.get("version")))).append("</td></tr>");
            }
        });
        b.append("</tbody></table>");
    }

    private static void haproxy(StringBuilder b, Map<String, Answer> nodes) {
        if (nodes.isEmpty()) return;
        b.append("<table><thead><tr><th>Minion</th><th>Backend</th><th>Status</th><th>Servers</th></tr></thead><tbody>");
        nodes.forEach((id, a) -> {
            Map<String, Object> v = a.value();
            List<?> backends = list(v.get("backends"));
            if (backends.isEmpty()) {
                b.append("<tr class=\"haproxy\" data-minion=\"").append(esc(id)).append("\"><td>").append(esc(id)).append("</td><td colspan=\"3\">")
                        .append(Boolean.TRUE.equals(v.get("running")) ? "" : badge("bad", "not running")).append(' ')
                        .append(esc(str(v.get("error")))).append("</td></tr>");
            }
            for (Object o : backends) {
                Map<?, ?> be = o instanceof Map<?, ?> m ? m : Map.of();
                String status = str(be.get("status"));
                b.append("<tr class=\"haproxy-backend\" data-minion=\"").append(esc(id)).append("\" data-backend=\"").append(esc(str(be.get("name"))))
                        .append("\"><td>").append(esc(id)).append("</td><td>").append(esc(str(be.get("name")))).append("</td><td>")
                        .append(badge(status.equals("UP") ? "ok" : "bad", status)).append("</td><td>");
                for (Object so : list(be.get("servers"))) {
                    Map<?, ?> s = so instanceof Map<?, ?> m ? m : Map.of();
                    String st = str(s.get("status"));
                    b.append("<span class=\"server\">").append(esc(str(s.get("name")))).append(' ')
                            .append(badge(st.startsWith("UP") ? "ok" : st.equals("no check") ? "muted" : "bad", st)).append("</span> ");
                }
                b.append("</td></tr>");
            }
        });
        b.append("</tbody></table>");
    }
}
