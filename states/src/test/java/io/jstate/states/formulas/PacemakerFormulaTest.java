package io.jstate.states.formulas;

import static io.jstate.states.formulas.HaFormulas.compile;
import static io.jstate.states.formulas.HaFormulas.edge;
import static io.jstate.states.formulas.HaFormulas.ids;
import static io.jstate.states.formulas.HaFormulas.lines;
import static io.jstate.states.formulas.HaFormulas.rendered;
import static io.jstate.states.formulas.HaFormulas.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Requisite;
import io.jstate.states.kinds.cmd.CmdRun;
import io.jstate.states.kinds.file.FileDirectory;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.kinds.wait.WaitFor;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.PillarData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

class PacemakerFormulaTest {
    @TempDir
    Path dir;

    private static final String RESOURCES_XML = "/etc/pacemaker/jstate/resources.xml";
    private static final String CONSTRAINTS_XML = "/etc/pacemaker/jstate/constraints.xml";

    // ---- corosync and the cluster layer ----

    @Test
    void installsWithoutStartingThenKeyConfigCorosyncPacemakerAndProperties() {
        Compiled c = compile("ctl1", "pacemaker");
        assertEquals(List.of("pacemaker-pkgs", "corosync-authkey", "corosync-conf", "corosync-reload", "corosync-service",
                "pacemaker-service", "pacemaker-cib-ready", "pacemaker-property-stonith-enabled",
                "pacemaker-property-no-quorum-policy"), ids(c));
        PkgInstalled.Spec pkgs = (PkgInstalled.Spec) step(c, "pacemaker-pkgs").spec();
        assertEquals(Boolean.TRUE, pkgs.noStart());
        assertEquals(List.of("corosync", "pacemaker", "pacemaker-cli-utils", "crmsh", "resource-agents", "rsync"), pkgs.pkgs());
        FileManaged.Spec key = (FileManaged.Spec) step(c, "corosync-authkey").spec();
        assertEquals("/etc/corosync/authkey", key.name());
        assertEquals("0400", key.mode());
        assertEquals("root", key.user());
        assertEquals(new ServiceRunning.Spec("corosync", true, false), step(c, "corosync-service").spec());
        assertEquals(new ServiceRunning.Spec("pacemaker", true, false), step(c, "pacemaker-service").spec());
        assertTrue(edge(c, "pacemaker-service", Requisite.REQUIRE, "corosync-service"));
        // A changed corosync.conf is reloaded into the running corosync, never by a restart.
        assertEquals("corosync-cfgtool -R", ((CmdRun.Spec) step(c, "corosync-reload").spec()).name());
        assertTrue(edge(c, "corosync-reload", Requisite.ONCHANGES, "corosync-conf"));
        // Only a running corosync is reloaded, before the service state: on a first run it is not
        // running yet, and one just started does not answer its configuration API.
        assertEquals(List.of("corosync-cfgtool -s >/dev/null 2>&1"), ((CmdRun.Spec) step(c, "corosync-reload").spec()).onlyif());
        assertTrue(edge(c, "corosync-service", Requisite.REQUIRE, "corosync-reload"));
        assertTrue(step(c, "corosync-service").requisites().stream().noneMatch(e -> e.type() == Requisite.WATCH));
    }

    @Test
    void theAuthkeyIsASecretLongEnoughForKnet() {
        PillarData p = HaFormulas.labPillar("ctl2");
        String key = (String) HaFormulas.at(p.data(), "pacemaker.corosync.authkey");
        assertTrue(p.secrets().contains(key));
        assertTrue(key.length() >= 128, "knet reads at least 1024 bits of key");
        assertEquals(key, rendered(compile("ctl2", "pacemaker"), "corosync-authkey"));
    }

