package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.it.workload.AmqpResult;
import io.jstate.it.workload.SqlVerification;
import io.jstate.it.workload.SqlWriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault matrix's counting of Primary components and its table, without a lab. */
class FaultMatrixTest {
    private static List<String[]> samples(long start, String... statusConf) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < statusConf.length; i++) {
            String[] sc = statusConf[i].split(" ");
            out.add(new String[] {"S", String.valueOf(start + i * 500L), sc[0], sc[1]});
        }
        return out;
    }

    @Test
    void oneComponentThroughAViewChangeSeenAFewMillisecondsApartIsOne() {
        // ctl3 leaves: ctl1 sees conf 6 one sample before ctl2 does.
        var s = Map.of("ctl1", samples(0, "Primary 5", "Primary 5", "Primary 6", "Primary 6", "Primary 6", "Primary 6"),
                "ctl2", samples(10, "Primary 5", "Primary 5", "Primary 5", "Primary 6", "Primary 6", "Primary 6"),
                "ctl3", samples(20, "Primary 5", "Primary 5", "non-Primary 5", "non-Primary 5", "down -", "down -"));
        assertEquals(1, FaultMatrix.SplitBrainMonitor.maxPrimary(s));
    }

    @Test
    void twoPrimaryComponentsWithDifferentConfIdsHeldForTwoSecondsAreTwo() {
        var s = Map.of("ctl1", samples(0, "Primary 6", "Primary 6", "Primary 6", "Primary 6", "Primary 6", "Primary 6"),
                "ctl2", samples(10, "Primary 6", "Primary 6", "Primary 6", "Primary 6", "Primary 6", "Primary 6"),
                "ctl3", samples(20, "Primary 7", "Primary 7", "Primary 7", "Primary 7", "Primary 7", "Primary 7"));
        assertEquals(2, FaultMatrix.SplitBrainMonitor.maxPrimary(s));
    }

    @Test
    void noPrimaryAtAllIsZero() {
        var s = Map.of("ctl1", samples(0, "down -", "non-Primary 3"), "ctl2", samples(0, "down -", "down -"));
        assertEquals(0, FaultMatrix.SplitBrainMonitor.maxPrimary(s));
        assertEquals(0, FaultMatrix.SplitBrainMonitor.maxPrimary(Map.of()));
    }

    private static FaultMatrix.Probe ack(String host, long seq, long start, String conf) {
        return new FaultMatrix.Probe(host, seq, start, start + 40, "Primary", conf, true);
    }

    @Test
    void aProbeLineIsParsedAcknowledgedOrNot() {
        var ok = FaultMatrix.SplitBrainMonitor.parseProbe("ctl1", "P 7 1000 1040 ok Primary 12".split(" "));
        assertEquals(new FaultMatrix.Probe("ctl1", 7, 1000, 1040, "Primary", "12", true), ok);
        var failed = FaultMatrix.SplitBrainMonitor.parseProbe("ctl2", "P 8 1000 4003 fail - -".split(" "));
        assertEquals(false, failed.acked());
        assertEquals(null, FaultMatrix.SplitBrainMonitor.parseProbe("ctl1", "S 1000 Primary 12".split(" ")));
        assertEquals(null, FaultMatrix.SplitBrainMonitor.parseProbe("ctl1", "P x 1000 1040 ok Primary 12".split(" ")));
    }

    @Test
    void aViewChangeOfOneComponentIsNoSplitBrainEvenWhenAWriteOfTheOldViewIsAcknowledgedJustAfter() {
        // ctl3 leaves at t=2000: ctl1 writes in view 8 at 2100, ctl2's write ordered before the change acks at 2150 in view 7.
        var probes = List.of(ack("ctl1", 1, 1000, "7"), ack("ctl2", 1, 1010, "7"), ack("ctl3", 1, 1020, "7"), ack("ctl1", 2, 2100, "8"),
                new FaultMatrix.Probe("ctl2", 2, 2080, 2150, "Primary", "7", true), new FaultMatrix.Probe("ctl3", 2, 2000, 5000, "-", "-", false),
                ack("ctl1", 3, 3100, "8"), ack("ctl2", 3, 3100, "8"));
        assertNull(FaultMatrix.SplitBrainMonitor.splitBrainEvidence(probes));
    }

    @Test
    void aStaleNodeStillWritingInTheViewTheOthersLeftIsASplitBrain() {
        // ctl1 resumed after SIGSTOP: still Primary in view 7 while ctl2 and ctl3 write in view 8 since 10000.
        var probes = List.of(ack("ctl1", 1, 1000, "7"), ack("ctl2", 1, 1000, "7"), ack("ctl2", 9, 9960, "8"), ack("ctl3", 9, 9970, "8"),
                ack("ctl2", 10, 11000, "8"), ack("ctl1", 2, 12000, "7"));
        String e = FaultMatrix.SplitBrainMonitor.splitBrainEvidence(probes);
        assertNotNull(e);
        assertTrue(e.startsWith("ctl1 acknowledged probe 2 in view 7 2000 ms after view 8 had taken a write"), e);
    }

    @Test
    void aWriteAcknowledgedByANodeThatIsNotPrimaryIsASplitBrain() {
        var probes = List.of(ack("ctl1", 1, 1000, "7"), new FaultMatrix.Probe("ctl3", 4, 3000, 3030, "non-Primary", "18446744073709551615", true));
        assertEquals("ctl3 acknowledged probe 4 while non-Primary", FaultMatrix.SplitBrainMonitor.splitBrainEvidence(probes));
    }

    @Test
    void aNewClusterBootstrappedAfterAFullOutageIsNoSplitBrainThoughItsConfIdStartsAgain() {
        var probes = List.of(ack("ctl1", 1, 1000, "9"), ack("ctl2", 1, 1000, "9"), new FaultMatrix.Probe("ctl1", 2, 2000, 5000, "-", "-", false),
                ack("ctl1", 30, 60000, "1"), ack("ctl1", 31, 61000, "2"), ack("ctl2", 31, 61500, "2"), ack("ctl3", 40, 70000, "3"));
        assertNull(FaultMatrix.SplitBrainMonitor.splitBrainEvidence(probes));
    }

    @Test
    void theMonitorsLoopMakesOneBoundedProbeWriteANodeWithTheViewReadInTheSameStatement() {
        String loop = FaultMatrix.SplitBrainMonitor.loop("case-01-1", "ctl2", Duration.ofSeconds(600));
        assertTrue(loop.contains("end=$((SECONDS+600))"), loop);
        assertTrue(loop.contains("timeout 3 mysql -N -B -e \"SET SESSION wsrep_sync_wait=0; INSERT INTO jlab_probe.probe (run, node, seq, t, status, conf)"
                + " SELECT 'case-01-1', 'ctl2', $n, $t0, MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_STATUS'"), loop);
    }

    @Test
    void theTableHasOneLineACaseAndTheRunnersErrorsBelow() {
        var w = new SqlWriteResult(1, 400, 380, 20, 0.05, 7300, Map.of());
        var v = new SqlVerification(380, List.of("a", "b", "c"), List.of(), 0, 0, 3, 0, List.of());
        var a = new AmqpResult(1, 500, 498, 0, 2, 498, 0, 0, 0, 1, 4000, Map.of(), List.of());
        var ok = new FaultMatrix.Row("Galera: write node mariadbd kill -9", "ctl1", w, "repaired (2 changes)", true, Duration.ofSeconds(41),
                Duration.ofSeconds(55), v, a, new FaultMatrix.SplitBrain(1, 2, 120, 0, null), null);
        var bad = new FaultMatrix.Row("RabbitMQ: stop_app on ctl2", "-", null, "not run", false, null, null, null, null, null, "the lab was not healthy");
        String t = FaultMatrix.table(List.of(ok, bad));
        assertTrue(t.contains("| Galera: write node mariadbd kill -9 (ctl1) | 5.0% (20/400) | 7.3 s | repaired (2 changes) in 41 s | 55 s | 0 of 380"
                + " + 0 of 120 probes | 0 of 498 | 1 (2) |\n"), t);
        assertTrue(t.contains("| RabbitMQ: stop_app on ctl2 | ? | ? | not run | never | ? | ? | ? |\n"), t);
        assertTrue(t.endsWith("- RabbitMQ: stop_app on ctl2: the lab was not healthy\n"), t);
        assertEquals(-1, bad.ackedLost());
        assertEquals(0, ok.ackedLost());
        assertEquals(-1, bad.writableComponents());
        var probeLost = new FaultMatrix.Row("x", "-", w, "repaired (0 changes)", true, Duration.ZERO, Duration.ZERO, v, a,
                new FaultMatrix.SplitBrain(1, 1, 120, 2, "ctl1 lacks acknowledged probes [ctl3 7, ctl3 8]"), null);
        assertEquals(2, probeLost.ackedLost());
        // Parked messages count with the running workload's: one missing after the fault is one lost.
        var parkedLost = new FaultMatrix.Row("y", "-", w, "repaired (0 changes)", true, Duration.ZERO, Duration.ZERO, v, a,
                new FaultMatrix.SplitBrain(1, 1, 120, 0, null), null, null, null,
                new io.jstate.it.workload.AmqpParked.Result(1, 50, 50, 49, 1, 0, List.of(1_000_007L)), null);
        assertEquals(1, parkedLost.confirmedLost());
        assertTrue(FaultMatrix.table(List.of(parkedLost)).contains("| 1 of 498 + 50 parked |"), FaultMatrix.table(List.of(parkedLost)));
        // The running workload's confirmed messages still in the queue after the repair are late,
        // not lost; one in neither place is lost.
        var missing = new AmqpResult(1, 500, 498, 0, 2, 495, 3, 0, 0, 1, 4000, Map.of(), List.of(1_000_001L, 1_000_002L, 1_000_003L));
        var late = new FaultMatrix.Row("z", "-", w, "repaired (3 changes)", true, Duration.ZERO, Duration.ZERO, v, missing,
                new FaultMatrix.SplitBrain(1, 1, 120, 0, null), null, null, null, null,
                new io.jstate.it.workload.AmqpParked.Result(1, 498, 3, 2, 1, 0, List.of(1_000_003L)));
        assertEquals(1, late.confirmedLost());
        assertTrue(FaultMatrix.table(List.of(late)).contains("| 1 of 498 (2 got after the repair) |"), FaultMatrix.table(List.of(late)));
        var noLook = new FaultMatrix.Row("z", "-", w, "repaired (3 changes)", true, Duration.ZERO, Duration.ZERO, v, missing,
                new FaultMatrix.SplitBrain(1, 1, 120, 0, null), null);
        assertEquals(3, noLook.confirmedLost());
    }

    @Test
    void theOrchestrationsOutcomeIsRepairedRefusedWithItsReasonOrFailed() {
        assertEquals("repaired (3 changes)", FaultMatrix.outcome(new Procs.Ran(0, "done: 18 stages, 3 changes\n", "", Duration.ofSeconds(30))));
        assertEquals("refused: [3/18] galera-elect: election 'galera' refused: full outage, but ctl3 have data",
                FaultMatrix.outcome(new Procs.Ran(1, "[3/18] galera-elect: election 'galera' refused: full outage, but ctl3 have data\n", "", Duration.ZERO)));
        assertEquals("failed: exit 1: ctl2: refused the job: bad signature",
                FaultMatrix.outcome(new Procs.Ran(1, "ctl2: refused the job: bad signature\n", "", Duration.ZERO)));
        assertEquals("failed: [9/18] rabbitmq-server: 1 minion failed", FaultMatrix.outcome(new Procs.Ran(1, "[9/18] rabbitmq-server: 1 minion failed\n",
                "", Duration.ZERO)));
        assertTrue(FaultMatrix.outcome(null).startsWith("failed: still running after "));
        assertEquals("failed: exit 2", FaultMatrix.outcome(new Procs.Ran(2, "", "", Duration.ZERO)));
    }

    @Test
    void viewIdsCountedAgainAfterAFullOutageAreOtherViews() {
        // Before: views 4 and 5 of the old cluster; then every node down for 20 s; then a cluster
        // bootstrapped anew counts 1, 2, ... 5 again while ctl1 joins late: no split brain.
        var probes = new ArrayList<FaultMatrix.Probe>(List.of(ack("ctl1", 1, 1000, "4"), ack("ctl2", 1, 1010, "4"), ack("ctl2", 2, 3000, "5"),
                ack("ctl2", 3, 24_000, "1"), ack("ctl2", 4, 26_000, "2"), ack("ctl3", 5, 28_000, "3"), ack("ctl2", 6, 30_000, "5"),
                ack("ctl1", 7, 45_000, "5")));
        assertNull(FaultMatrix.SplitBrainMonitor.splitBrainEvidence(probes));
        // Without the outage (writes all along), a node still writing in view 5 after view 1 began is one.
        var stale = new ArrayList<FaultMatrix.Probe>(List.of(ack("ctl2", 1, 1000, "5"), ack("ctl2", 2, 3000, "1"), ack("ctl3", 3, 3500, "1"),
                ack("ctl1", 4, 6000, "5")));
        assertNotNull(FaultMatrix.SplitBrainMonitor.splitBrainEvidence(stale));
    }
}
