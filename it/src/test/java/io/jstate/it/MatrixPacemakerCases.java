package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fault matrix's Galera cases ({@link MatrixGaleraCases}, {@link MatrixOutageCases}) on the
 * Pacemaker layout ({@link MatrixLayout#PACEMAKER}), where Pacemaker owns mariadbd: the same cases
 * where they apply as they are; a Pacemaker-shaped equivalent where a case stops or starts
 * mariadbd with its init script (an operator stops a node Pacemaker runs by putting it in standby,
 * and brings it back with {@code crm node online}); the rest skipped, with the reason the table
 * prints.
 */
final class MatrixPacemakerCases {
    /** Pacemaker-shaped equivalents, by the name of the case they stand for. */
    private static final Map<String, FaultCase> EQUIVALENT = Map.of(
            "Galera: write node mariadbd SIGSTOP 60 s, then CONT",
            // Pacemaker's monitor times out (30 s) and its recovery kills the stopped server: the undo
            // resumes what is still there.
            new FaultCase("Galera: write node mariadbd SIGSTOP 60 s, then CONT (if Pacemaker has not killed it)", FaultMatrix.Target.WRITE_NODE,
                    Duration.ofSeconds(60), (f, h) -> f.pause(h, "mariadbd"), MatrixPacemakerCases::resumeIfThere, null),
            "Galera outage: grastate.dat removed on stopped ctl3",
            new FaultCase("Galera outage: grastate.dat removed on ctl3 in standby, then online", FaultMatrix.Target.host("ctl3"), FaultMatrix.HOLD,
                    (f, h) -> standby(f, h) + "; " + f.grastate("rm", h), (f, h) -> online(f, List.of(h)), (f, h) -> online(f, Lab.CONTROLLERS)),
            "Galera outage: grastate.dat corrupted on stopped ctl2",
            new FaultCase("Galera outage: grastate.dat corrupted on ctl2 in standby, then online", FaultMatrix.Target.host("ctl2"), FaultMatrix.HOLD,
                    (f, h) -> standby(f, h) + "; " + f.grastate("corrupt", h), (f, h) -> online(f, List.of(h)), (f, h) -> online(f, Lab.CONTROLLERS)),
            "Galera outage: all three stopped cleanly in turn (ctl1, ctl3, ctl2 last)",
            new FaultCase("Galera outage: all three in standby in turn (ctl1, ctl3, ctl2 last), then all online", FaultMatrix.Target.host("ctl2"),
                    FaultMatrix.HOLD, MatrixPacemakerCases::standbyAllInTurn, (f, h) -> online(f, Lab.CONTROLLERS), (f, h) -> online(f, Lab.CONTROLLERS)));

    /** The cases not run on this layout, and why. */
    static final Map<String, String> SKIPPED = Map.of(
            "Galera disk: ctl3's data folder full 30 s, freed before the orchestration",
            "on pacemaker-ha the injector's disk-full restarts mariadbd with its init script to move the data folder, which"
                    + " Pacemaker owns here (its monitor would start a second server beside it)",
            "Galera outage: the donor killed -9 during ctl3's SST",
            "on pacemaker-ha the case starts the joiner with /etc/init.d/mariadb, which Pacemaker owns here; the agent's"
                    + " SST is rsync, started by Pacemaker");

    /** Every Galera case of the openstack-ha layout, as it runs on this layout (the skipped ones left out). */
    static final List<FaultCase> CASES = cases();

    private static List<FaultCase> cases() {
        List<FaultCase> out = new ArrayList<>();
        List<FaultCase> galera = new ArrayList<>(MatrixGaleraCases.CASES);
        galera.addAll(MatrixOutageCases.CASES);
        for (FaultCase c : galera) {
            if (SKIPPED.containsKey(c.name())) continue;
            out.add(EQUIVALENT.getOrDefault(c.name(), c));
        }
        return List.copyOf(out);
    }

    /** The names of the skipped cases in the order of the openstack-ha layout's list. */
    static List<String> skippedInOrder() {
        List<String> out = new ArrayList<>();
        List<FaultCase> galera = new ArrayList<>(MatrixGaleraCases.CASES);
        galera.addAll(MatrixOutageCases.CASES);
        for (FaultCase c : galera) if (SKIPPED.containsKey(c.name())) out.add(c.name());
        return out;
    }

    /** How long Pacemaker may take to stop Galera on a node put in standby. */
    private static final Duration STOPPED_BOUND = Duration.ofSeconds(150);

    /** {@code crm node standby HOST}, then waits (bounded) until no mariadbd runs there. */
    static String standby(Faults f, String host) throws Exception {
        Lab lab = f.lab();
        Procs.Ran r = lab.on(host, "crm_attribute --node " + host + " --name standby --update on");
        if (r.exit() != 0) throw new IllegalStateException("crm_attribute standby on " + host + ": " + r);
        long t0 = System.nanoTime();
        long end = t0 + STOPPED_BOUND.toNanos();
        while (lab.on(host, "pgrep -x mariadbd >/dev/null").exit() == 0) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("mariadbd still runs on " + host + " " + STOPPED_BOUND.toSeconds() + " s after its standby");
            }
            Thread.sleep(1000);
        }
        return host + " in standby, Pacemaker stopped its mariadbd in " + (System.nanoTime() - t0) / 1_000_000_000L + " s";
    }

    /** {@code crm node online} for each host (the standby attribute removed). */
    static String online(Faults f, List<String> hosts) throws Exception {
        List<String> done = new ArrayList<>();
        for (String h : hosts) {
            Procs.Ran r = f.lab().on(h, "crm_attribute --node " + h + " --name standby --delete");
            if (r.exit() != 0) throw new IllegalStateException("crm_attribute --delete standby on " + h + ": " + r);
            done.add(h);
        }
        return String.join(", ", done) + " online (standby removed)";
    }

    /** SIGCONT of mariadbd where one still runs; Pacemaker's recovery may have killed it. */
    static String resumeIfThere(Faults f, String host) throws Exception {
        if (f.lab().on(host, "pgrep -x mariadbd >/dev/null").exit() != 0) {
            return "no mariadbd on " + host + " to resume: Pacemaker's recovery had killed it";
        }
        return f.resume(host, "mariadbd");
    }

    /** ctl1, then ctl3, then {@code last} put in standby, the survivors taking writes in between. */
    static String standbyAllInTurn(Faults f, String last) throws Exception {
        return MatrixOutageCases.allInTurn(f, last, MatrixPacemakerCases::standby);
    }

    private MatrixPacemakerCases() {}
}
