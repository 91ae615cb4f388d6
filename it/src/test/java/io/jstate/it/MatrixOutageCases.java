package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault matrix's Galera outages and disk faults ({@link FaultMatrix}): one line a case. They
 * run last: they leave the lab furthest from healthy. A case whose orchestration must repair has
 * no undo; each rescue is what an operator would do (see NOTES.md, "Galera outages and disk faults").
 */
final class MatrixOutageCases {
    static final List<FaultCase> CASES = List.of(
            new FaultCase("Galera outage: grastate.dat removed on stopped ctl3", Target.host("ctl3"), FaultMatrix.HOLD,
                    (f, h) -> f.stop(h, "mariadb") + "; " + f.grastate("rm", h), null, null),
            new FaultCase("Galera outage: grastate.dat corrupted on stopped ctl2", Target.host("ctl2"), FaultMatrix.HOLD,
                    (f, h) -> f.stop(h, "mariadb") + "; " + f.grastate("corrupt", h), null, null),
            new FaultCase("Galera disk: ctl3's data folder full 30 s, freed before the orchestration", Target.host("ctl3"),
                    Duration.ofSeconds(30), (f, h) -> f.diskFull(h), (f, h) -> f.diskFree(h), null),
            new FaultCase("Galera outage: the donor killed -9 during ctl3's SST", Target.host("ctl3"), FaultMatrix.HOLD,
                    MatrixOutageCases::killDonorDuringSst, null, null),
            new FaultCase("Galera outage: all three mariadbd kill -9, ctl1 first", Target.host("ctl1"), FaultMatrix.HOLD,
                    MatrixOutageCases::killAll, null, null),
            new FaultCase("Galera outage: all three stopped cleanly in turn (ctl1, ctl3, ctl2 last)", Target.host("ctl2"),
                    FaultMatrix.HOLD, MatrixOutageCases::stopAllInTurn, null, null));

    /** The joiner's SST and the watch for its donor; both end by themselves well before. */
    private static final Duration SST_BOUND = Duration.ofMinutes(2);
    /**
     * The joiner's init script: Debian's waits MYSQLD_STARTUP_TIMEOUT (the formula's sync_timeout)
     * for a ping even after its mariadbd aborted, so it is cut at this bound; an SST of the lab's
     * data is over in 20 s.
     */
    private static final Duration JOINER_START_BOUND = Duration.ofSeconds(90);
    private static final String WATCH_STOP = "/tmp/jlab-sst-donor-watch.stop";
    /**
     * Inside a possible donor: polls its state five times a second and, 2 s into Donor/Desynced
     * (mariabackup streaming by then), kills -9 mysqld_safe and mariadbd; ends at its bound or when
     * {@link #WATCH_STOP} appears.
     */
    private static final String WATCH = "rm -f " + WATCH_STOP + "; end=$((SECONDS+" + SST_BOUND.toSeconds() + ")); "
            + "while (( SECONDS < end )) && [[ ! -e " + WATCH_STOP + " ]]; do "
            + "s=$(timeout 2 mysql -N -B -e \"SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'\" 2>/dev/null | cut -f2); "
            + "if [[ $s == Donor* ]]; then sleep 2; pids=$(pgrep -x mysqld_safe; pgrep -x mariadbd; true); kill -9 $pids; "
            + "echo \"DONOR $(hostname): killed mysqld_safe and mariadbd (pid $(echo $pids)) 2 s into $s\"; exit 0; fi; "
            + "sleep 0.2; done; echo 'never a donor'; exit 3";

