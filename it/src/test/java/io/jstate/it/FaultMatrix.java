package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.it.workload.AmqpParked;
import io.jstate.it.workload.AmqpResult;
import io.jstate.it.workload.SqlVerification;
import io.jstate.it.workload.SqlWriteResult;
import io.jstate.it.workload.WorkloadProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;

/**
 * The fault matrix of issue 12 on a lab with the OpenStack HA backend deployed: for each
 * {@link FaultCase}, in order, the SQL writer (through the VIP) and the AMQP workload run from the
 * master host's network namespace while the fault is made, held and undone; then
 * {@code jstate orchestrate openstack-ha} runs (its outcome and time recorded), the lab is waited on
 * until packaging/lab/verify passes, and the verifier counts acknowledged writes lost. A split-brain
 * monitor samples every controller's {@code wsrep_cluster_status}/{@code wsrep_cluster_conf_id}
 * throughout the case. Each case gives one {@link Row}; {@link #table} renders them as markdown.
 * A case whose orchestration left the lab unhealthy is rescued (its {@code rescue} action, then
 * the orchestration again) so that the next case starts healthy; when even that fails, the
 * remaining cases are not run and say so.
 */
final class FaultMatrix {
    /** Workload before the fault is made, and after it was undone. */
    static final Duration LEAD = Duration.ofSeconds(5);
    static final Duration TAIL = Duration.ofSeconds(10);
    /** One orchestration's bound: the issue saw a hang of 600 s; a hang is a failed outcome, not a stuck test. */
    static final Duration ORCHESTRATE_BOUND = Duration.ofMinutes(6);
    static final Duration HEALTHY_BOUND = Duration.ofMinutes(4);
    private static final Duration VERIFY_BOUND = Duration.ofSeconds(90);
    /** How the orchestration refuses when the facts make recovery unsafe (Orchestrator: an election refused). */
    private static final Pattern REFUSED = Pattern.compile("election '[^']+' refused: ");

    /** A fault made on one host: the injector's line of what it did. */
    @FunctionalInterface
    interface Action {
        String run(Faults faults, String host) throws Exception;
    }

    /** Which host a case acts on, picked when the case starts. */
    @FunctionalInterface
    interface Target {
        String pick(FaultMatrix m) throws Exception;

        static Target host(String h) {
            return m -> h;
        }

        /** The controller HAProxy sends the VIP's SQL to. */
        Target WRITE_NODE = m -> m.lab.writeNode();
        /** The controller holding the VIP. */
        Target VIP_HOLDER = m -> {
            List<String> holders = m.lab.vipHolders();
            if (holders.size() != 1) throw new IllegalStateException("the VIP is held by " + holders + ", not by one controller");
            return holders.get(0);
        };
    }

    /**
     * One fault: {@code inject} on the target host, held {@code hold} with the workload running,
     * then {@code undo} (null: the orchestration must repair it). {@code rescue} (null: none) puts
     * the lab back when the orchestration did not, so that the next case starts healthy.
     */
    record FaultCase(String name, Target target, Duration hold, Action inject, Action undo, Action rescue) {}

    /** What one case gave; {@code error} says what went wrong in the runner itself (null: nothing). */
    record Row(String fault, String host, SqlWriteResult writes, String outcome, boolean orchestrationOk, Duration orchestrateTook,
            Duration toHealthy, SqlVerification verification, AmqpResult amqp, SplitBrain brain, String error, String layers, String noAmqp,
            AmqpParked.Result parked, AmqpParked.Result late) {
        /**
         * {@code layers}: what each layer did (the cluster manager, then the orchestration), null
         * where jstate's orchestration is the only actor; {@code noAmqp}: why the AMQP workload does
         * not apply to the layout, null when it does; {@code parked}: the messages parked in a
         * queue across the fault, null where they were not; {@code late}: the running workload's
         * confirmed messages it had not got when its drain ended, looked for in its queue after
         * the repair (null: none were missing, or no look was made).
         */
        Row(String fault, String host, SqlWriteResult writes, String outcome, boolean orchestrationOk, Duration orchestrateTook,
                Duration toHealthy, SqlVerification verification, AmqpResult amqp, SplitBrain brain, String error) {
            this(fault, host, writes, outcome, orchestrationOk, orchestrateTook, toHealthy, verification, amqp, brain, error, null, null, null, null);
        }

        /** A case the layout does not run, and why. */
        static Row skipped(String fault, String reason) {
            return new Row(fault, "-", null, SKIPPED + reason, false, null, null, null, null, null, null, null, null, null, null);
        }

        boolean isSkipped() {
            return outcome.startsWith(SKIPPED);
        }

        /** The workload's acknowledged writes lost, and the monitor's acknowledged probes lost; -1: not known. */
        long ackedLost() {
            if (verification == null || brain == null || brain.probesLost() < 0) return -1;
            return verification.lost() + verification.duplicated() + verification.divergent() + brain.probesLost();
        }

        /**
         * Confirmed messages lost: the running workload's (those it had not got by the end of its
         * drain and that were not in its queue after the repair either), and the parked ones' where
         * they were parked; -1: not known.
         */
        long confirmedLost() {
            if (amqp == null) return -1;
            return (late == null ? amqp.lostConfirmed() : late.lost()) + (parked == null ? 0 : parked.lost());
        }

        /** Components that took writes at the same time (the invariant: at most 1); -1: not known. */
        int writableComponents() {
            return brain == null ? -1 : brain.writable();
        }
    }