    @Test
    void corosyncConfListsEveryNodeByNameWithUniqueIdsAndNoTwoNodeForThree() {
        String conf = rendered(compile("ctl1", "pacemaker"), "corosync-conf");
        List<String> l = lines(conf);
        for (String want : List.of("version: 2", "cluster_name: openstack-lab", "transport: knet", "crypto_cipher: aes256",
                "crypto_hash: sha256", "keyfile: /etc/corosync/authkey", "provider: corosync_votequorum")) {
            assertTrue(l.contains(want), "missing '" + want + "':\n" + conf);
        }
        assertEquals(List.of(
                "name: ctl1", "nodeid: 10", "ring0_addr: 10.77.0.11",
                "name: ctl2", "nodeid: 11", "ring0_addr: 10.77.0.12",
                "name: ctl3", "nodeid: 12", "ring0_addr: 10.77.0.13"), nodelist(l));
        assertFalse(conf.contains("two_node"), conf);
        assertEquals(conf, rendered(compile("ctl3", "pacemaker"), "corosync-conf"));
    }

    @Test
    void twoNodesGetTwoNodeQuorum() {
        String conf = rendered(compile("ctl1", twoNodes("ctl1"), "pacemaker"), "corosync-conf");
        List<String> l = lines(conf);
        assertTrue(l.contains("two_node: 1"), conf);
        assertEquals(List.of("name: ctl1", "nodeid: 10", "ring0_addr: 10.77.0.11",
                "name: ctl2", "nodeid: 11", "ring0_addr: 10.77.0.12"), nodelist(l));
    }

    private static List<String> nodelist(List<String> l) {
        return l.stream().filter(s -> s.startsWith("name:") || s.startsWith("nodeid:") || s.startsWith("ring0_addr:")).toList();
    }

    @SuppressWarnings("unchecked")
    private static PillarData twoNodes(String node) {
        return HaFormulas.changed(node, d -> {
            Map<String, Object> cluster = (Map<String, Object>) d.get("cluster");
            cluster.put("nodes", ((List<Object>) cluster.get("nodes")).subList(0, 2));
            ((Map<String, Object>) ((Map<String, Object>) d.get("pacemaker")).get("corosync")).put("two_node", true);
            return d;
        });
    }

    @Test
    void propertiesAreSetOnlyWhenTheyDiffer() {
        Compiled c = compile("ctl2", "pacemaker");
        CmdRun.Spec stonith = (CmdRun.Spec) step(c, "pacemaker-property-stonith-enabled").spec();
        assertEquals("crm_attribute --type crm_config --name stonith-enabled --update false", stonith.name());
        assertEquals(List.of("test \"$(crm_attribute --type crm_config --name stonith-enabled --query --quiet 2>/dev/null)\" = \"false\""),
                stonith.unless());
        CmdRun.Spec quorum = (CmdRun.Spec) step(c, "pacemaker-property-no-quorum-policy").spec();
        assertEquals("crm_attribute --type crm_config --name no-quorum-policy --update stop", quorum.name());
        assertTrue(edge(c, "pacemaker-property-stonith-enabled", Requisite.REQUIRE, "pacemaker-cib-ready"));
    }

    @Test
    void healthGateWaitsForEveryNodeAsAMemberAndForQuorum() {
        WaitFor.Spec w = (WaitFor.Spec) step(compile("ctl1", "pacemaker.health"), "pacemaker-members").spec();
        assertEquals("crm_node --list | grep -Eq '^[0-9]+ ctl1 member$' && crm_node --list | grep -Eq '^[0-9]+ ctl2 member$' && "
                + "crm_node --list | grep -Eq '^[0-9]+ ctl3 member$' && crm_node --quorum | grep -qx 1", w.command());
        WaitFor.Spec p = (WaitFor.Spec) step(compile("ctl1", "pacemaker.promoted"), "pacemaker-galera-promoted").spec();
        assertTrue(p.command().contains("grep -Eq 'running on: ctl3 (Promoted|Master)$'"), p.command());
    }

    // ---- the Galera layout's resources ----

