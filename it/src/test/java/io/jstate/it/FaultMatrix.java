package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            Duration toHealthy, SqlVerification verification, AmqpResult amqp, int maxPrimary, String error) {
        long ackedLost() {
            return verification == null ? -1 : verification.lost() + verification.duplicated() + verification.divergent();
        }

        long confirmedLost() {
            return amqp == null ? -1 : amqp.lostConfirmed();
        }
    }

    /** The default hold of a fault, with the workload running. */
    static final Duration HOLD = Duration.ofSeconds(10);

    /**
     * Every case, in the order they run: each group is a class of its own (one line a case), the
     * faults that leave the lab furthest from healthy last.
     */
    static final List<FaultCase> CASES = concat(MatrixGaleraCases.CASES, MatrixServiceCases.CASES, MatrixRabbitmqCases.CASES,
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

    FaultMatrix(Lab lab) {
        this.lab = lab;
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
                rows.add(new Row(c.name(), "-", null, "not run", false, null, null, null, null, -1, stopped));
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
        int primaries = -1;
        List<String> errors = new ArrayList<>();
        long seconds = LEAD.plus(c.hold()).plus(TAIL).toSeconds();
        SplitBrainMonitor monitor = SplitBrainMonitor.start(lab, dir, Duration.ofSeconds(seconds).plus(ORCHESTRATE_BOUND).plus(HEALTHY_BOUND).plusMinutes(3));
        try {
            String at = roles();
            target = c.target().pick(this);
            say("  at the start: " + at);
            host = target + "; " + at;
            Path ns = lab.netns("master");
            try (WorkloadProcess sql = WorkloadProcess.start(ns, dir, "sql-write", "--seconds", String.valueOf(seconds));
                    WorkloadProcess amqp = WorkloadProcess.start(ns, dir, "amqp", "--seconds", String.valueOf(seconds), "--drain-seconds", "60")) {
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
                    a = amqp.await(Duration.ofSeconds(seconds + 90), AmqpResult.class);
                } catch (RuntimeException e) {
                    errors.add("amqp workload: " + e.getMessage());
                }
            }
            say("  workload: sql " + w + "\n  amqp " + a);
            long t0 = System.nanoTime();
            Procs.Ran r = orchestrate();
            took = Duration.ofNanos(System.nanoTime() - t0);
            ok = r != null && r.exit() == 0;
            outcome = outcome(r);
            say("  orchestrate: " + outcome + " in " + took.toSeconds() + " s");
            if (healthyWithin(HEALTHY_BOUND)) {
                healthy = Duration.ofNanos(System.nanoTime() - t0);
            } else {
                errors.add("not healthy " + HEALTHY_BOUND.toSeconds() + " s after the orchestration started");
                rescue(c, target);
            }
            v = verify(dir);
        } catch (Exception | AssertionError e) {
            errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            try {
                rescue(c, target);
            } catch (Exception | AssertionError r) {
                errors.add("rescue: " + r.getMessage());
            }
        } finally {
            primaries = monitor.stop();
        }
        return new Row(c.name(), host, w, outcome, ok, took, healthy, v, a, primaries, errors.isEmpty() ? null : String.join("; ", errors));
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
            return lab.jstate(ORCHESTRATE_BOUND, "orchestrate", "openstack-ha");
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
            Procs.Ran r = lab.verify(Map.of());
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
        String line = tableLine(r);
        boolean refused = r.outcome().matches("refused: .*\\S.*");
        return List.of(
                () -> assertNull(r.error(), line),
                () -> assertEquals(0, r.ackedLost(), "acknowledged writes lost: " + line),
                () -> assertEquals(0, r.confirmedLost(), "confirmed messages lost: " + line),
                () -> assertTrue(r.maxPrimary() <= 1, "split brain: " + line),
                () -> assertTrue(r.outcome().startsWith("repaired") || refused, "the orchestration neither repaired nor refused with a reason: " + line),
                () -> assertTrue(r.toHealthy() != null || refused, "never healthy: " + line));
    }

    static final String HEADER = "| fault | write error rate | longest write gap | orchestrate outcome | time to healthy | acked writes lost"
            + " | confirmed msgs lost | max Primary components |\n|---|---|---|---|---|---|---|---|\n";

    /** The rows as a markdown table, with each row's runner error (if any) listed below it. */
    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder(HEADER);
        for (Row r : rows) t.append(tableLine(r)).append('\n');
        StringBuilder notes = new StringBuilder();
        for (Row r : rows) if (r.error() != null) notes.append("- ").append(r.fault()).append(": ").append(r.error()).append('\n');
        if (notes.length() > 0) t.append('\n').append(notes);
        return t.toString();
    }

    static String tableLine(Row r) {
        String fault = r.fault() + ("-".equals(r.host()) ? "" : " (" + r.host() + ")");
        String rate = r.writes() == null ? "?"
                : String.format(Locale.ROOT, "%.1f%% (%d/%d)", 100 * r.writes().errorRate(), r.writes().failed(), r.writes().attempted());
        String gap = r.writes() == null ? "?" : String.format(Locale.ROOT, "%.1f s", r.writes().longestGapMs() / 1000.0);
        String outcome = r.outcome() + (r.orchestrateTook() == null ? "" : " in " + r.orchestrateTook().toSeconds() + " s");
        String healthy = r.toHealthy() == null ? "never" : r.toHealthy().toSeconds() + " s";
        String acked = r.verification() == null ? "?" : r.ackedLost() + " of " + r.verification().checked();
        String msgs = r.amqp() == null ? "?" : r.confirmedLost() + " of " + r.amqp().confirmed();
        String prim = r.maxPrimary() < 0 ? "?" : String.valueOf(r.maxPrimary());
        return "| " + String.join(" | ", fault, rate, gap, outcome, healthy, acked, msgs, prim) + " |";
    }

    /**
     * Samples every controller's Galera view twice a second, from inside each host (its own socket,
     * so an isolated node is seen too), with a loop in each host that ends by itself at its bound or
     * when asked to. {@link #stop} returns the most Primary components seen at once: in each 1 s
     * window, the distinct {@code wsrep_cluster_conf_id}s of nodes whose last sample there said
     * Primary; a count must hold for two windows in a row, so that a view change seen by one node a
     * few ms before another is not counted as two components.
     */
    static final class SplitBrainMonitor {
        private static final String STOP_FILE = "/tmp/jlab-matrix-monitor.stop";
        private final Lab lab;
        private final Map<String, Procs.Proc> loops = new TreeMap<>();

        private SplitBrainMonitor(Lab lab) {
            this.lab = lab;
        }

        static SplitBrainMonitor start(Lab lab, Path dir, Duration bound) throws Exception {
            return start(lab, dir, bound, Lab.CONTROLLERS);
        }

        /** The monitor on the given controllers (a lab grown past Lab.CONTROLLERS). */
        static SplitBrainMonitor start(Lab lab, Path dir, Duration bound, List<String> controllers) throws Exception {
            SplitBrainMonitor m = new SplitBrainMonitor(lab);
            String loop = "rm -f " + STOP_FILE + "; end=$((SECONDS+" + bound.toSeconds() + ")); "
                    + "while (( SECONDS < end )) && [[ ! -e " + STOP_FILE + " ]]; do "
                    + "s=$(timeout 2 mysql -N -B -e \"SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status','wsrep_cluster_conf_id')\" 2>/dev/null"
                    + " | awk '{ v[$1]=$2 } END { if (v[\"wsrep_cluster_status\"] != \"\") print v[\"wsrep_cluster_status\"], v[\"wsrep_cluster_conf_id\"] }'); "
                    + "echo \"S $(date +%s%3N) ${s:-down -}\"; sleep 0.5; done; rm -f " + STOP_FILE;
            for (String h : controllers) {
                String name = dir.getFileName() + "-monitor-" + h;
                // A log of an earlier run in the same folder would be appended to, and its samples counted.
                Files.deleteIfExists(lab.logs().resolve(name + ".log"));
                m.loops.put(h, lab.background(name, h, loop));
            }
            return m;
        }

        /** Ends the loops (asks, then waits at most 10 s each) and counts the Primary components. */
        int stop() throws Exception {
            for (String h : loops.keySet()) {
                try {
                    lab.on(h, "touch " + STOP_FILE);
                } catch (Exception | AssertionError e) {
                    // The loop ends at its own bound.
                }
            }
            Map<String, List<String[]>> samples = new TreeMap<>();
            for (Map.Entry<String, Procs.Proc> e : loops.entrySet()) {
                lab.stop(e.getValue(), Duration.ofSeconds(10));
                List<String[]> s = new ArrayList<>();
                for (String l : e.getValue().output().split("\n")) {
                    String[] f = l.trim().split("\\s+");
                    if (f.length == 4 && f[0].equals("S")) s.add(f);
                }
                samples.put(e.getKey(), s);
            }
            return maxPrimary(samples);
        }

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