    /** The outcome of a case the layout does not run. */
    static final String SKIPPED = "skipped: ";

    /** The default hold of a fault, with the workload running. */
    static final Duration HOLD = Duration.ofSeconds(10);

    /**
     * Every case, in the order they run: each group is a class of its own (one line a case), the
     * faults that leave the lab furthest from healthy last.
     */
    /** The control row: the workload, the orchestration and the checks with no fault, against which the faults' figures read. */
    static final FaultCase BASELINE = new FaultCase("none: no fault (the baseline)", Target.WRITE_NODE, HOLD, (f, h) -> "no fault", null, null);

    static final List<FaultCase> CASES = concat(List.of(BASELINE), MatrixGaleraCases.CASES, MatrixServiceCases.CASES, MatrixRabbitmqCases.CASES,
            MatrixJstateCases.CASES, MatrixOutageCases.CASES);

    @SafeVarargs
    private static List<FaultCase> concat(List<FaultCase>... groups) {
        List<FaultCase> all = new ArrayList<>();
        for (List<FaultCase> g : groups) all.addAll(g);
        return List.copyOf(all);
    }

    private final Lab lab;
    private final Faults faults;
    private final Path logs;
    private final MatrixLayout layout;

    FaultMatrix(Lab lab) {
        this(lab, MatrixLayout.OPENSTACK_HA);
    }

    FaultMatrix(Lab lab, MatrixLayout layout) {
        this.lab = lab;
        this.layout = layout;
        this.faults = new Faults(lab);
        this.logs = lab.logs().resolve("matrix");
    }

    /** Runs the cases in order; a case that could not run gives a row with its error. */
    List<Row> run(List<FaultCase> cases) throws Exception {
        List<Row> rows = new ArrayList<>();
        String stopped = null;
        for (int i = 0; i < cases.size(); i++) {
            FaultCase c = cases.get(i);
            if (stopped != null) {
                rows.add(new Row(c.name(), "-", null, "not run", false, null, null, null, null, null, stopped));
                continue;
            }
            say("case " + (i + 1) + "/" + cases.size() + ": " + c.name());
            Row row = runCase(String.format("case-%02d", i + 1), c);
            rows.add(row);
            say("  -> " + tableLine(row));
            if (!healthyWithin(Duration.ofSeconds(5))) {
                stopped = "the lab was not healthy after case '" + c.name() + "' and its rescue";
            }
            Files.writeString(lab.logs().resolve("fault-matrix.md"), table(rows));
        }
        return rows;
    }

