package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.it.workload.WorkloadSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The fault matrix ({@link FaultMatrix#CASES}) on one lab (instance mx) with the backend deployed
 * once: prints the table (and writes it to the it logs, fault-matrix.md), then asserts the
 * invariants of every case: no acknowledged write lost (the workload's, and the split-brain
 * monitor's probe writes), no confirmed message lost, never more than one component taking writes, and an orchestration that repaired or refused with a reason.
 *
 * <p>System properties: {@code jstate.matrix.cases}, a regular expression the cases' names must
 * contain to run (default: every case); {@code jstate.matrix.reuseLab=true} runs on the lab of
 * {@code jstate.matrix.labId} (default mx) as it is, deployed already, and leaves it up;
 * {@code jstate.matrix.layout} the layout ({@link MatrixLayout}: openstack-ha, the default, or
 * pacemaker, which {@link FaultMatrixPacemakerLabIT} runs).
 */
class FaultMatrixLabIT {
    @Test
    @Timeout(value = 120, unit = TimeUnit.MINUTES)
    void everyFaultIsSurvivedWithoutLosingAcknowledgedWritesOrConfirmedMessages() throws Exception {
        run(MatrixLayout.fromProperty(), "mx", "fault-matrix");
    }

    /**
     * The matrix of {@code layout} on the lab {@code jstate.matrix.labId} (default
     * {@code defaultLabId}), its logs under it-logs/{@code logsName}: deploys it with the layout's
     * orchestration (unless reused), runs its cases, prints the table, asserts every row's invariants.
     */
    static void run(MatrixLayout layout, String defaultLabId, String logsName) throws Exception {
        boolean reuse = Boolean.getBoolean("jstate.matrix.reuseLab");
        // The backend alone: no Keystone to install, repair and check in this lab (OpenstackHaLabIT
        // runs OpenStack's clients through single-node losses).
        Path pillar = LabPillar.withoutKeystone(LabPillar.copy(Path.of(System.getProperty("jstate.itLogs", "target/it-logs")).resolve(logsName + "-pillar")));
        Lab lab = new Lab(logsName, Map.of("JLAB_ID", System.getProperty("jstate.matrix.labId", defaultLabId), "JLAB_PILLAR", pillar.toAbsolutePath().toString()));
        Pattern only = Pattern.compile(System.getProperty("jstate.matrix.cases", ""));
        List<FaultMatrix.FaultCase> cases = layout.cases().stream().filter(c -> only.matcher(c.name()).find()).toList();
        List<FaultMatrix.Row> skipped = new ArrayList<>();
        layout.skipped().forEach((name, why) -> {
            if (only.matcher(name).find()) skipped.add(FaultMatrix.Row.skipped(name, why));
        });
        assertTrue(!cases.isEmpty(), "no case's name matches jstate.matrix.cases=" + only + " in the layout " + layout.id());
        List<FaultMatrix.Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            if (!reuse) {
                lab.up(3);
                System.out.printf("fault matrix: lab up in %d s%n", secs(t0));
                long t1 = System.nanoTime();
                Procs.Ran deploy = lab.orchestrate(layout.orchestration());
                assertEquals(0, deploy.exit(), deploy.toString());
                System.out.printf("fault matrix: deployed %s in %d s%n", layout.orchestration(), secs(t1));
            }
            List<String> setups = layout.rabbitmq() ? List.of(WorkloadSetup.sql(), WorkloadSetup.amqp()) : List.of(WorkloadSetup.sql());
            for (String setup : setups) {
                Procs.Ran r = lab.on("ctl1", setup);
                assertEquals(0, r.exit(), r.toString());
            }
            FaultMatrix matrix = new FaultMatrix(lab, layout);
            assertTrue(matrix.healthyWithin(FaultMatrix.HEALTHY_BOUND), "the lab is healthy before the first case");
            long t2 = System.nanoTime();
            rows.addAll(matrix.run(cases));
            System.out.printf("fault matrix (%s): %d cases in %d s%n", layout.id(), rows.size(), secs(t2));
        } finally {
            rows.addAll(skipped);
            String table = FaultMatrix.table(rows);
            System.out.println("fault matrix (" + layout.id() + "):\n" + table);
            Files.writeString(lab.logs().resolve("fault-matrix.md"), table);
            if (!reuse) lab.close();
        }
        List<Executable> checks = new ArrayList<>();
        for (FaultMatrix.Row r : rows) checks.addAll(FaultMatrix.invariants(r));
        assertAll(checks);
    }

    private static long secs(long since) {
        return (System.nanoTime() - since) / 1_000_000_000L;
    }
}
