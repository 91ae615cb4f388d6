package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fault matrix's cases of jstate itself (master, minion, a host's reboot). The master and minion
 * faults are made while an orchestration runs: the inject starts {@code jstate orchestrate
 * openstack-ha} in the background, waits until a stage runs on the minions, makes the fault and
 * checks how that orchestration ended (the CLI must end by itself, within its bound, saying what
 * went away); the matrix's own orchestration afterwards is the re-run that must complete.
 */
final class MatrixJstateCases {
    /** How long the interrupted orchestration may take to end after the fault: never a hang. */
    static final Duration ENDS_WITHIN = Duration.ofSeconds(120);
    private static final String CLI = "/usr/bin/jstate --config /etc/jstate/master.yaml";
    /** A stage's start past the first one (the hosts stage is over in seconds): "[2/18] galera-install: apply ...". */
    private static final Pattern STAGE_RUNS = Pattern.compile("^\\[([2-9]|1\\d)/\\d+\\] \\S+: apply ");

    static final List<FaultCase> CASES = List.of(
            new FaultCase("jstate: the master killed mid-orchestration", Target.host("master"), FaultMatrix.HOLD,
                    (f, h) -> duringOrchestration(f, "master-killed", () -> f.lab().on("master", "kill -9 $(cat /run/jstate-master.pid) && echo killed the master, pid $(cat /run/jstate-master.pid)").out().trim(),
                            Pattern.compile("the master does not answer any more: it went away")),
                    (f, h) -> f.start("master", "jstate-master") + "; " + awaitMinions(f.lab(), Duration.ofSeconds(120)),
                    (f, h) -> f.start("master", "jstate-master") + "; " + awaitMinions(f.lab(), Duration.ofSeconds(120))),
            new FaultCase("jstate: the minion of ctl2 killed mid-stage", Target.host("ctl2"), FaultMatrix.HOLD,
                    (f, h) -> duringOrchestration(f, "minion-killed", () -> f.kill(h, "java"), Pattern.compile("\\b" + h + "\\b.*(?i)(lost|gone|disconnect|did not return|not connected)|(?i)(lost|gone|disconnect|did not return|not connected).*\\b" + h + "\\b")),
                    (f, h) -> f.start(h, "jstate-minion") + "; " + awaitMinions(f.lab(), Duration.ofSeconds(120)),
                    (f, h) -> f.start(h, "jstate-minion") + "; " + awaitMinions(f.lab(), Duration.ofSeconds(120))),
            new FaultCase("jstate: ctl2 rebooted", Target.host("ctl2"), FaultMatrix.HOLD, (f, h) -> f.reboot(h), null, null));

    @FunctionalInterface
    interface Fault {
        String make() throws Exception;
    }

    /**
     * Starts an orchestration in the background, makes {@code fault} once a stage runs, and waits
     * (at most {@link #ENDS_WITHIN}) for that orchestration to end; it must have failed with a line
     * that {@code said} finds. Returns what happened, with the line.
     */
    static String duringOrchestration(Faults f, String name, Fault fault, Pattern said) throws Exception {
        Lab lab = f.lab();
        Procs.Proc orch = lab.background(name + "-orchestrate", "master", "timeout 900 " + CLI + " orchestrate openstack-ha");
        try {
            orch.awaitLine(l -> STAGE_RUNS.matcher(l).find(), Duration.ofSeconds(180), "stage after the first");
            Thread.sleep(2000);
            // The stage that runs when the fault is made: the last one begun (a converged stage takes a second or two).
            String stage = "";
            for (String l : orch.output().split("\n")) if (STAGE_RUNS.matcher(l).find()) stage = l;
            String made = fault.make();
            long t0 = System.nanoTime();
            long end = t0 + ENDS_WITHIN.toNanos();
            while (orch.alive() && System.nanoTime() < end) Thread.sleep(500);
            long s = (System.nanoTime() - t0) / 1_000_000_000L;
            if (orch.alive()) throw new AssertionError("the orchestration still ran " + s + " s after: " + made + "; its output ends:\n" + tail(orch.output(), 15));
            int exit = orch.process().exitValue();
            String out = orch.output();
            String line = null;
            for (String l : out.split("\n")) if (said.matcher(l).find() && !l.contains(": apply ")) line = l.trim();
            if (exit == 0 || line == null) {
                throw new AssertionError("the orchestration interrupted at '" + stage.trim() + "' by '" + made + "' ended with exit " + exit
                        + " and no line saying so (" + said + "); its output ends:\n" + tail(out, 15));
            }
            return made + " at '" + stage.trim() + "'; the orchestration ended " + s + " s later, exit " + exit + ": " + line;
        } finally {
            if (orch.alive()) lab.stop(orch, Duration.ofSeconds(10));
        }
    }

    /** Waits until the master answers and lists every controller connected; how long that took. */
    static String awaitMinions(Lab lab, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        String last = "";
        while (true) {
            Procs.Ran r = lab.jstate(Duration.ofSeconds(60), "minions");
            long s = (System.nanoTime() - t0) / 1_000_000_000L;
            last = (r.out() + r.err()).trim();
            if (r.exit() == 0 && last.contains(Lab.CONTROLLERS.size() + " minions, " + Lab.CONTROLLERS.size() + " connected")) {
                return "every minion connected after " + s + " s";
            }
            if (s > limit.toSeconds()) throw new AssertionError("not every minion connected after " + s + " s: " + last);
            Thread.sleep(2000);
        }
    }

    private static String tail(String out, int lines) {
        String[] all = out.split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }

    private MatrixJstateCases() {}
}