    private Row runCase(String id, FaultCase c) throws Exception {
        Path dir = logs.resolve(id);
        Files.createDirectories(dir);
        String host = "-";
        String target = "-";
        SqlWriteResult w = null;
        AmqpResult a = null;
        String outcome = "not run";
        boolean ok = false;
        Duration took = null;
        Duration healthy = null;
        SqlVerification v = null;
        SplitBrain brain = null;
        String layers = null;
        AmqpParked.Result parked = null;
        AmqpParked.Result late = null;
        List<String> errors = new ArrayList<>();
        long seconds = LEAD.plus(c.hold()).plus(TAIL).toSeconds();
        SplitBrainMonitor monitor = SplitBrainMonitor.start(lab, dir, Duration.ofSeconds(seconds).plus(ORCHESTRATE_BOUND).plus(HEALTHY_BOUND).plusMinutes(3));
        try {
            String at = roles();
            target = c.target().pick(this);
            say("  at the start: " + at);
            host = target + "; " + at;
            Path ns = lab.netns("master");
            // Messages that sit in a queue through the fault: the running workload's are consumed at once.
            if (layout.rabbitmq()) say("  parked: " + amqpParked(ns, dir, "amqp-park", "--count", String.valueOf(PARKED)));
            Map<String, Long> mark = layout.mark(lab);
            try (WorkloadProcess sql = WorkloadProcess.start(ns, dir, "sql-write", "--seconds", String.valueOf(seconds));
                    WorkloadProcess amqp = layout.rabbitmq()
                            ? WorkloadProcess.start(ns, dir, "amqp", "--seconds", String.valueOf(seconds), "--drain-seconds", "60") : null) {
                Thread.sleep(LEAD.toMillis());
                say("  inject: " + c.inject().run(faults, target));
                Thread.sleep(c.hold().toMillis());
                if (c.undo() != null) say("  undo: " + c.undo().run(faults, target));
                try {
                    w = sql.await(Duration.ofSeconds(seconds + 60), SqlWriteResult.class);
                } catch (RuntimeException e) {
                    errors.add("sql writer: " + e.getMessage());
                }
                try {
                    if (amqp != null) a = amqp.await(Duration.ofSeconds(seconds + 90), AmqpResult.class);
                } catch (RuntimeException e) {
                    errors.add("amqp workload: " + e.getMessage());
                }
            }
            say("  workload: sql " + w + "\n  amqp " + (a == null && !layout.rabbitmq() ? layout.noAmqp() : a));
            List<String> managerLog = new ArrayList<>();
            Map<String, Long> beforeOrchestration = layout.mark(lab);
            String manager = layout.whatItDid(lab, mark, managerLog);
            long t0 = System.nanoTime();
            Procs.Ran r = orchestrate();
            took = Duration.ofNanos(System.nanoTime() - t0);
            if (r != null) Files.writeString(dir.resolve("orchestrate.log"), r.out() + "\n--- stderr\n" + r.err());
            ok = r != null && r.exit() == 0;
            outcome = outcome(r);
            say("  orchestrate: " + outcome + " in " + took.toSeconds() + " s");
            if (manager != null) {
                // What the cluster manager did after the orchestration too: a repair it made, or one the orchestration asked of it.
                managerLog.add("-- during the orchestration:");
                String after = layout.whatItDid(lab, beforeOrchestration, managerLog);
                Files.write(dir.resolve("pacemaker-actions.log"), managerLog);
                String jstate = outcome.equals("repaired (0 changes)") ? "0 changes (nothing left to repair)" : outcome + changedStages(r);
                layers = "Pacemaker during the fault: " + manager + ". jstate orchestrate " + layout.orchestration() + ": " + jstate
                        + ". Pacemaker during the orchestration: " + after;
                say("  layers: " + layers);
            }
            if (outcome.startsWith("refused")) {
                // A refusal with a reason is an allowed outcome: the lab stays as the fault left it
                // until the case's rescue does what the refusal told the operator to do.
                rescue(c, target);
            } else if (healthyWithin(HEALTHY_BOUND)) {
                healthy = Duration.ofNanos(System.nanoTime() - t0);
            } else {
                errors.add("not healthy " + HEALTHY_BOUND.toSeconds() + " s after the orchestration started");
                rescue(c, target);
            }
            v = verify(dir);
            if (layout.rabbitmq()) {
                parked = amqpParked(ns, dir, "amqp-unpark", "--drain-seconds", "60");
                say("  unparked: " + parked);
            }
            if (a != null && a.lostConfirmed() > 0) {
                // Every broker down until the repair: the last confirmed messages wait in the queue.
                late = amqpParked(ns, dir, "amqp-late", "--drain-seconds", "60");
                say("  late: " + late);
            }
        } catch (Exception | AssertionError e) {
            errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            try {
                rescue(c, target);
            } catch (Exception | AssertionError r) {
                errors.add("rescue: " + r.getMessage());
            }
        } finally {
            try {
                brain = monitor.stop();
                if (brain.note() != null) errors.add("split-brain monitor: " + brain.note());
            } catch (Exception | AssertionError e) {
                errors.add("split-brain monitor: " + e.getMessage());
            }
        }
        return new Row(c.name(), host, w, outcome, ok, took, healthy, v, a, brain, errors.isEmpty() ? null : String.join("; ", errors), layers,
                layout.noAmqp(), parked, late);
    }

    /** How many confirmed messages are parked in a queue of their own through each fault. */
    static final int PARKED = 50;

    /** Runs the workload's amqp-park or amqp-unpark in the master's netns; its result. */
    private static AmqpParked.Result amqpParked(Path ns, Path dir, String command, String... args) throws Exception {
        try (WorkloadProcess p = WorkloadProcess.start(ns, dir, command, args)) {
            return p.await(Duration.ofSeconds(120), AmqpParked.Result.class);
        }
    }

