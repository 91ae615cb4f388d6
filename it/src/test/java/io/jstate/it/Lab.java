package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lab (packaging/lab/lab) for one test class: made fresh by {@link #up}, taken down by
 * {@link #close}, with commands run in its hosts. {@code env} goes to every lab command, e.g.
 * {@code JLAB_ID} for an instance of its own and {@code JLAB_PILLAR} for another pillar root.
 */
final class Lab implements AutoCloseable {
    static final Path REPO = Path.of(System.getProperty("jstate.repo", "..")).toAbsolutePath().normalize();
    /** The controllers of `lab up 3`, and the VIP of the lab's pillar. */
    static final List<String> CONTROLLERS = List.of("ctl1", "ctl2", "ctl3");
    static final String VIP = "10.77.0.100";
    private static final Pattern CHANGES = Pattern.compile("(\\d+) stages, (\\d+) changes");

    private final Procs procs;
    private final Map<String, String> env;

    /** @param logs the name of this lab's folder of command logs, below the it/ logs */
    Lab(String logs, Map<String, String> env) throws Exception {
        assertEquals("0", new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim(),
                "the lab needs root (namespaces, overlay mounts)");
        Path dir = Path.of(System.getProperty("jstate.itLogs", "target/it-logs")).resolve(logs);
        Files.createDirectories(dir);
        this.procs = new Procs(dir);
        this.env = new TreeMap<>(env);
    }

    /** Takes down whatever this lab's instance left, then makes N controllers and the master. */
    Lab up(int controllers) throws Exception {
        Procs.Ran down = lab(Duration.ofMinutes(2), "down");
        assertEquals(0, down.exit(), down.toString());
        Procs.Ran up = lab(Duration.ofMinutes(20), "up", String.valueOf(controllers));
        assertEquals(0, up.exit(), up.toString());
        return this;
    }

    /** Takes down whatever this lab's instance left, then makes N controllers and the master, without jstate. */
    Lab upHostsOnly(int controllers) throws Exception {
        Procs.Ran down = lab(Duration.ofMinutes(2), "down");
        assertEquals(0, down.exit(), down.toString());
        Procs.Ran up = lab(Duration.ofMinutes(20), "up", String.valueOf(controllers), "--no-jstate");
        assertEquals(0, up.exit(), up.toString());
        return this;
    }

    @Override
    public void close() throws Exception {
        try {
            Procs.Ran down = lab(Duration.ofMinutes(2), "down");
            assertEquals(0, down.exit(), down.toString());
        } finally {
            procs.close();
        }
    }

    /** A lab command: {@code packaging/lab/lab ARGS...} with this lab's environment. */
    Procs.Ran lab(Duration timeout, String... args) throws Exception {
        return script("lab", timeout, args);
    }

    /** A script of packaging/lab ({@code lab}, {@code fault}) with ARGS and this lab's environment. */
    Procs.Ran script(String name, Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("packaging/lab").resolve(name).toString()));
        cmd.addAll(List.of(args));
        return procs.run(cmd, env, timeout);
    }

    /** The lab instance's name prefix: jlab, or jlab-ID with JLAB_ID. */
    String instance() {
        String id = env.getOrDefault("JLAB_ID", System.getenv().getOrDefault("JLAB_ID", ""));
        return id.isEmpty() ? "jlab" : "jlab-" + id;
    }

    /** HOST's network namespace, to run a program of this machine in that host's network only. */
    Path netns(String host) {
        return Path.of("/run/netns", instance() + "-" + host);
    }

    /** The folder this lab's command logs (and the browser test's screenshots) go to. */
    Path logs() {
        return procs.dir();
    }

    /** A shell command inside HOST. */
    Procs.Ran on(String host, String shell) throws Exception {
        return lab(Duration.ofMinutes(2), "exec", host, "bash", "-c", shell);
    }

    /**
     * A long-running shell command inside HOST, its output in the lab's logs as NAME.log; it must
     * end by itself (a bound of its own), {@link #stop} ends the host-side command only by its own
     * means. The JVM's shutdown hook ends it too.
     */
    Procs.Proc background(String name, String host, String shell) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("packaging/lab/lab").toString(), "exec", host, "bash", "-c", shell));
        return procs.start(name, cmd, env);
    }

    /** Stops a process {@link #background} started: SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Procs.Proc p, Duration grace) throws InterruptedException {
        procs.stop(p, grace);
    }

    /** {@code jstate orchestrate NAME ARGS...} on the master host. */
    Procs.Ran orchestrate(String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("orchestrate", name));
        args.addAll(List.of(extra));
        return jstate(Duration.ofMinutes(30), args.toArray(String[]::new));
    }

    /** {@code jstate ARGS...} on the master host, with the master's configuration. */
    Procs.Ran jstate(Duration timeout, String... jstateArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("exec", "master", "/usr/bin/jstate", "--config", "/etc/jstate/master.yaml"));
        args.addAll(List.of(jstateArgs));
        return lab(timeout, args.toArray(String[]::new));
    }

    /** The pillar root the lab's master reads: JLAB_PILLAR, else packaging/lab/pillar. */
    Path pillar() {
        return Path.of(env.getOrDefault("JLAB_PILLAR", REPO.resolve("packaging/lab/pillar").toString()));
    }

    /** packaging/lab/openrc: the master host becomes an OpenStack client of the lab's Keystone, as in the quickstart. */
    Procs.Ran openrc() throws Exception {
        return procs.run(List.of(REPO.resolve("packaging/lab/openrc").toString()), env, Duration.ofMinutes(5));
    }

    /** packaging/lab/verify with ARGS, and extra environment (e.g. VERIFY_CLUSTER_SIZE). */
    Procs.Ran verify(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("packaging/lab/verify").toString()));
        cmd.addAll(List.of(args));
        // A lab whose pillar turns Keystone off has none to verify.
        if (!LabPillar.keystone(pillar())) cmd.add("--no-keystone");
        Map<String, String> all = new TreeMap<>(env);
        all.putAll(extraEnv);
        return procs.run(cmd, all, Duration.ofMinutes(3));
    }

    /**
     * The PID of each daemon's oldest process on each host ("none" where it does not run), by "HOST DAEMON".
     * The oldest, not every one: a daemon's short-lived child still carries its name between fork and exec
     * (pacemakerd's did, in CI), and a new child is no restart.
     */
    Map<String, String> pids(List<String> hosts, List<String> daemons) throws Exception {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String h : hosts) {
            for (String d : daemons) out.put(h + " " + d, on(h, "pgrep -o -x " + d + " || echo none").out().trim());
        }
        return out;
    }

    /** The number of changes an orchestration's output totals. */
    static long changes(Procs.Ran r) {
        Matcher m = CHANGES.matcher(r.out());
        assertTrue(m.find(), "no totals in the orchestration's output:\n" + r);
        return Long.parseLong(m.group(2));
    }

    /** A controller's lab address: ctlI is 10.77.0.(10+I), as packaging/lab/lab makes it. */
    static String address(String controller) {
        if (!controller.matches("ctl[1-9][0-9]*")) throw new IllegalArgumentException("not a controller: " + controller);
        return "10.77.0." + (10 + Integer.parseInt(controller.substring(3)));
    }

    /** The controllers that hold the VIP. */
    List<String> vipHolders() throws Exception {
        List<String> out = new ArrayList<>();
        for (String h : CONTROLLERS) {
            if (on(h, "ip -o addr show | grep -q ' " + VIP + "/'").exit() == 0) out.add(h);
        }
        return out;
    }

    /** The controller HAProxy sends the VIP's SQL to now, asked through the VIP with the workload's user (from ctl1). */
    String writeNode() throws Exception {
        Procs.Ran r = on("ctl1", "mysql -h " + VIP + " -u " + io.jstate.it.workload.WorkloadSetup.USER + " -p"
                + io.jstate.it.workload.WorkloadSetup.PASSWORD + " -N -B -e 'SELECT @@wsrep_node_name'");
        String node = r.out().trim();
        if (r.exit() != 0 || !CONTROLLERS.contains(node)) throw new AssertionError("no controller behind the VIP's SQL: " + r);
        return node;
    }

    /** A value a probe returns, polled every second until it equals {@code want} (or is non-empty when {@code want} is null). */
    static String waitFor(Probe probe, String want, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        String got;
        do {
            got = probe.get();
            if (want == null ? !got.isEmpty() : want.equals(got)) return got;
            Thread.sleep(1000);
        } while (System.nanoTime() < end);
        throw new AssertionError("still " + got + " after " + limit.toSeconds() + " s (want " + (want == null ? "a value" : want) + ")");
    }

    @FunctionalInterface
    interface Probe {
        String get() throws Exception;
    }

    /** A Galera status variable on HOST, or the error in parentheses. */
    String galera(String host, String variable) throws Exception {
        Procs.Ran r = on(host, "mysql -N -B -e \"SHOW GLOBAL STATUS LIKE '" + variable + "'\" | cut -f2");
        return r.exit() == 0 ? r.out().trim() : "(" + r.out().trim() + r.err().trim() + ")";
    }
}
