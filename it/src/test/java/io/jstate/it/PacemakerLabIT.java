package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Pacemaker layout of the HA backend in a real lab (packaging/lab/lab, instance {@value #LAB_ID},
 * so that it runs beside the default lab): corosync and Pacemaker on three controllers run Galera as
 * a promotable clone, a haproxy clone and the VIP. The tests run in order on one lab: a fresh deploy
 * checked from the daemons, then a converged re-run. The DRBD layout of the formula is not run here
 * (no DRBD kernel module in namespaces): PacemakerFormulaTest renders it and checks it with
 * crm_verify.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PacemakerLabIT {
    private static final String LAB_ID = "pm";
    private static final List<String> CONTROLLERS = Lab.CONTROLLERS;

    private Lab lab;

    @BeforeAll
    void up() throws Exception {
        lab = new Lab("lab-" + LAB_ID, Map.of("JLAB_ID", LAB_ID)).up(3);
    }

    @AfterAll
    void down() throws Exception {
        if (lab != null) lab.close();
        assertEquals("", new String(new ProcessBuilder("sh", "-c", "ip netns list | grep '^jlab-" + LAB_ID + "-' || true")
                .start().getInputStream().readAllBytes()), "lab down leaves no namespace of its instance");
    }

    private Procs.Ran on(String host, String shell) throws Exception {
        return lab.on(host, shell);
    }

    private Procs.Ran orchestrate() throws Exception {
        Procs.Ran r = lab.orchestrate("pacemaker-ha");
        System.out.printf("PacemakerLabIT: orchestrate pacemaker-ha took %.1f s%n", r.took().toMillis() / 1000.0);
        return r;
    }

    private static long changes(Procs.Ran r) {
        return Lab.changes(r);
    }

    private String status(String host, String variable) throws Exception {
        return lab.galera(host, variable);
    }

    /** The PIDs of the daemons Pacemaker runs, and of Pacemaker and corosync, on every controller. */
    private Map<String, String> daemons() throws Exception {
        return lab.pids(CONTROLLERS, List.of("corosync", "pacemakerd", "mariadbd", "haproxy"));
    }

    @Test
    @Order(1)
    void aFreshDeployRunsGaleraPromotedEverywhereAndTheVipWithHaproxy() throws Exception {
        Procs.Ran first = orchestrate();
        assertEquals(0, first.exit(), first.toString());
        assertTrue(changes(first) > 0, first.out());

        // crm_mon lists a node whose recurring monitor is still pending after its promotion on a line
        // of its own ("Promoted (Monitoring)"), so the grouped line is awaited for a bounded time.
        Pattern allPromoted = Pattern.compile("(Promoted|Masters): \\[ ctl1 ctl2 ctl3 \\]");
        Procs.Ran mon = on("ctl1", "crm_mon -1");
        for (int i = 0; i < 30 && mon.exit() == 0 && !allPromoted.matcher(mon.out()).find(); i++) {
            Thread.sleep(2000);
            mon = on("ctl1", "crm_mon -1");
        }
        assertEquals(0, mon.exit(), mon.toString());
        assertTrue(mon.out().contains("Online: [ ctl1 ctl2 ctl3 ]"), "3 nodes online:\n" + mon.out());
        assertTrue(allPromoted.matcher(mon.out()).find(), "galera promoted on all three:\n" + mon.out());
        assertTrue(mon.out().contains("partition with quorum"), mon.out());

        for (String h : CONTROLLERS) {
            assertEquals("Synced", status(h, "wsrep_local_state_comment"), h);
            assertEquals("3", status(h, "wsrep_cluster_size"), h);
            assertEquals("Primary", status(h, "wsrep_cluster_status"), h);
        }

        // The Lab.VIP on exactly one node, and haproxy running there.
        List<String> holders = lab.vipHolders();
        assertEquals(1, holders.size(), "one VIP holder: " + holders);
        assertEquals(0, on(holders.get(0), "pidof haproxy").exit(), "haproxy runs on the VIP holder " + holders.get(0));

        // A row written through the Lab.VIP (haproxy -> the active Galera node) is on every node. The
        // throwaway user's password reaches the client in a defaults file, never in argv.
        String pw = Long.toHexString(Double.doubleToLongBits(Math.random()));
        String marker = "pm-" + System.nanoTime();
        Procs.Ran setup = on("ctl1", "mysql -e \"CREATE DATABASE IF NOT EXISTS lab_it; CREATE TABLE IF NOT EXISTS lab_it.t"
                + " (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64)); CREATE OR REPLACE USER 'lab_it'@'%' IDENTIFIED BY '" + pw
                + "'; GRANT ALL ON lab_it.* TO 'lab_it'@'%'\"");
        assertEquals(0, setup.exit(), setup.toString());
        Procs.Ran write = on("ctl2", "umask 077; f=$(mktemp); printf '[client]\\nuser=lab_it\\npassword=%s\\n' '" + pw + "' >\"$f\";"
                + " mysql --defaults-extra-file=\"$f\" -h " + Lab.VIP + " -P 3306 -N -B -e \"INSERT INTO lab_it.t (v) VALUES ('" + marker
                + "'); SELECT @@hostname\"; rc=$?; rm -f \"$f\"; exit $rc");
        assertEquals(0, write.exit(), "write through the VIP:\n" + write);
        System.out.println("PacemakerLabIT: the row through the VIP was served by " + write.out().trim());
        for (String h : CONTROLLERS) {
            Procs.Ran read = on(h, "mysql -N -B -e \"SELECT COUNT(*) FROM lab_it.t WHERE v = '" + marker + "'\"");
            assertEquals("1", read.out().trim(), "the row written through the VIP on " + h + ":\n" + read);
        }
    }

    @Test
    @Order(2)
    void runningItAgainChangesNothingAndRestartsNoDaemon() throws Exception {
        Map<String, String> before = daemons();
        before.forEach((k, pid) -> assertTrue(!pid.equals("none"), k + " is not running"));
        Procs.Ran again = orchestrate();
        assertEquals(0, again.exit(), again.toString());
        assertEquals(0, changes(again), again.out());
        assertEquals(before, daemons(), "no daemon restarted");
    }
}