    /** A stage's line in the orchestration's output: "[4/6] cluster: done (3 minions, 1 changed)". */
    private static final Pattern STAGE_CHANGED = Pattern.compile("\\[\\d+/\\d+\\] (\\S+): done \\(\\d+ minions?, (\\d+) changed");

    /** The stages in which the orchestration changed something, with their counts (empty when none did). */
    static String changedStages(Procs.Ran r) {
        if (r == null) return "";
        List<String> changed = new ArrayList<>();
        for (String l : r.out().split("\n")) {
            java.util.regex.Matcher m = STAGE_CHANGED.matcher(l);
            if (m.find() && !m.group(2).equals("0")) changed.add(m.group(1) + " " + m.group(2));
        }
        return changed.isEmpty() ? "" : " (changed in stage " + String.join(", ", changed) + ")";
    }

    /** Where the VIP's SQL goes and who holds the VIP, as the table shows it next to the case's host. */
    private String roles() {
        String writes;
        String vip;
        try {
            writes = lab.writeNode();
        } catch (Exception | AssertionError e) {
            writes = "?";
        }
        try {
            vip = String.join(",", lab.vipHolders());
        } catch (Exception | AssertionError e) {
            vip = "?";
        }
        return "writes via " + writes + ", VIP on " + (vip.isEmpty() ? "none" : vip);
    }

    /** The case's rescue, then the orchestration again, when the lab is not healthy. */
    private void rescue(FaultCase c, String host) throws Exception {
        if (healthyWithin(Duration.ofSeconds(5))) return;
        if (c.rescue() != null && !"-".equals(host)) say("  rescue: " + c.rescue().run(faults, host));
        Procs.Ran r = orchestrate();
        say("  rescue orchestration: " + outcome(r));
        healthyWithin(HEALTHY_BOUND);
    }

    /** {@code jstate orchestrate openstack-ha}, or null when it ran past its bound (it was killed). */
    private Procs.Ran orchestrate() throws Exception {
        try {
            return lab.jstate(ORCHESTRATE_BOUND, "orchestrate", layout.orchestration());
        } catch (AssertionError e) {
            say("  orchestration still running after " + ORCHESTRATE_BOUND.toSeconds() + " s, killed");
            return null;
        }
    }

    /** repaired (N changes) / refused: REASON / failed: WHAT. */
    static String outcome(Procs.Ran r) {
        if (r == null) return "failed: still running after " + ORCHESTRATE_BOUND.toSeconds() + " s";
        String all = r.out() + "\n" + r.err();
        if (r.exit() == 0) {
            try {
                return "repaired (" + Lab.changes(r) + " changes)";
            } catch (AssertionError e) {
                return "repaired (no totals)";
            }
        }
        for (String l : all.split("\n")) if (REFUSED.matcher(l).find()) return "refused: " + shorten(l.trim());
        for (String l : all.split("\n")) {
            String t = l.trim().toLowerCase(Locale.ROOT);
            if (t.contains("fail") || t.contains("error")) return "failed: " + shorten(l.trim());
        }
        String last = "";
        for (String l : all.split("\n")) if (!l.isBlank()) last = l.trim();
        return "failed: exit " + r.exit() + (last.isEmpty() ? "" : ": " + shorten(last));
    }

    private static String shorten(String s) {
        String one = s.replace('|', '/');
        return one.length() > 140 ? one.substring(0, 140) + "..." : one;
    }

    /** Whether packaging/lab/verify passes within {@code limit}, tried again every few seconds. */
    boolean healthyWithin(Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        long t0 = System.nanoTime();
        long lastSaid = t0;
        while (true) {
            Procs.Ran r = lab.verify(Map.of(), layout.verifyArgs());
            if (r.exit() == 0) return true;
            if (System.nanoTime() > end) {
                say("  not healthy after " + limit.toSeconds() + " s: " + failing(r));
                return false;
            }
            if (System.nanoTime() - lastSaid > 30_000_000_000L) {
                say("  waiting for healthy (" + (System.nanoTime() - t0) / 1_000_000_000L + " s): " + failing(r));
                lastSaid = System.nanoTime();
            }
            Thread.sleep(3000);
        }
    }

    private static String failing(Procs.Ran r) {
        List<String> out = new ArrayList<>();
        for (String l : r.out().split("\n")) if (l.trim().startsWith("FAIL")) out.add(l.trim());
        return out.isEmpty() ? r.err().trim() : String.join("; ", out);
    }

    private SqlVerification verify(Path dir) throws Exception {
        return verify(lab, dir, Lab.CONTROLLERS);
    }