    /**
     * The donor killed during a joiner's SST: {@code joiner} stopped cleanly, its grastate.dat
     * removed (so that only a full SST can bring it back), started again in the background; the
     * node that becomes its donor is killed (-9, mysqld_safe too) 2 s into the transfer. The line
     * says which node was the donor and how the joiner's start ended.
     */
    static String killDonorDuringSst(Faults f, String joiner) throws Exception {
        Lab lab = f.lab();
        String stopped = f.stop(joiner, "mariadb");
        Procs.Ran rm = lab.on(joiner, "rm -f /var/lib/mysql/grastate.dat");
        if (rm.exit() != 0) throw new IllegalStateException("cannot remove grastate.dat in " + joiner + ": " + rm);
        Map<String, Procs.Proc> watches = new LinkedHashMap<>();
        for (String h : Lab.CONTROLLERS) if (!h.equals(joiner)) watches.put(h, lab.background("sst-donor-watch-" + h, h, WATCH));
        Procs.Proc start = lab.background("sst-joiner-start-" + joiner, joiner,
                "timeout -k 5 " + JOINER_START_BOUND.toSeconds() + " /etc/init.d/mariadb start; echo \"START EXIT $?\"");
        String donor = null;
        long end = System.nanoTime() + SST_BOUND.plusSeconds(10).toNanos();
        while (donor == null && System.nanoTime() < end) {
            for (Map.Entry<String, Procs.Proc> w : watches.entrySet()) {
                if (!w.getValue().alive() && w.getValue().output().contains("DONOR")) donor = w.getKey();
            }
            if (donor == null && watches.values().stream().noneMatch(Procs.Proc::alive)) break;
            Thread.sleep(200);
        }
        for (String h : watches.keySet()) lab.on(h, "touch " + WATCH_STOP);
        for (Procs.Proc w : watches.values()) lab.stop(w, Duration.ofSeconds(10));
        long startEnd = System.nanoTime() + JOINER_START_BOUND.plusSeconds(60).toNanos();
        while (start.alive() && System.nanoTime() < startEnd) Thread.sleep(500);
        lab.stop(start, Duration.ofSeconds(10));
        String started = start.output().lines().filter(l -> l.startsWith("START EXIT")).findFirst()
                .orElse("START EXIT ? (still waiting, stopped)");
        if (donor == null) throw new IllegalStateException("no node became " + joiner + "'s donor within " + SST_BOUND.toSeconds() + " s");
        String killed = watches.get(donor).output().lines().filter(l -> l.startsWith("DONOR")).findFirst().orElseThrow();
        return stopped + "; removed " + joiner + "'s grastate.dat, started it (SST); " + killed.substring("DONOR ".length())
                + "; the joiner's /etc/init.d/mariadb start: exit " + started.substring("START EXIT ".length());
    }

    /** How long the survivors take writes between two nodes' deaths, so that their positions differ. */
    private static final Duration BETWEEN = Duration.ofSeconds(12);

    /**
     * A full crash: mysqld_safe first (it would start mariadbd again), then mariadbd, on {@code first}
     * alone; the other two take writes for a while, then die the same way. Nothing starts them
     * again: the orchestration must recover from the most advanced node (not {@code first}).
     */
    static String killAll(Faults f, String first) throws Exception {
        List<String> done = new ArrayList<>();
        done.add(crash(f, first));
        Thread.sleep(BETWEEN.toMillis());
        for (String h : Lab.CONTROLLERS) if (!h.equals(first)) done.add(crash(f, h));
        return String.join("; ", done);
    }

    private static String crash(Faults f, String h) throws Exception {
        return f.kill(h, "mysqld_safe") + ", " + f.kill(h, "mariadbd");
    }

    /** ctl1, then ctl3, then ctl2 stopped through the init script: ctl2 leaves last, with safe_to_bootstrap: 1. */
    static String stopAllInTurn(Faults f, String last) throws Exception {
        return allInTurn(f, last, (x, h) -> x.stop(h, "mariadb"));
    }

    /** {@code stop} on each controller in turn, {@code last} last, the survivors taking writes for {@link #BETWEEN} in between. */
    static String allInTurn(Faults f, String last, FaultMatrix.Action stop) throws Exception {
        List<String> order = new ArrayList<>(Lab.CONTROLLERS);
        order.remove(last);
        order.add(last);
        Map<String, String> done = new LinkedHashMap<>();
        for (String h : order) {
            done.put(h, stop.run(f, h));
            if (!h.equals(last)) Thread.sleep(BETWEEN.toMillis());
        }
        return String.join("; ", done.values());
    }

    private MatrixOutageCases() {}
}