    @Test
    void resourcesAreReplacedOnlyWhenTheCibDiffersAndConstraintsComeAfterThem() {
        Compiled c = compile("ctl1", "pacemaker.resources");
        List<String> order = ids(c);
        assertTrue(order.indexOf("pacemaker-property-no-quorum-policy") < order.indexOf("mariadb-boot-disabled"), order.toString());
        assertEquals(List.of("mariadb-boot-disabled", "mariadb-log-dir", "pacemaker-cib-dir", "pacemaker-resources-xml",
                "pacemaker-constraints-xml", "pacemaker-resources", "pacemaker-constraints", "pacemaker-galera-unblocked"),
                order.subList(order.indexOf("mariadb-boot-disabled"), order.size()));
        CmdRun.Spec res = (CmdRun.Spec) step(c, "pacemaker-resources").spec();
        assertEquals("cibadmin --replace --scope resources --xml-file " + RESOURCES_XML, res.name());
        assertEquals(List.of("crm_diff --original-string \"$(cibadmin --query --scope resources)\" --new " + RESOURCES_XML + " >/dev/null"),
                res.unless());
        assertTrue(edge(c, "pacemaker-resources", Requisite.REQUIRE, "pacemaker-cib-ready"));
        assertTrue(edge(c, "pacemaker-resources", Requisite.REQUIRE, "mariadb-boot-disabled"));
        // The galera agent's log file lives there; without it the server does not start.
        assertTrue(edge(c, "pacemaker-resources", Requisite.REQUIRE, "mariadb-log-dir"));
        FileDirectory.Spec logDir = (FileDirectory.Spec) step(c, "mariadb-log-dir").spec();
        assertEquals(List.of("/var/log/mysql", "mysql", "adm"), List.of(logDir.name(), logDir.user(), logDir.group()));
        assertTrue(edge(c, "pacemaker-constraints", Requisite.REQUIRE, "pacemaker-resources"));
        assertEquals("0600", ((FileManaged.Spec) step(c, "pacemaker-resources-xml").spec()).mode());
        // The boot start of mariadb is turned off, but nothing stops the server Pacemaker runs.
        CmdRun.Spec mariadb = (CmdRun.Spec) step(c, "mariadb-boot-disabled").spec();
        assertTrue(mariadb.name().contains("update-rc.d mariadb disable") && mariadb.name().contains("systemctl disable mariadb"));
        assertTrue(c.plan().steps().stream().noneMatch(s -> s.kind().equals("service.dead")));
    }

    @Test
    void galeraIsPromotableOnEveryNodeWithTheNodeNamesInGcomm() throws Exception {
        Compiled c = compile("ctl2", "pacemaker.resources");
        Document d = xml(rendered(c, "pacemaker-resources-xml"));
        Element galera = byId(d, "galera");
        assertEquals("ocf/heartbeat/galera", agent(galera));
        Map<String, String> params = nvpairs(d, "galera-instance_attributes");
        assertEquals("gcomm://ctl1,ctl2,ctl3", params.get("wsrep_cluster_address"));
        assertEquals("root", params.get("check_user"));
        assertEquals(HaFormulas.at(HaFormulas.labPillar("ctl2").data(), "pacemaker.galera.check_passwd"), params.get("check_passwd"));
        assertEquals("true", params.get("enable_creation"));
        assertEquals("--wsrep_sst_method=rsync", params.get("additional_parameters"));
        assertEquals(Map.of("promotable", "true", "promoted-max", "3", "ordered", "true"), nvpairs(d, "galera-clone-meta_attributes"));
        assertEquals("galera-clone", ((Element) galera.getParentNode()).getAttribute("id"));
        Element promote = byId(d, "galera-promote-0s");
        assertEquals("promote", promote.getAttribute("name"));
        assertEquals("block", promote.getAttribute("on-fail"));
        assertEquals("120s", promote.getAttribute("timeout"), "the lab's promote_timeout");
    }

