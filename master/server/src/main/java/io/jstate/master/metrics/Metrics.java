package io.jstate.master.metrics;

import io.jstate.master.events.Event;
import io.jstate.master.events.EventBus;
import io.jstate.master.events.EventForm;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The master's Prometheus metrics, kept and rendered by the Prometheus Java client. Counters and
 * the state-duration histogram follow the event bus; gauges (connected minions, keys by state) and
 * the bus's own counts are read when scraped. {@link #scrape()} renders the text exposition format
 * 0.0.4; serving it is the web listener's job.
 */
public final class Metrics implements AutoCloseable {
    /** Upper bounds of the state-duration buckets, in seconds: from a file check to a long package install. */
    static final double[] DURATION_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    /** What is read at scrape time. */
    public interface Gauges {
        int connectedMinions();

        /** Key counts by state name (pending, accepted, rejected). */
        Map<String, Integer> keys();
    }

    /** A registry of this master's own, so that several masters in one process (as in tests) keep apart. */
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EventBus.Subscription subscription;
    private final Counter jobs;
    private final Counter states;
    private final Histogram durations;
    private final Counter returns;
    private final Counter enrollRefusals;
    private final Counter jobRefusals;
    private final Counter signatureRefusals;

    public Metrics(EventBus bus, Gauges gauges) {
        GaugeWithCallback.builder().name("jstate_minions_connected").help("Minions with a live stream to the master.")
                .callback(c -> c.call(gauges.connectedMinions())).register(registry);
        GaugeWithCallback.builder().name("jstate_keys").help("Minion keys, by state.").labelNames("state").callback(c -> {
            Map<String, Integer> keys = new TreeMap<>(gauges.keys());
            for (String s : List.of("pending", "accepted", "rejected")) keys.putIfAbsent(s, 0);
            keys.forEach((state, n) -> c.call(n, state));
        }).register(registry);
        jobs = counter("jstate_jobs_total", "Jobs finished, by outcome (succeeded, failed, not_started).", "outcome");
        states = counter("jstate_states_total", "State results received from minions, by kind and outcome.", "kind", "outcome");
        durations = Histogram.builder().name("jstate_state_duration_seconds").help("How long states took on minions, by kind.")
                .labelNames("kind").classicOnly().classicUpperBounds(DURATION_BUCKETS).register(registry);
        returns = counter("jstate_minion_returns_total", "Minions' final results for a job, by outcome (ok, failed, refused).", "outcome");
        enrollRefusals = counter("jstate_enrollment_refusals_total", "Requests to enroll turned away, by reason.", "reason");
        jobRefusals = counter("jstate_job_refusals_total", "Job envelopes minions refused, by reason.", "reason");
        signatureRefusals = counter("jstate_signature_refusals_total", "Job envelopes minions refused for a bad signature.");
        CounterWithCallback.builder().name("jstate_events_dropped_total").help("Events a slow subscriber of the master's event bus missed.")
                .callback(c -> c.call(bus.dropped())).register(registry);
        CounterWithCallback.builder().name("jstate_events_published_total").help("Events published on the master's event bus.")
                .callback(c -> c.call(bus.published())).register(registry);
        process();
        for (Event.JobDone.Outcome o : Event.JobDone.Outcome.values()) jobs.initLabelValues(EventForm.word(o));
        for (String o : List.of("ok", "failed", "refused")) returns.initLabelValues(o);
        this.subscription = bus.subscribe("metrics", this::accept);
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    /** Counts one event; package-private so a test can feed events without the bus's thread. */
    void accept(Event e) {
        if (e instanceof Event.JobDone d) {
            jobs.labelValues(EventForm.word(d.outcome())).inc();
        } else if (e instanceof Event.StateDone s) {
            states.labelValues(s.kind(), s.outcome()).inc();
            durations.labelValues(s.kind()).observe(s.durationMs() / 1000.0);
        } else if (e instanceof Event.MinionReturned r) {
            returns.labelValues(r.outcome()).inc();
        } else if (e instanceof Event.JobRefused r) {
            jobRefusals.labelValues(r.reason()).inc();
            if (r.reason().equals("BAD_SIGNATURE")) signatureRefusals.inc();
        } else if (e instanceof Event.EnrollmentRefused r) {
            enrollRefusals.labelValues(r.reason()).inc();
        }
    }

    /** The metrics now, in the Prometheus text format 0.0.4. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            TEXT.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The process's and the JVM's own few figures, under the names the Prometheus clients use. */
    private void process() {
        long startMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        GaugeWithCallback.builder().name("process_start_time_seconds").help("Start time of the process since the Unix epoch, in seconds.")
                .callback(c -> c.call(startMs / 1000.0)).register(registry);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os && os.getProcessCpuTime() >= 0) {
            CounterWithCallback.builder().name("process_cpu_seconds_total").help("CPU time the process used, user and system, in seconds.")
                    .callback(c -> c.call(os.getProcessCpuTime() / 1e9)).register(registry);
        }
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        GaugeWithCallback.builder().name("jvm_memory_used_bytes").help("Memory the JVM uses, by area.").labelNames("area").callback(c -> {
            c.call(mem.getHeapMemoryUsage().getUsed(), "heap");
            c.call(mem.getNonHeapMemoryUsage().getUsed(), "nonheap");
        }).register(registry);
        GaugeWithCallback.builder().name("jvm_threads_current").help("Live JVM threads.")
                .callback(c -> c.call(ManagementFactory.getThreadMXBean().getThreadCount())).register(registry);
    }

    /** What a scrape's HTTP answer names as its Content-Type. */
    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    @Override
    public void close() {
        subscription.close();
    }
}
