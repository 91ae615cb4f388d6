package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void theTableHasOneLineACaseAndTheRunnersErrorsBelow() {
        var w = new SqlWriteResult(1, 400, 380, 20, 0.05, 7300, Map.of());
        var v = new SqlVerification(380, List.of("a", "b", "c"), List.of(), 0, 0, 3, 0, List.of());
        var a = new AmqpResult(1, 500, 498, 0, 2, 498, 0, 0, 0, 1, 4000, Map.of(), List.of());
        var ok = new FaultMatrix.Row("Galera: write node mariadbd kill -9", "ctl1", w, "repaired (2 changes)", true, Duration.ofSeconds(41),
                Duration.ofSeconds(55), v, a, 1, null);
        var bad = new FaultMatrix.Row("RabbitMQ: stop_app on ctl2", "-", null, "not run", false, null, null, null, null, -1, "the lab was not healthy");
        String t = FaultMatrix.table(List.of(ok, bad));
        assertTrue(t.contains("| Galera: write node mariadbd kill -9 (ctl1) | 5.0% (20/400) | 7.3 s | repaired (2 changes) in 41 s | 55 s | 0 of 380"
                + " | 0 of 498 | 1 |\n"), t);
        assertTrue(t.contains("| RabbitMQ: stop_app on ctl2 | ? | ? | not run | never | ? | ? | ? |\n"), t);
        assertTrue(t.endsWith("- RabbitMQ: stop_app on ctl2: the lab was not healthy\n"), t);
        assertEquals(-1, bad.ackedLost());
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
}
