package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault matrix's layouts, the Pacemaker layout's cases and its reading of pacemaker.log, without a lab. */
class MatrixLayoutTest {
    @Test
    void anUnknownLayoutIsRefusedNamingTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> MatrixLayout.of("pcs"));
        assertEquals("jstate.matrix.layout=pcs is not a layout of the fault matrix; known: openstack-ha, pacemaker", e.getMessage());
        assertEquals(MatrixLayout.PACEMAKER, MatrixLayout.of("pacemaker"));
        assertEquals("pacemaker-ha", MatrixLayout.PACEMAKER.orchestration());
        assertEquals(List.of("--layout", "pacemaker"), List.of(MatrixLayout.PACEMAKER.verifyArgs()));
    }

    @Test
    void thePacemakerLayoutRunsOnlyGaleraCasesAndSaysWhyItSkipsTheOthers() {
        List<String> names = MatrixLayout.PACEMAKER.cases().stream().map(FaultMatrix.FaultCase::name).toList();
        assertTrue(names.stream().allMatch(n -> n.startsWith("Galera")), names.toString());
        assertTrue(names.contains("Galera: write node mariadbd kill -9"), names.toString());
        // The cases that stop mariadbd with its init script run as Pacemaker-shaped equivalents.
        assertTrue(names.contains("Galera outage: all three in standby in turn (ctl1, ctl3, ctl2 last), then all online"), names.toString());
        assertFalse(names.contains("Galera outage: all three stopped cleanly in turn (ctl1, ctl3, ctl2 last)"), names.toString());
        int galera = MatrixGaleraCases.CASES.size() + MatrixOutageCases.CASES.size();
        assertEquals(galera, names.size() + MatrixLayout.PACEMAKER.skipped().size(), "every Galera case runs or is skipped with a reason");
        MatrixLayout.PACEMAKER.skipped().values().forEach(why -> assertTrue(why.startsWith("on pacemaker-ha "), why));
        assertEquals("n/a: no RabbitMQ in pacemaker-ha", MatrixLayout.PACEMAKER.noAmqp());
        assertEquals(null, MatrixLayout.OPENSTACK_HA.noAmqp());
    }

    @Test
    void whatPacemakerDidIsReadFromItsLogInTimeOrderEachFactOnce() {
        // Lines as pacemaker.log has them (Pacemaker 2.1.5, resource-agents' galera), from two hosts, out of order.
        List<String> lines = List.of(
                "ctl1: Dec 07 12:34:09  galera(galera)[2876]:    INFO: attempting to detect last commit version by reading /var/lib/mysql/grastate.dat",
                "ctl1: Dec 07 12:34:14  galera(galera)[2876]:    INFO: Last commit version found:  1234",
                "ctl1: Dec 07 12:34:17  galera(galera)[2876]:    INFO: Promoting ctl3 to be our bootstrap node",
                "ctl2: Dec 07 12:34:01.383 ctl2 pacemaker-schedulerd[2235] (log_list_item) \tnotice: Actions: Recover    galera:2      ( Promoted ctl1 )",
                "ctl2: Dec 07 12:34:02.383 ctl2 pacemaker-schedulerd[2235] (log_list_item) \tnotice: Actions: Recover    galera:2      ( Promoted ctl1 )",
                "ctl1: Dec 07 12:34:00.100 ctl1 pacemaker-controld  [2233] (log_executor_event) \terror: Result of monitor operation for galera on ctl1:"
                        + " not running | CIB update 40, graph action confirmed; call=21 key=galera_monitor_10000 rc=7",
                "ctl1: Dec 07 12:34:17.983 ctl1 pacemaker-controld  [2233] (log_executor_event) \tnotice: Result of start operation for galera on ctl1:"
                        + " ok | CIB update 30, graph action confirmed; call=20 key=galera_start_0 rc=0",
                "ctl1: Dec 07 12:34:22.207 ctl1 pacemaker-controld  [2233] (log_executor_event) \tnotice: Result of monitor operation for galera on ctl1:"
                        + " ok | CIB update 32, graph action unconfirmed; call=21 key=galera_monitor_20000 rc=0",
                "ctl3: Dec 07 12:33:59.000 ctl3 pacemaker-controld  [2239] (quorum_notification_cb) \tnotice: Quorum lost | membership=17 members=1");
        assertEquals("quorum lost on ctl3; ctl1 galera monitor: not running; scheduled Recover galera (Promoted ctl1);"
                + " agent on ctl1: Last commit version found: 1234; agent on ctl1: Promoting ctl3 to be our bootstrap node; ctl1 galera start: ok",
                MatrixLayout.summarize(lines));
        assertEquals("nothing (no action, no failed operation in pacemaker.log)", MatrixLayout.summarize(List.of()));
    }
}