    /** The SQL verifier of the writes whose log is in {@code dir}, against every one of {@code controllers}. */
    static SqlVerification verify(Lab lab, Path dir, List<String> controllers) throws Exception {
        List<String> nodes = new ArrayList<>();
        for (String h : controllers) nodes.add(Lab.address(h) + ":3306");
        try (WorkloadProcess v = WorkloadProcess.start(lab.netns("master"), dir, "sql-verify", "--nodes", String.join(",", nodes))) {
            return v.await(VERIFY_BOUND, SqlVerification.class);
        }
    }

    static void say(String line) {
        System.out.println("fault matrix: " + line);
    }

    /**
     * What every row must hold: no runner error, no acknowledged write or confirmed message lost,
     * never more than one Primary component, an orchestration that repaired or refused through an
     * election's reason, and healthy afterwards unless it refused.
     */
    static List<Executable> invariants(Row r) {
        if (r.isSkipped()) return List.of();
        String line = tableLine(r);
        boolean refused = r.outcome().matches("refused: .*\\S.*");
        return List.of(
                () -> assertNull(r.error(), line),
                () -> assertEquals(0, r.ackedLost(), "acknowledged writes lost: " + line),
                () -> assertTrue(r.noAmqp() != null || r.confirmedLost() == 0, "confirmed messages lost: " + line),
                () -> assertTrue(r.writableComponents() >= 0 && r.writableComponents() <= 1, "split brain: " + line),
                () -> assertTrue(r.outcome().startsWith("repaired") || refused, "the orchestration neither repaired nor refused with a reason: " + line),
                () -> assertTrue(r.toHealthy() != null || refused, "never healthy: " + line));
    }

    static final String HEADER = "| fault | write error rate | longest write gap | orchestrate outcome | time to healthy | acked writes lost"
            + " | confirmed msgs lost | writable components (Primary by status) |\n|---|---|---|---|---|---|---|---|\n";

