package io.jstate.states.formulas;

import static io.jstate.states.formulas.FormulaFixture.before;
import static io.jstate.states.formulas.FormulaFixture.compile;
import static io.jstate.states.formulas.FormulaFixture.contains;
import static io.jstate.states.formulas.FormulaFixture.ids;
import static io.jstate.states.formulas.FormulaFixture.labPillar;
import static io.jstate.states.formulas.FormulaFixture.requisites;
import static io.jstate.states.formulas.FormulaFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Plan;
import io.jstate.states.kinds.cmd.CmdRun;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.mysql.MysqlGrantsPresent;
import io.jstate.states.kinds.mysql.MysqlUserPresent;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.kinds.wait.WaitFor;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.PillarData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GaleraFormulaTest {

    private static final String CNF = "galera/60-galera.cnf.mustache";

    private static String cnf(Compiled c) {
        return c.templates().render(CNF, Map.of());
    }

    /** The lab pillar as the 2 + garbd variant uses it: variants/galera-garbd.sls in place of galera.sls. */
    private static PillarData garbdPillar(String minion) {
        return FormulaFixture.variantPillar(minion, "galera.sls", "variants/galera-garbd.sls");
    }

    @Test
    void initInstallsWithoutStartingAndWritesTheConfigOnly() {
        Plan plan = compile("ctl1", "galera").plan();
        assertEquals("galera-not-on-arbitrator galera-packages galera-cnf galera-status-script galera-state-dir galera-init-defaults",
                ids(plan));
        PkgInstalled.Spec pkgs = (PkgInstalled.Spec) step(plan, "galera-packages").spec();
        assertEquals(List.of("mariadb-server", "mariadb-client", "mariadb-backup", "galera-4", "socat"), pkgs.pkgs());
        assertTrue(pkgs.noStart());
        assertEquals(Boolean.TRUE, pkgs.refresh());
        FileManaged.Spec conf = (FileManaged.Spec) step(plan, "galera-cnf").spec();
        assertEquals("/etc/mysql/mariadb.conf.d/60-galera.cnf", conf.name());
        assertEquals("0640", conf.mode());
        assertEquals("mysql", conf.group());
        assertEquals(List.of("require:galera-packages"), requisites(plan, "galera-cnf"));
        assertEquals(List.of("require:galera-not-on-arbitrator"), requisites(plan, "galera-packages"));
        // Nothing starts or restarts mariadb here: that is galera.bootstrap's and galera.service's.
        assertTrue(plan.steps().stream().noneMatch(s -> s.kind().startsWith("service.")), ids(plan));
        assertTrue(plan.steps().stream().noneMatch(s -> s.spec().toString().contains("/etc/init.d/mariadb")), ids(plan));
        contains(((FileManaged.Spec) step(plan, "galera-init-defaults").spec()).contents(), "MYSQLD_STARTUP_TIMEOUT=600");
        CmdRun.Spec guard = (CmdRun.Spec) step(plan, "galera-not-on-arbitrator").spec();
        assertEquals(List.of("! grep -qs 'formula galera' /etc/default/garb"), guard.unless());
    }

    @Test
    void theConfigOfEachNodeNamesItselfAndEveryDataNode() {
        for (int i = 1; i <= 3; i++) {
            String id = "ctl" + i;
            String ip = "10.77.0.1" + i;
            String text = cnf(compile(id, "galera"));
            assertEquals("""
                    # Managed by jstate (formula galera): local edits are overwritten.
                    # Read after Debian's 50-server.cnf, so bind-address here wins over its 127.0.0.1.
                    # A change reaches a running node when the galera.service stage restarts the nodes one at a time.
                    [mysqld]
                    bind-address = %1$s
                    binlog_format = ROW
                    default_storage_engine = InnoDB
                    innodb_autoinc_lock_mode = 2
                    # Every commit is flushed: looser settings lose acknowledged writes when nodes crash together.
                    innodb_flush_log_at_trx_commit = 1

                    [galera]
                    wsrep_on = ON
                    wsrep_provider = /usr/lib/galera/libgalera_smm.so
                    wsrep_cluster_name = openstack-lab
                    wsrep_cluster_address = gcomm://10.77.0.11,10.77.0.12,10.77.0.13
                    wsrep_node_name = %2$s
                    wsrep_node_address = %1$s
                    wsrep_provider_options = "gmcast.listen_addr=tcp://%1$s:4567;ist.recv_addr=%1$s:4568;gcache.size=256M"
                    wsrep_sst_receive_address = %1$s:4444
                    wsrep_sst_method = mariabackup
                    wsrep_sst_auth = mariabackup:lab-sst-Kq7vW2rT
                    """.formatted(ip, id), text);
        }
    }

    @Test
    void theSstPasswordIsASecretOfThePlan() {
        Compiled c = compile("ctl2", "galera");
        assertTrue(c.plan().secrets().values().contains("lab-sst-Kq7vW2rT"));
        assertTrue(c.plan().secrets().values().contains("lab-check-Zp4nX8sL"));
        assertFalse(c.plan().secrets().redact(cnf(c)).contains("lab-sst-Kq7vW2rT"));
    }

    @Test
    void theGarbdVariantListsTheTwoDataNodesOnly() {
        String text = cnf(compile("ctl1", FormulaFixture.SYSV, garbdPillar("ctl1"), "galera"));
        contains(text, "wsrep_cluster_address = gcomm://10.77.0.11,10.77.0.12\n", "wsrep_node_name = ctl1\n");
        assertFalse(text.contains("10.77.0.13"), text);
    }

    @Test
    void serviceRestartsOnlyForAChangedConfigAndWaitsForSynced() {
        Plan plan = compile("ctl2", "galera.service").plan();
        assertEquals("galera-not-on-arbitrator galera-packages galera-cnf galera-status-script galera-state-dir galera-init-defaults "
                + "galera-restart-script galera-restart-for-config galera-service galera-synced galera-drain-released galera-config-recorded", ids(plan));
        CmdRun.Spec restart = (CmdRun.Spec) step(plan, "galera-restart-for-config").spec();
        // Drained through clustercheck's maintenance file while HAProxy's view of this server is asked.
        assertEquals("/usr/local/sbin/galera-restart --init sysvinit --drain /var/lib/clustercheck/maintenance --server ctl2"
                + " --haproxy-socket /run/haproxy/admin.sock --within $((600 < 600 ? 600 - 20 : 580))", restart.name());
        assertEquals(List.of("/usr/local/sbin/galera-status running"), restart.onlyif());
        assertEquals(List.of("/usr/local/sbin/galera-status config-current"), restart.unless());
        // The engine's timeout: a restart of a joiner includes its state transfer.
        assertEquals(java.time.Duration.ofSeconds(600), step(plan, "galera-restart-for-config").options().timeout());
        ServiceRunning.Spec svc = (ServiceRunning.Spec) step(plan, "galera-service").spec();
        assertEquals(new ServiceRunning.Spec("mariadb", true, false), svc);
        // No watch: a changed file never restarts a node outside the rolling restart above.
        assertEquals(List.of("require:galera-restart-for-config"), requisites(plan, "galera-service"));
        WaitFor.Spec synced = (WaitFor.Spec) step(plan, "galera-synced").spec();
        assertEquals("/usr/local/sbin/galera-status synced", synced.command());
        assertEquals(600, synced.attempts());
        // Ten seconds a probe; the wait as a whole is not cut short by the engine's per-state timeout.
        assertEquals(10.0, synced.probeTimeout());
        assertEquals(null, step(plan, "galera-synced").options().timeout());
        assertEquals(List.of("require:galera-state-dir", "require:galera-synced"), requisites(plan, "galera-config-recorded"));
        assertTrue(plan.steps().stream().allMatch(s -> s.requisites().stream().noneMatch(e -> e.type().name().equals("WATCH"))));
    }

    /** The restart ends before the engine stops it: the state's timeout and cmd.run's 10-minute cap. */
    @Test
    void theRestartEndsBeforeTheStateTimesOut() throws Exception {
        String name = ((CmdRun.Spec) step(compile("ctl2", "galera.service").plan(), "galera-restart-for-config").spec()).name();
        String within = name.substring(name.indexOf("--within ") + "--within ".length());
        for (int syncTimeout : new int[] {600, 300, 900}) {
            String expr = within.replace("600 < 600 ? 600 - 20", syncTimeout + " < 600 ? " + syncTimeout + " - 20");
            Process p = new ProcessBuilder("sh", "-c", "echo " + expr).redirectErrorStream(true).start();
            int seconds = Integer.parseInt(new String(p.getInputStream().readAllBytes()).strip());
            assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(seconds <= syncTimeout - 20 && seconds <= io.jstate.states.host.Exec.DEFAULT_TIMEOUT.toSeconds() - 20, syncTimeout + " -> " + seconds);
        }
    }

    /** A drain left by a killed restart goes once the node is Synced, only if it is the script's own. */
    @Test
    void aDrainLeftByAKilledRestartIsReleasedOnceSynced() {
        Plan plan = compile("ctl2", "galera.service").plan();
        CmdRun.Spec release = (CmdRun.Spec) step(plan, "galera-drain-released").spec();
        assertEquals("/usr/local/sbin/galera-restart undrain /var/lib/clustercheck/maintenance", release.name());
        assertEquals(List.of("/usr/local/sbin/galera-restart owns /var/lib/clustercheck/maintenance"), release.onlyif());
        assertEquals(List.of("require:galera-restart-script", "require:galera-synced"), requisites(plan, "galera-drain-released"));
        before(plan, "galera-synced", "galera-drain-released");
    }

    @Test
    void serviceOnSystemdRestartsThroughSystemctl() {
        Compiled c = compile("ctl1", FormulaFixture.SYSTEMD, labPillar("ctl1"), "galera.service", "galera.bootstrap");
        assertTrue(((CmdRun.Spec) step(c.plan(), "galera-restart-for-config").spec()).name().startsWith("/usr/local/sbin/galera-restart --init systemd "));
        assertEquals("if [ \"systemd\" = systemd ]; then galera_new_cluster; else /etc/init.d/mariadb bootstrap; fi",
                ((CmdRun.Spec) step(c.plan(), "galera-bootstrap-start").spec()).name());
    }

    @Test
    void bootstrapMarksTheSeedStartsItAloneAndCreatesTheUsersOnceSynced() {
        Plan plan = compile("ctl1", "galera.bootstrap").plan();
        before(plan, "galera-safe-to-bootstrap", "galera-bootstrap-start");
        before(plan, "galera-empty-gvwstate", "galera-bootstrap-start");
        before(plan, "galera-bootstrap-start", "galera-bootstrap-synced");
        before(plan, "galera-bootstrap-synced", "galera-sst-user");
        before(plan, "galera-bootstrap-synced", "galera-monitor-user");
        CmdRun.Spec safe = (CmdRun.Spec) step(plan, "galera-safe-to-bootstrap").spec();
        assertEquals("sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' /var/lib/mysql/grastate.dat", safe.name());
        assertEquals(List.of("test -f /var/lib/mysql/grastate.dat", "! /usr/local/sbin/galera-status running"), safe.onlyif());
        assertEquals(List.of("grep -q '^safe_to_bootstrap: 1' /var/lib/mysql/grastate.dat"), safe.unless());
        CmdRun.Spec gvw = (CmdRun.Spec) step(plan, "galera-empty-gvwstate").spec();
        assertEquals("rm -f /var/lib/mysql/gvwstate.dat", gvw.name());
        assertEquals(List.of("test -f /var/lib/mysql/gvwstate.dat", "test ! -s /var/lib/mysql/gvwstate.dat",
                "! /usr/local/sbin/galera-status running"), gvw.onlyif());
        CmdRun.Spec start = (CmdRun.Spec) step(plan, "galera-bootstrap-start").spec();
        assertEquals("if [ \"sysvinit\" = systemd ]; then galera_new_cluster; else /etc/init.d/mariadb bootstrap; fi", start.name());
        assertEquals(List.of("/usr/local/sbin/galera-status running"), start.unless());
        assertEquals(List.of("require:galera-bootstrap-synced"), requisites(plan, "galera-sst-user"));
        assertEquals(List.of("require:galera-bootstrap-synced", "require:galera-state-dir"),
                requisites(plan, "galera-bootstrap-config-recorded"));
    }

    @Test
    void unbootstrapRestartsOnlyANodeStartedWithNewCluster() {
        Plan plan = compile("ctl1", "galera.unbootstrap").plan();
        CmdRun.Spec restart = (CmdRun.Spec) step(plan, "galera-unbootstrap").spec();
        assertEquals(List.of("/usr/local/sbin/galera-status new-cluster"), restart.onlyif());
        assertEquals(List.of(), restart.unless());
        contains(restart.name(), "/etc/init.d/mariadb restart");
        assertEquals(List.of("require:galera-unbootstrap"), requisites(plan, "galera-unbootstrap-synced"));
    }

    @Test
    void healthExpectsEveryDataNodeAndTheArbitrator() {
        WaitFor.Spec three = (WaitFor.Spec) step(compile("ctl3", "galera.health").plan(), "galera-health").spec();
        assertEquals("/usr/local/sbin/galera-status healthy $((2 + 1))", three.command());
        assertEquals(10.0, three.probeTimeout());
        assertEquals(null, step(compile("ctl3", "galera.health").plan(), "galera-health").options().timeout());
        WaitFor.Spec garbd = (WaitFor.Spec) step(compile("ctl1", FormulaFixture.SYSV, garbdPillar("ctl1"), "galera.health").plan(),
                "galera-health").spec();
        assertEquals("/usr/local/sbin/galera-status healthy $((1 + 1 + 1))", garbd.command());
    }

    @Test
    void usersGetTheSstAndMonitoringGrants() {
        Plan plan = compile("ctl1", "galera.users").plan();
        assertEquals("galera-sst-user galera-sst-grants galera-monitor-user galera-monitor-grants", ids(plan));
        MysqlUserPresent.Spec sst = (MysqlUserPresent.Spec) step(plan, "galera-sst-user").spec();
        assertEquals("mariabackup", sst.name());
        assertEquals("localhost", sst.host());
        assertEquals("lab-sst-Kq7vW2rT", sst.password());
        MysqlGrantsPresent.Spec sstGrants = (MysqlGrantsPresent.Spec) step(plan, "galera-sst-grants").spec();
        assertEquals("RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR", sstGrants.grant());
        assertEquals("*.*", sstGrants.database());
        assertEquals("mariabackup", sstGrants.user());
        MysqlUserPresent.Spec mon = (MysqlUserPresent.Spec) step(plan, "galera-monitor-user").spec();
        assertEquals("clustercheck", mon.name());
        assertEquals("lab-check-Zp4nX8sL", mon.password());
        MysqlGrantsPresent.Spec monGrants = (MysqlGrantsPresent.Spec) step(plan, "galera-monitor-grants").spec();
        assertEquals("USAGE, PROCESS", monGrants.grant());
        assertEquals(List.of("require:galera-monitor-user"), requisites(plan, "galera-monitor-grants"));
    }

    @Test
    void garbdJoinsTheDataNodesGroupAndNeverRunsOnADataNode() {
        Compiled c = compile("ctl3", FormulaFixture.SYSV, garbdPillar("ctl3"), "galera.garbd");
        Plan plan = c.plan();
        assertEquals("garbd-not-on-data-node garbd-package garbd-defaults garbd-log garbd-service garbd-listening", ids(plan));
        assertEquals("""
                # Managed by jstate (formula galera, garbd): local edits are overwritten.
                # The Galera arbitrator: a member of the group that votes but holds no data.
                GALERA_NODES="10.77.0.11:4567 10.77.0.12:4567"
                GALERA_GROUP="openstack-lab"
                GALERA_OPTIONS="gmcast.listen_addr=tcp://10.77.0.13:4567"
                LOG_FILE="/var/log/garbd.log"
                """, c.templates().render("galera/garb.mustache", Map.of()));
        PkgInstalled.Spec pkg = (PkgInstalled.Spec) step(plan, "garbd-package").spec();
        assertEquals("galera-arbitrator-4", pkg.name());
        assertTrue(pkg.noStart());
        assertEquals(new ServiceRunning.Spec("garb", true, false), step(plan, "garbd-service").spec());
        assertEquals(List.of("require:garbd-log", "watch:garbd-defaults"), requisites(plan, "garbd-service"));
        assertEquals("10.77.0.13:4567", ((WaitFor.Spec) step(plan, "garbd-listening").spec()).tcp());
        CmdRun.Spec guard = (CmdRun.Spec) step(plan, "garbd-not-on-data-node").spec();
        assertEquals(List.of("! grep -qs 'formula galera)' /etc/mysql/mariadb.conf.d/60-galera.cnf"
                + " && ! mariadb-admin --connect-timeout=5 ping >/dev/null 2>&1"), guard.unless());
        assertEquals(List.of("require:garbd-not-on-data-node"), requisites(plan, "garbd-package"));
        // The data nodes' guard looks for exactly the marker garbd's file carries.
        contains(c.templates().render("galera/garb.mustache", Map.of()), "formula galera");
    }

    @Test
    void theDataNodeGuardMatchesTheMarkerOfTheGaleraConfig() {
        contains(cnf(compile("ctl1", "galera")), "(formula galera)");
    }
}