    @Test
    void aBlockedGaleraIsCleanedUpOnlyWhenFailedAndAfterPacemakerHadItsChance() {
        Compiled c = compile("ctl1", "pacemaker.resources");
        CmdRun.Spec unblock = (CmdRun.Spec) step(c, "pacemaker-galera-unblocked").spec();
        assertEquals(List.of("crm_mon -1 2>/dev/null | grep -Eq 'ocf:heartbeat:galera.*FAILED'"), unblock.onlyif());
        assertTrue(edge(c, "pacemaker-galera-unblocked", Requisite.REQUIRE, "pacemaker-constraints"));
        assertTrue(unblock.name().contains("bound=180\n"), unblock.name());
        // cmd.run runs /bin/sh (dash on Debian), which has no $SECONDS: the clock is date's.
        assertFalse(unblock.name().contains("SECONDS"), unblock.name());
        assertTrue(unblock.name().contains("crm_resource --cleanup --resource galera-clone"), unblock.name());
    }

    /**
     * The unblock script against crm_mon outputs of the lab (a fake crm_mon and crm_resource on the
     * PATH): a blocked promotion is cleaned up and named; a failure Pacemaker recovers by itself is
     * waited for and left alone.
     */
    @Test
    void theUnblockScriptCleansUpABlockAndLeavesARecoveryToPacemaker() throws Exception {
        String script = ((CmdRun.Spec) step(compile("ctl1", "pacemaker.resources"), "pacemaker-galera-unblocked").spec()).name();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String blocked = "  * Clone Set: galera-clone [galera] (promotable):\n    * galera\t(ocf:heartbeat:galera):\t FAILED ctl3\n"
                + "    * galera\t(ocf:heartbeat:galera):\t FAILED Promoted ctl1 (blocked)\n    * Unpromoted: [ ctl2 ]\n";
        String recovered = "  * Clone Set: galera-clone [galera] (promotable):\n    * Promoted: [ ctl1 ctl2 ctl3 ]\n";
        fake(bin, "crm_mon", "printf '" + blocked + "'");
        fake(bin, "crm_resource", "echo \"cleanup: $*\" >> " + dir.resolve("calls"));
        HaFormulas.Ran ran = HaFormulas.run(dir, Map.of("PATH", bin + ":/usr/bin:/bin"), SH, "-c", script);
        assertEquals(0, ran.exit(), ran.output());
        assertTrue(ran.output().contains("Pacemaker blocked Galera on: ctl1 (blocked)"), ran.output());
        assertEquals("cleanup: --cleanup --resource galera-clone\n", Files.readString(dir.resolve("calls")));

        Files.delete(dir.resolve("calls"));
        fake(bin, "crm_mon", "printf '" + recovered + "'");
        HaFormulas.Ran again = HaFormulas.run(dir, Map.of("PATH", bin + ":/usr/bin:/bin"), SH, "-c", script);
        assertEquals(0, again.exit(), again.output());
        assertTrue(again.output().contains("Pacemaker recovered Galera by itself; nothing blocked"), again.output());
        assertFalse(Files.exists(dir.resolve("calls")));
    }

    /** The shell cmd.run runs a command with: /bin/sh, dash on Debian (which has no $SECONDS). */
    private static final String SH = Files.isExecutable(Path.of("/usr/bin/dash")) ? "/usr/bin/dash" : "/bin/sh";

    /** The unblock script with its bound in seconds (the lab's is 180). */
    @SuppressWarnings("unchecked")
    private static String unblockScript(int bound) {
        PillarData p = HaFormulas.changed("ctl1", d -> {
            Map<String, Object> galera = (Map<String, Object>) ((Map<String, Object>) d.get("pacemaker")).get("galera");
            galera.put("unblock_wait", bound);
            return d;
        });
        return ((CmdRun.Spec) step(compile("ctl1", p, "pacemaker.resources"), "pacemaker-galera-unblocked").spec()).name();
    }