    /** The rows as a markdown table, with each row's runner error (if any) listed below it. */
    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder(HEADER);
        for (Row r : rows) t.append(tableLine(r)).append('\n');
        StringBuilder notes = new StringBuilder();
        for (Row r : rows) if (r.error() != null) notes.append("- ").append(r.fault()).append(": ").append(r.error()).append('\n');
        if (notes.length() > 0) t.append('\n').append(notes);
        StringBuilder layers = new StringBuilder();
        for (Row r : rows) if (r.layers() != null) layers.append("- ").append(r.fault()).append(": ").append(r.layers().replace('|', '/')).append('\n');
        if (layers.length() > 0) t.append("\nWhat each layer did:\n\n").append(layers);
        return t.toString();
    }

    static String tableLine(Row r) {
        String fault = r.fault() + ("-".equals(r.host()) ? "" : " (" + r.host() + ")");
        if (r.isSkipped()) return "| " + String.join(" | ", fault, "-", "-", r.outcome(), "-", "-", "-", "-") + " |";
        String rate = r.writes() == null ? "?"
                : String.format(Locale.ROOT, "%.1f%% (%d/%d)", 100 * r.writes().errorRate(), r.writes().failed(), r.writes().attempted());
        String gap = r.writes() == null ? "?" : String.format(Locale.ROOT, "%.1f s", r.writes().longestGapMs() / 1000.0);
        String outcome = r.outcome() + (r.orchestrateTook() == null ? "" : " in " + r.orchestrateTook().toSeconds() + " s");
        String healthy = r.toHealthy() == null ? "never" : r.toHealthy().toSeconds() + " s";
        String acked = (r.verification() == null ? "?" : r.verification().lost() + r.verification().duplicated() + r.verification().divergent()
                + " of " + r.verification().checked())
                + (r.brain() == null ? "" : " + " + (r.brain().probesLost() < 0 ? "?" : r.brain().probesLost()) + " of " + r.brain().probesAcked() + " probes");
        String msgs = r.noAmqp() != null ? r.noAmqp() : r.amqp() == null ? "?" : r.confirmedLost() + " of " + r.amqp().confirmed()
                + (r.late() == null || r.late().delivered() == 0 ? "" : " (" + r.late().delivered() + " got after the repair)")
                + (r.parked() == null ? "" : " + " + r.parked().confirmed() + " parked");
        String prim = r.brain() == null ? "?" : r.brain().writable() + " (" + r.brain().statusPrimary() + ")";
        return "| " + String.join(" | ", fault, rate, gap, outcome, healthy, acked, msgs, prim) + " |";
    }

    /**
     * What the split-brain monitor saw in one case. {@code writable}: how many components took
     * writes at the same time, from the probes (0, 1, or 2 for "more than one"); {@code statusPrimary}:
     * the most Primary components by {@code wsrep_cluster_status}/{@code wsrep_cluster_conf_id} alone
     * (information: a node resumed after SIGSTOP says Primary with its old conf id for a few seconds
     * without taking a write); {@code probesAcked}/{@code probesLost}: the probe writes the nodes
     * acknowledged, and how many of them some node lacks at the end (-1: not known); {@code note}:
     * why a count is not known, or the evidence of a split brain (null: nothing to say).
     */
    record SplitBrain(int writable, int statusPrimary, int probesAcked, int probesLost, String note) {}

    /** One probe write of the monitor: acknowledged or not, with the view its node read in the same statement. */
    record Probe(String host, long seq, long start, long end, String status, String conf, boolean acked) {}

    /**
     * Samples every controller's Galera view twice a second and makes a probe write on each node
     * directly, from inside each host (its own socket, so an isolated node is seen too), with a loop
     * in each host that ends by itself at its bound or when asked to. A probe is one autocommit
     * INSERT into {@code jlab_probe.probe} whose row records the node and the
     * {@code wsrep_cluster_status}/{@code wsrep_cluster_conf_id} read in the same statement, by a
     * client bounded to 3 s (a probe that ran out is not acknowledged). Split brain is what the
     * invariant means, two components that both take writes (see {@link #writable}); the probes a
     * node acknowledged must also be on every node at the end ({@link #stop}), so a write a stale
     * node acknowledged and the cluster dropped counts as a lost write.
     */
    static final class SplitBrainMonitor {
        private static final String STOP_FILE = "/tmp/jlab-matrix-monitor.stop";
        /**
         * Within one component the nodes install a new view within milliseconds of each other, so a
         * write ordered just before a view change may be acknowledged after another node's first
         * write in the new view; 1 s covers that on this loaded machine. The stale Primary seen after
         * SIGCONT lasts about 5 s.
         */
        static final long VIEW_SLACK_MS = 1000;
        private static final Duration PROBE_CHECK_BOUND = Duration.ofSeconds(60);
        private final Lab lab;
        private final String run;
        private final Map<String, Procs.Proc> loops = new TreeMap<>();

        private SplitBrainMonitor(Lab lab, String run) {
            this.lab = lab;
            this.run = run;
        }

        static SplitBrainMonitor start(Lab lab, Path dir, Duration bound) throws Exception {
            return start(lab, dir, bound, Lab.CONTROLLERS);
        }

        /** The monitor on the given controllers (a lab grown past Lab.CONTROLLERS). */
        static SplitBrainMonitor start(Lab lab, Path dir, Duration bound, List<String> controllers) throws Exception {
            String run = dir.getFileName().toString().replaceAll("[^A-Za-z0-9-]", "") + "-" + System.currentTimeMillis();
            SplitBrainMonitor m = new SplitBrainMonitor(lab, run);
            m.createTable();
            for (String h : controllers) {
                String name = dir.getFileName() + "-monitor-" + h;
                // A log of an earlier run in the same folder would be appended to, and its samples counted.
                Files.deleteIfExists(lab.logs().resolve(name + ".log"));
                m.loops.put(h, lab.background(name, h, loop(run, h, bound)));
            }
            return m;
        }

        /** The probe table, made once on the first node that answers (it replicates to the others). */
        private void createTable() throws Exception {
            String sql = "CREATE DATABASE IF NOT EXISTS jlab_probe; CREATE TABLE IF NOT EXISTS jlab_probe.probe (run VARCHAR(40) NOT NULL,"
                    + " node VARCHAR(16) NOT NULL, seq INT NOT NULL, t BIGINT NOT NULL, status VARCHAR(32), conf VARCHAR(32),"
                    + " PRIMARY KEY (run, node, seq)) ENGINE=InnoDB";
            List<String> tried = new ArrayList<>();
            for (String h : Lab.CONTROLLERS) {
                Procs.Ran r = lab.on(h, "timeout 20 mysql -e '" + sql + "'");
                if (r.exit() == 0) return;
                tried.add(h + ": " + (r.out() + r.err()).trim());
            }
            throw new IllegalStateException("cannot create the probe table jlab_probe.probe: " + tried);
        }

        /** The loop of one host: an S line (status sample) and a P line (probe) about twice a second. */
        static String loop(String run, String host, Duration bound) {
            String probe = "SET SESSION wsrep_sync_wait=0; INSERT INTO jlab_probe.probe (run, node, seq, t, status, conf) SELECT '" + run + "', '"
                    + host + "', $n, $t0, MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_STATUS', VARIABLE_VALUE, NULL)),"
                    + " MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_CONF_ID', VARIABLE_VALUE, NULL)) FROM information_schema.GLOBAL_STATUS"
                    + " WHERE VARIABLE_NAME IN ('WSREP_CLUSTER_STATUS', 'WSREP_CLUSTER_CONF_ID'); SELECT status, conf FROM jlab_probe.probe"
                    + " WHERE run='" + run + "' AND node='" + host + "' AND seq=$n";
            return "rm -f " + STOP_FILE + "; n=0; end=$((SECONDS+" + bound.toSeconds() + ")); "
                    + "while (( SECONDS < end )) && [[ ! -e " + STOP_FILE + " ]]; do "
                    + "s=$(timeout 2 mysql -N -B -e \"SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status','wsrep_cluster_conf_id')\" 2>/dev/null"
                    + " | awk '{ v[$1]=$2 } END { if (v[\"wsrep_cluster_status\"] != \"\") print v[\"wsrep_cluster_status\"], v[\"wsrep_cluster_conf_id\"] }'); "
                    + "echo \"S $(date +%s%3N) ${s:-down -}\"; "
                    + "n=$((n+1)); t0=$(date +%s%3N); "
                    + "if p=$(timeout 3 mysql -N -B -e \"" + probe + "\" 2>/dev/null) && [[ -n $p ]]; then echo \"P $n $t0 $(date +%s%3N) ok\" $p; "
                    + "else echo \"P $n $t0 $(date +%s%3N) fail - -\"; fi; "
                    + "sleep 0.5; done; rm -f " + STOP_FILE;
        }

        /**
         * Ends the loops (asks, then waits at most 10 s each), checks that every acknowledged probe
         * is on every node, and counts.
         */
        SplitBrain stop() throws Exception {
            for (String h : loops.keySet()) {
                try {
                    lab.on(h, "touch " + STOP_FILE);
                } catch (Exception | AssertionError e) {
                    // The loop ends at its own bound.
                }
            }
            Map<String, List<String[]>> samples = new TreeMap<>();
            List<Probe> probes = new ArrayList<>();
            for (Map.Entry<String, Procs.Proc> e : loops.entrySet()) {
                lab.stop(e.getValue(), Duration.ofSeconds(10));
                List<String[]> s = new ArrayList<>();
                for (String l : e.getValue().output().split("\n")) {
                    String[] f = l.trim().split("\\s+");
                    if (f.length == 4 && f[0].equals("S")) s.add(f);
                    Probe p = parseProbe(e.getKey(), f);
                    if (p != null) probes.add(p);
                }
                samples.put(e.getKey(), s);
            }
            Set<String> acked = new HashSet<>();
            for (Probe p : probes) if (p.acked()) acked.add(p.host() + " " + p.seq());
            List<String> notes = new ArrayList<>();
            int lost = 0;
            for (String h : Lab.CONTROLLERS) {
                Set<String> there = probeRows(h);
                if (there == null) {
                    notes.add("the probe rows could not be read on " + h);
                    lost = -1;
                    continue;
                }
                Set<String> missing = new HashSet<>(acked);
                missing.removeAll(there);
                if (!missing.isEmpty()) notes.add(h + " lacks acknowledged probes " + new TreeSet<>(missing));
                if (lost >= 0) lost = Math.max(lost, missing.size());
            }
            String evidence = splitBrainEvidence(probes);
            if (evidence != null) notes.add(evidence);
            return new SplitBrain(evidence != null ? 2 : acked.isEmpty() ? 0 : 1, maxPrimary(samples), acked.size(), lost,
                    notes.isEmpty() ? null : String.join("; ", notes));
        }

        /** "host seq" of this run's probe rows on {@code host}, read causally after every earlier write; null when it does not answer. */
        private Set<String> probeRows(String host) throws Exception {
            long end = System.nanoTime() + PROBE_CHECK_BOUND.toNanos();
            while (true) {
                Procs.Ran r = lab.on(host, "timeout 20 mysql -N -B -e \"SET SESSION wsrep_sync_wait=1; SELECT node, seq FROM jlab_probe.probe WHERE run='"
                        + run + "'\"");
                if (r.exit() == 0) {
                    Set<String> rows = new HashSet<>();
                    for (String l : r.out().split("\n")) if (!l.isBlank()) rows.add(l.trim().replaceAll("\\s+", " "));
                    return rows;
                }
                if (System.nanoTime() > end) return null;
                Thread.sleep(2000);
            }
        }

        /** A P line: {"P", seq, start ms, end ms, ok|fail, status, conf}; null for any other line. */
        static Probe parseProbe(String host, String[] f) {
            if (f.length != 7 || !f[0].equals("P")) return null;
            try {
                return new Probe(host, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[5], f[6], f[4].equals("ok"));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /**
         * The evidence of two components taking writes at once, or null: a probe acknowledged by a
         * node that read a status other than Primary in the same statement; or a probe acknowledged in
         * a view (conf id) after another view had already taken writes ({@link #VIEW_SLACK_MS} past
         * that view's first acknowledged probe), that view having begun taking writes later than the
         * probe's own: a node still writing in a view the cluster had left. Views are ordered by when
         * they first took writes, not by their ids, which start again at 1 when a cluster is
         * bootstrapped anew.
         */
        static String splitBrainEvidence(List<Probe> probes) {
            Map<String, Long> firstAck = new TreeMap<>();
            Map<Probe, String> view = views(probes);
            for (Probe p : probes) {
                if (!p.acked()) continue;
                if (!"Primary".equals(p.status())) return p.host() + " acknowledged probe " + p.seq() + " while " + p.status();
                firstAck.merge(view.get(p), p.end(), Math::min);
            }
            for (Probe p : probes) {
                if (!p.acked()) continue;
                long mine = firstAck.get(view.get(p));
                for (Map.Entry<String, Long> v : firstAck.entrySet()) {
                    if (v.getKey().equals(view.get(p)) || v.getValue() < mine) continue;
                    if (p.start() > v.getValue() + VIEW_SLACK_MS) {
                        return p.host() + " acknowledged probe " + p.seq() + " in view " + view.get(p) + " " + (p.start() - v.getValue())
                                + " ms after view " + v.getKey() + " had taken a write";
                    }
                }
            }
            return null;
        }

        /** How long no node may acknowledge a probe for the cluster to count as down (a full outage). */
        static final long OUTAGE_GAP_MS = 5000;

        /**
         * Each acknowledged probe's view: its conf id, and after a full outage which one; a new epoch begins after a full outage (no
         * node acknowledged a probe for {@link #OUTAGE_GAP_MS}) whose next view has a lower id than
         * the last one before it, since a cluster bootstrapped anew counts its views from 1 again
         * and a view id seen before the outage is another view.
         */
        static Map<Probe, String> views(List<Probe> probes) {
            List<Probe> acked = new ArrayList<>(probes.stream().filter(Probe::acked).toList());
            acked.sort(java.util.Comparator.comparingLong(Probe::end));
            Map<Probe, String> view = new java.util.HashMap<>();
            int epoch = 0;
            long highest = Long.MIN_VALUE;
            long lastEnd = Long.MIN_VALUE;
            for (Probe p : acked) {
                long conf;
                try {
                    conf = Long.parseLong(p.conf());
                } catch (NumberFormatException e) {
                    conf = Long.MAX_VALUE;
                }
                if (lastEnd != Long.MIN_VALUE && p.end() - lastEnd > OUTAGE_GAP_MS && conf < highest) {
                    epoch++;
                    highest = Long.MIN_VALUE;
                }
                highest = Math.max(highest, conf);
                lastEnd = p.end();
                view.put(p, epoch == 0 ? p.conf() : p.conf() + " (after full outage " + epoch + ")");
            }
            return view;
        }

        /**
         * The most Primary components by status alone: in each 1 s window, the distinct
         * {@code wsrep_cluster_conf_id}s of nodes whose last sample there said Primary; a count must
         * hold for two windows in a row, so that a view change seen by one node a few ms before
         * another is not counted as two components.
         */
        /** Samples per host: {"S", epoch ms, status, conf id}. */
        static int maxPrimary(Map<String, List<String[]>> samples) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (List<String[]> s : samples.values()) {
                for (String[] f : s) {
                    long t = Long.parseLong(f[1]);
                    min = Math.min(min, t);
                    max = Math.max(max, t);
                }
            }
            if (min > max) return 0;
            int windows = (int) ((max - min) / 1000) + 1;
            List<Set<String>> primary = new ArrayList<>();
            for (int w = 0; w < windows; w++) primary.add(new HashSet<>());
            for (List<String[]> s : samples.values()) {
                Map<Integer, String[]> last = new TreeMap<>();
                for (String[] f : s) last.put((int) ((Long.parseLong(f[1]) - min) / 1000), f);
                last.forEach((w, f) -> {
                    if ("Primary".equals(f[2])) primary.get(w).add(f[3]);
                });
            }
            int most = 0;
            for (int w = 0; w < windows; w++) {
                int here = primary.get(w).size();
                int held = w + 1 < windows ? Math.min(here, primary.get(w + 1).size()) : (windows == 1 ? here : Math.min(here, 1));
                most = Math.max(most, Math.max(Math.min(here, 1), held));
            }
            return most;
        }
    }
}
