package io.jstate.master.metrics;

import io.jstate.master.events.EventBus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * The master's Prometheus metrics. Counters and the state-duration histogram follow the event bus;
 * gauges (connected minions, keys by state) and the bus's own drop count are read when scraped.
 * {@link #scrape()} renders the text exposition format 0.0.4; serving it is the web listener's job.
 */
public final class Metrics implements AutoCloseable {
    /** Upper bounds of the state-duration buckets, in seconds: from a file check to a long package install. */
    static final double[] DURATION_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** What is read at scrape time. */
    public interface Gauges {
        int connectedMinions();

        /** Key counts by state name (pending, accepted, rejected). */
        Map<String, Integer> keys();
    }

    private final EventBus bus;
    private final Gauges gauges;
    private final EventBus.Subscription subscription;
    private final long startMs = ManagementFactory.getRuntimeMXBean().getStartTime();

    private final Counter jobs = new Counter("jstate_jobs_total", "Jobs finished, by outcome (succeeded, failed, not_started).", "outcome");
    private final Counter states = new Counter("jstate_states_total", "State results received from minions, by kind and outcome.", "kind", "outcome");
    private final Counter returns = new Counter("jstate_minion_returns_total", "Minions' final results for a job, by outcome (ok, failed, refused).", "outcome");
    private final Counter enrollRefusals = new Counter("jstate_enrollment_refusals_total", "Requests to enroll turned away, by reason.", "reason");
    private final Counter jobRefusals = new Counter("jstate_job_refusals_total", "Job envelopes minions refused, by reason.", "reason");
    private final Counter signatureRefusals = new Counter("jstate_signature_refusals_total", "Job envelopes minions refused for a bad signature.");
    private final Histogram durations = new Histogram("jstate_state_duration_seconds", "How long states took on minions, by kind.", DURATION_BUCKETS, "kind");

    public Metrics(EventBus bus, Gauges gauges) {
        this.bus = bus;
        this.gauges = gauges;
        for (String o : List.of("succeeded", "failed", "not_started")) jobs.add(0, o);
        for (String o : List.of("ok", "failed", "refused")) returns.add(0, o);
        signatureRefusals.add(0);
        this.subscription = bus.subscribe("jstate/*", this::accept);
    }

    /** Counts one event; package-private so a test can feed events without the bus's thread. */
    void accept(EventBus.Event e) {
        String[] t = e.tag().split("/");
        Map<String, Object> d = e.data();
        if (t.length >= 4 && t[1].equals("job")) {
            switch (t[3]) {
                case "done" -> jobs.add(1, str(d.get("outcome")));
                case "state" -> {
                    String kind = str(d.get("kind"));
                    states.add(1, kind, str(d.get("outcome")));
                    if (d.get("duration_ms") instanceof Number n) durations.observe(n.doubleValue() / 1000.0, kind);
                }
                case "return" -> returns.add(1, str(d.get("outcome")));
                case "refused" -> {
                    String reason = str(d.get("reason"));
                    jobRefusals.add(1, reason);
                    if (reason.equals("BAD_SIGNATURE")) signatureRefusals.add(1);
                }
                default -> { }
            }
        } else if (t.length >= 3 && t[1].equals("enroll") && t[2].equals("refused")) {
            enrollRefusals.add(1, str(d.get("reason")));
        }
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    /** The metrics now, in the Prometheus text format 0.0.4. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        header(out, "jstate_minions_connected", "Minions with a live stream to the master.", "gauge");
        line(out, "jstate_minions_connected", List.of(), List.of(), gauges.connectedMinions());
        Map<String, Integer> keys = new TreeMap<>(gauges.keys());
        for (String s : List.of("pending", "accepted", "rejected")) keys.putIfAbsent(s, 0);
        header(out, "jstate_keys", "Minion keys, by state.", "gauge");
        keys.forEach((state, n) -> line(out, "jstate_keys", List.of("state"), List.of(state), n));
        jobs.render(out);
        states.render(out);
        durations.render(out);
        returns.render(out);
        enrollRefusals.render(out);
        jobRefusals.render(out);
        signatureRefusals.render(out);
        header(out, "jstate_events_dropped_total", "Events a slow subscriber of the master's event bus missed.", "counter");
        line(out, "jstate_events_dropped_total", List.of(), List.of(), bus.dropped());
        header(out, "jstate_events_published_total", "Events published on the master's event bus.", "counter");
        line(out, "jstate_events_published_total", List.of(), List.of(), bus.published());
        process(out);
        return out.toString();
    }

    private void process(StringBuilder out) {
        header(out, "process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", "gauge");
        line(out, "process_start_time_seconds", List.of(), List.of(), startMs / 1000.0);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os && os.getProcessCpuTime() >= 0) {
            header(out, "process_cpu_seconds_total", "CPU time the process used, user and system, in seconds.", "counter");
            line(out, "process_cpu_seconds_total", List.of(), List.of(), os.getProcessCpuTime() / 1e9);
        }
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        header(out, "jvm_memory_used_bytes", "Memory the JVM uses, by area.", "gauge");
        line(out, "jvm_memory_used_bytes", List.of("area"), List.of("heap"), mem.getHeapMemoryUsage().getUsed());
        line(out, "jvm_memory_used_bytes", List.of("area"), List.of("nonheap"), mem.getNonHeapMemoryUsage().getUsed());
        header(out, "jvm_threads_current", "Live JVM threads.", "gauge");
        line(out, "jvm_threads_current", List.of(), List.of(), ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** What a scrape's HTTP answer names as its Content-Type. */
    public static String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public void close() {
        subscription.close();
    }

    // ---- the text format ----

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static void line(StringBuilder out, String name, List<String> names, List<String> values, double value) {
        out.append(name);
        if (!names.isEmpty()) {
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) out.append(',');
                out.append(names.get(i)).append("=\"").append(escape(values.get(i))).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    /** A label value as the format wants it: backslash, double quote and line feed escaped. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** A counter family keyed by its label values, kept in label order so scrapes are stable. */
    private static final class Counter {
        private final String name;
        private final String help;
        private final List<String> labels;
        private final Map<List<String>, DoubleAdder> values = new ConcurrentHashMap<>();

        Counter(String name, String help, String... labels) {
            this.name = name;
            this.help = help;
            this.labels = List.of(labels);
        }

        void add(double n, String... values) {
            this.values.computeIfAbsent(List.of(values), k -> new DoubleAdder()).add(n);
        }

        void render(StringBuilder out) {
            header(out, name, help, "counter");
            for (Map.Entry<List<String>, DoubleAdder> e : sorted(values).entrySet()) line(out, name, labels, e.getKey(), e.getValue().sum());
        }
    }

    /** A histogram family: per label set, a count per bucket (rendered cumulative), the sum and the count. */
    private static final class Histogram {
        private final String name;
        private final String help;
        private final double[] bounds;
        private final List<String> labels;
        private final Map<List<String>, Cells> values = new ConcurrentHashMap<>();

        private static final class Cells {
            final AtomicLong[] buckets;
            final DoubleAdder sum = new DoubleAdder();
            final AtomicLong count = new AtomicLong();

            Cells(int n) {
                buckets = new AtomicLong[n];
                for (int i = 0; i < n; i++) buckets[i] = new AtomicLong();
            }
        }

        Histogram(String name, String help, double[] bounds, String... labels) {
            this.name = name;
            this.help = help;
            this.bounds = bounds.clone();
            this.labels = List.of(labels);
        }

        void observe(double v, String... labelValues) {
            Cells c = values.computeIfAbsent(List.of(labelValues), k -> new Cells(bounds.length));
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    c.buckets[i].incrementAndGet();
                    break;
                }
            }
            c.sum.add(v);
            c.count.incrementAndGet();
        }

        void render(StringBuilder out) {
            header(out, name, help, "histogram");
            List<String> withLe = new ArrayList<>(labels);
            withLe.add("le");
            for (Map.Entry<List<String>, Cells> e : sorted(values).entrySet()) {
                Cells c = e.getValue();
                long count = c.count.get();
                long cumulative = 0;
                for (int i = 0; i < bounds.length; i++) {
                    cumulative += c.buckets[i].get();
                    List<String> v = new ArrayList<>(e.getKey());
                    v.add(Double.toString(bounds[i]));
                    line(out, name + "_bucket", withLe, v, Math.min(cumulative, count));
                }
                List<String> inf = new ArrayList<>(e.getKey());
                inf.add("+Inf");
                line(out, name + "_bucket", withLe, inf, count);
                line(out, name + "_sum", labels, e.getKey(), c.sum.sum());
                line(out, name + "_count", labels, e.getKey(), count);
            }
        }
    }

    private static <V> Map<List<String>, V> sorted(Map<List<String>, V> m) {
        Map<List<String>, V> out = new TreeMap<>((a, b) -> Arrays.compare(a.toArray(new String[0]), b.toArray(new String[0])));
        out.putAll(m);
        return out;
    }
}