    /**
     * Galera failed and neither recovered nor blocked: the script says what it waits for while it
     * waits, and at its bound fails showing Galera's state, under the shell cmd.run uses.
     */
    @Test
    void theUnblockScriptSaysWhatItWaitsForAndFailsAtItsBound() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        fake(bin, "crm_mon", "printf '  * Clone Set: galera-clone [galera] (promotable):\\n"
                + "    * galera\\t(ocf:heartbeat:galera):\\t FAILED ctl3\\n    * Unpromoted: [ ctl1 ctl2 ]\\n'");
        fake(bin, "crm_resource", "echo \"cleanup: $*\" >> " + dir.resolve("calls"));
        long t0 = System.nanoTime();
        HaFormulas.Ran ran = HaFormulas.run(dir, Map.of("PATH", bin + ":/usr/bin:/bin"), SH, "-c", unblockScript(3));
        long took = (System.nanoTime() - t0) / 1_000_000_000L;
        assertEquals(1, ran.exit(), ran.output());
        assertTrue(ran.output().contains("waiting for Pacemaker to recover or block Galera (Galera failed, not blocked): ") && ran.output().contains(" s of 3 s"),
                ran.output());
        assertTrue(ran.output().contains("Galera still failed and not blocked after 3 s:"), ran.output());
        assertTrue(ran.output().contains("FAILED ctl3"), ran.output());
        assertFalse(ran.output().contains("unexpected operator"), ran.output());
        assertTrue(took < 20, "the bound is 3 s, one 5 s sleep at most; took " + took + " s");
        assertFalse(Files.exists(dir.resolve("calls")), "nothing cleaned up");
    }

    /**
     * A failing crm_mon (pacemakerd restarting) tells nothing about Galera: the script waits to its
     * bound and fails naming crm_mon's error, never taking it for a recovery.
     */
    @Test
    void aFailingCrmMonIsNoRecoveryTheUnblockScriptFailsNamingItsError() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        fake(bin, "crm_mon", "echo 'crm_mon: Error: cluster is not available on this node' >&2; exit 102");
        fake(bin, "crm_resource", "echo \"cleanup: $*\" >> " + dir.resolve("calls"));
        HaFormulas.Ran ran = HaFormulas.run(dir, Map.of("PATH", bin + ":/usr/bin:/bin"), SH, "-c", unblockScript(3));
        assertEquals(1, ran.exit(), ran.output());
        assertFalse(ran.output().contains("recovered"), ran.output());
        assertTrue(ran.output().contains("waiting for Pacemaker to recover or block Galera (crm_mon -1 failed, exit 102): ") && ran.output().contains(" s of 3 s"),
                ran.output());
        assertTrue(ran.output().contains("Galera's state unknown after 3 s: crm_mon -1 failed (exit 102): "
                + "crm_mon: Error: cluster is not available on this node"), ran.output());
        assertFalse(Files.exists(dir.resolve("calls")), "nothing cleaned up");
    }

    private static void fake(Path bin, String name, String body) throws Exception {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        f.toFile().setExecutable(true);
    }

    @Test
    void theVipRunsWithHaproxyWhichRunsEverywhere() throws Exception {
        Compiled c = compile("ctl1", "pacemaker.resources");
        Document r = xml(rendered(c, "pacemaker-resources-xml"));
        assertEquals("ocf/heartbeat/IPaddr2", agent(byId(r, "vip")));
        assertEquals(Map.of("ip", "10.77.0.100", "cidr_netmask", "24", "nic", "eth0"), nvpairs(r, "vip-instance_attributes"));
        Element haproxy = byId(r, "haproxy");
        assertEquals("service", haproxy.getAttribute("class"));
        assertEquals("haproxy", haproxy.getAttribute("type"));
        assertEquals("clone", haproxy.getParentNode().getNodeName());
        Document k = xml(rendered(c, "pacemaker-constraints-xml"));
        Element colo = byId(k, "vip-with-haproxy");
        assertEquals(List.of("vip", "haproxy-clone", "INFINITY"),
                List.of(colo.getAttribute("rsc"), colo.getAttribute("with-rsc"), colo.getAttribute("score")));
        Element order = byId(k, "haproxy-then-vip");
        assertEquals(List.of("haproxy-clone", "vip"), List.of(order.getAttribute("first"), order.getAttribute("then")));
    }

    // ---- the DRBD layout: rendered and verified, not run ----

    @Test
    void drbdLayoutPromotesDrbdOnOneOfTwoNodesAndRunsTheMysqlGroupThereAfterIt() throws Exception {
        Compiled c = compile("ctl1", "pacemaker.drbd");
        assertEquals(List.of("pacemaker-drbd-tools", "pacemaker-drbd-dir", "pacemaker-drbd-cib", "pacemaker-drbd-verify"), ids(c));
        CmdRun.Spec verify = (CmdRun.Spec) step(c, "pacemaker-drbd-verify").spec();
        assertEquals("crm_verify --verbose --xml-file /etc/pacemaker/jstate/drbd-mysql.cib.xml", verify.name());
        assertEquals(List.of("crm_verify --xml-file /etc/pacemaker/jstate/drbd-mysql.cib.xml"), verify.unless());

        Document d = xml(rendered(c, "pacemaker-drbd-cib"));
        assertEquals("ocf/linbit/drbd", agent(byId(d, "drbd-mysql")));
        assertEquals("mysql", nvpairs(d, "drbd-mysql-instance_attributes").get("drbd_resource"));
        Map<String, String> meta = nvpairs(d, "drbd-mysql-clone-meta_attributes");
        assertEquals("true", meta.get("promotable"));
        assertEquals("1", meta.get("promoted-max"));
        assertEquals("2", meta.get("clone-max"));
        assertEquals("true", meta.get("notify"));
        Element group = byId(d, "mysql-group");
        List<String> members = new ArrayList<>();
        NodeList prims = group.getElementsByTagName("primitive");
        for (int i = 0; i < prims.getLength(); i++) members.add(((Element) prims.item(i)).getAttribute("id"));
        assertEquals(List.of("mysql-fs", "mysql-vip", "mysql"), members);
        assertEquals(Map.of("device", "/dev/drbd0", "directory", "/var/lib/mysql", "fstype", "ext4"), nvpairs(d, "mysql-fs-instance_attributes"));
        Element colo = byId(d, "mysql-group-with-drbd-promoted");
        assertEquals(List.of("mysql-group", "drbd-mysql-clone", "Promoted", "INFINITY"), List.of(colo.getAttribute("rsc"),
                colo.getAttribute("with-rsc"), colo.getAttribute("with-rsc-role"), colo.getAttribute("score")));
        Element order = byId(d, "drbd-promote-then-mysql-group");
        assertEquals(List.of("drbd-mysql-clone", "promote", "mysql-group", "start"), List.of(order.getAttribute("first"),
                order.getAttribute("first-action"), order.getAttribute("then"), order.getAttribute("then-action")));
    }

    // ---- the orchestration ----

    @Test
    @SuppressWarnings("unchecked")
    void orchestrationBringsTheClusterUpThenLoadsResourcesOneNodeAtATime() throws Exception {
        Map<String, Object> orch = new Yaml().load(Files.readString(HaFormulas.STATE_ROOT.resolve("orch/pacemaker-ha.yaml")));
        List<Map<String, Object>> stages = (List<Map<String, Object>>) orch.get("stages");
        assertEquals(List.of("hosts", "galera", "frontends", "cluster", "resources", "galera-users"), stages.stream().map(s -> s.get("id")).toList());
        Map<String, Object> cluster = stages.get(3);
        assertEquals(List.of("pacemaker"), cluster.get("apply"));
        assertEquals(List.of("pacemaker.health"), cluster.get("gate"));
        Map<String, Object> resources = stages.get(4);
        assertEquals(List.of("pacemaker.resources"), resources.get("apply"));
        assertEquals(1, resources.get("batch"));
        assertEquals(List.of("pacemaker.promoted", "galera.health"), resources.get("gate"));
        // clustercheck's monitoring user, once the cluster is promoted; then the VIP serves Galera.
        Map<String, Object> users = stages.get(5);
        assertEquals(List.of("galera.users"), users.get("apply"));
        assertEquals(1, users.get("batch"));
        assertEquals(List.of("galera.health", "haproxy.health"), users.get("gate"));
        // The stages' SLS of this formula and of haproxy compile for every node (hosts, galera and
        // clustercheck are formulas of their own).
        for (String node : HaFormulas.CONTROLLERS) {
            for (String sls : List.of("haproxy.config", "pacemaker", "pacemaker.health", "pacemaker.resources", "pacemaker.promoted")) {
                assertFalse(compile(node, sls).plan().steps().isEmpty(), sls);
            }
        }
    }

    // ---- the real checkers ----

    @Test
    @Tag("real")
    void corosyncAcceptsTheRenderedConfigurationForThreeAndTwoNodes() throws Exception {
        Compiled three = compile("ctl1", "pacemaker");
        corosyncTest(rendered(three, "corosync-conf"), rendered(three, "corosync-authkey"));
        Compiled two = compile("ctl1", twoNodes("ctl1"), "pacemaker");
        corosyncTest(rendered(two, "corosync-conf"), rendered(two, "corosync-authkey"));
    }

    @Test
    @Tag("real")
    void corosyncRefusesDuplicateNodeIdsSoTheCheckMeansSomething() throws Exception {
        Compiled c = compile("ctl1", "pacemaker");
        HaFormulas.Ran r = corosync(rendered(c, "corosync-conf").replace("nodeid: 11", "nodeid: 10"), rendered(c, "corosync-authkey"));
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("appears twice"), r.output());
    }

    private void corosyncTest(String conf, String key) throws Exception {
        HaFormulas.Ran r = corosync(conf, key);
        assertEquals(0, r.exit(), r.output());
    }

    /**
     * corosync -t on the file. It wants to find this host in the nodelist, so ctl1's name becomes
     * this machine's; the key and log go to the test's directory instead of /etc and /var/log.
     */
    private HaFormulas.Ran corosync(String conf, String key) throws Exception {
        Path keyFile = Files.writeString(dir.resolve("authkey"), key + "\n");
        String here = HaFormulas.run(dir, Map.of(), "uname", "-n").output().strip();
        String local = conf.replace("name: ctl1\n", "name: " + here + "\n")
                .replace("keyfile: /etc/corosync/authkey", "keyfile: " + keyFile)
                .replace("logfile: /var/log/corosync/corosync.log", "logfile: " + dir.resolve("corosync.log"))
                .replace("to_syslog: yes", "to_syslog: no");
        assertNotEquals(conf, local);
        Path f = Files.writeString(dir.resolve("corosync.conf"), local);
        return HaFormulas.run(dir, Map.of(), "corosync", "-t", "-c", f.toString());
    }

    /**
     * The formula's own commands against a CIB in a file (CIB_file makes cibadmin, crm_diff and
     * crm_attribute work on it as on a live cluster): the guards see work to do, the commands do it,
     * the guards then see none, and crm_verify accepts the result.
     */
    @Test
    @Tag("real")
    void theFormulasCommandsLoadTheCibOnceAndCrmVerifyAcceptsIt() throws Exception {
        Compiled c = compile("ctl1", "pacemaker.resources");
        Path cib = dir.resolve("cib.xml");
        HaFormulas.Ran empty = HaFormulas.run(dir, Map.of(), "cibadmin", "--empty");
        assertEquals(0, empty.exit(), empty.output());
        Files.writeString(cib, empty.output());
        Map<String, String> env = Map.of("CIB_file", cib.toString());
        Map<String, String> files = new LinkedHashMap<>();
        files.put(RESOURCES_XML, Files.writeString(dir.resolve("resources.xml"), rendered(c, "pacemaker-resources-xml")).toString());
        files.put(CONSTRAINTS_XML, Files.writeString(dir.resolve("constraints.xml"), rendered(c, "pacemaker-constraints-xml")).toString());

        for (String id : List.of("pacemaker-property-stonith-enabled", "pacemaker-property-no-quorum-policy",
                "pacemaker-resources", "pacemaker-constraints")) {
            CmdRun.Spec cmd = (CmdRun.Spec) step(c, id).spec();
            String guard = local(cmd.unless().get(0), files);
            assertNotEquals(0, sh(guard, env).exit(), id + ": the guard must see work to do on an empty CIB");
            HaFormulas.Ran ran = sh(local(cmd.name(), files), env);
            assertEquals(0, ran.exit(), id + ": " + ran.output());
            HaFormulas.Ran again = sh(guard, env);
            assertEquals(0, again.exit(), id + ": the guard must see the work done: " + again.output());
        }
        HaFormulas.Ran verify = HaFormulas.run(dir, Map.of(), "crm_verify", "--verbose", "--xml-file", cib.toString());
        assertEquals(0, verify.exit(), verify.output());
        String loaded = Files.readString(cib);
        assertTrue(loaded.contains("gcomm://ctl1,ctl2,ctl3") && loaded.contains("name=\"stonith-enabled\" value=\"false\""), loaded);
    }

    @Test
    @Tag("real")
    void crmVerifyAcceptsTheDrbdLayoutAndTheFormulasGuardAgrees() throws Exception {
        Compiled c = compile("ctl1", "pacemaker.drbd");
        Path cib = Files.writeString(dir.resolve("drbd-mysql.cib.xml"), rendered(c, "pacemaker-drbd-cib"));
        HaFormulas.Ran verify = HaFormulas.run(dir, Map.of(), "crm_verify", "--verbose", "--xml-file", cib.toString());
        assertEquals(0, verify.exit(), verify.output());
        CmdRun.Spec cmd = (CmdRun.Spec) step(c, "pacemaker-drbd-verify").spec();
        Map<String, String> files = Map.of("/etc/pacemaker/jstate/drbd-mysql.cib.xml", cib.toString());
        assertEquals(0, sh(local(cmd.unless().get(0), files), Map.of()).exit());

        // A constraint naming a resource that does not exist: the guard fails and the command says why.
        Path bad = Files.writeString(dir.resolve("bad.cib.xml"), rendered(c, "pacemaker-drbd-cib")
                .replace("with-rsc=\"drbd-mysql-clone\"", "with-rsc=\"no-such-clone\""));
        Map<String, String> badFiles = Map.of("/etc/pacemaker/jstate/drbd-mysql.cib.xml", bad.toString());
        assertNotEquals(0, sh(local(cmd.unless().get(0), badFiles), Map.of()).exit());
        HaFormulas.Ran why = sh(local(cmd.name(), badFiles), Map.of());
        assertNotEquals(0, why.exit());
        assertTrue(why.output().contains("no-such-clone"), why.output());
    }

    private static String local(String command, Map<String, String> files) {
        for (Map.Entry<String, String> e : files.entrySet()) command = command.replace(e.getKey(), e.getValue());
        return command;
    }

    private HaFormulas.Ran sh(String command, Map<String, String> env) throws Exception {
        return HaFormulas.run(dir, env, "/bin/sh", "-c", command);
    }

    // ---- XML helpers ----

    private static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element byId(Document d, String id) {
        NodeList all = d.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) return e;
        }
        throw new AssertionError("no element with id " + id);
    }

    private static String agent(Element primitive) {
        return primitive.getAttribute("class") + "/" + primitive.getAttribute("provider") + "/" + primitive.getAttribute("type");
    }

    private static Map<String, String> nvpairs(Document d, String setId) {
        Map<String, String> out = new LinkedHashMap<>();
        NodeList pairs = byId(d, setId).getElementsByTagName("nvpair");
        for (int i = 0; i < pairs.getLength(); i++) {
            Element p = (Element) pairs.item(i);
            out.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        return out;
    }
}
