package io.jstate.it;

import static io.jstate.it.Lab.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The OpenStack HA backend in a real lab: a master host and three controllers in namespaces
 * (packaging/lab/lab), real Debian packages, real daemons, the real master, minions and CLI. The
 * tests run in order on one lab, each starting from the converged backend the one before left:
 * fresh deploy with Keystone through the VIP, an RPC round trip on quorum queues, converged re-run,
 * one Galera node killed, every Galera node killed, a RabbitMQ node stopped and its app stopped,
 * and OpenStack's clients (Keystone, RPC) through the loss of a Galera node, a RabbitMQ node and
 * the VIP holder's HAProxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenstackHaLabIT {
    private static final List<String> CONTROLLERS = Lab.CONTROLLERS;

    private Lab lab;

    @BeforeAll
    void up() throws Exception {
        lab = new Lab("lab", Map.of()).up(3);
    }

    @AfterAll
    void down() throws Exception {
        if (lab == null) return;
        lab.close();
        // Only this instance's namespaces: other people's lab instances may run beside it.
        String mine = "^" + lab.instance() + "-(hub|master|ctl[0-9]+)( |$)";
        assertEquals("", new String(new ProcessBuilder("sh", "-c", "ip netns list | grep -E '" + mine + "' || true").start().getInputStream()
                .readAllBytes()), "lab down leaves no namespace");
    }

    private Procs.Ran on(String host, String shell) throws Exception {
        return lab.on(host, shell);
    }

    private Procs.Ran orchestrate() throws Exception {
        return lab.orchestrate("openstack-ha");
    }

    private static long changes(Procs.Ran r) {
        return Lab.changes(r);
    }

    /** {@code jstate apply highstate -t TARGET ARGS...}: the bundled tree's top.sls. */
    private Procs.Ran highstate(String target, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("apply", "highstate", "-t", target));
        args.addAll(List.of(extra));
        return lab.jstate(Duration.ofMinutes(10), args.toArray(String[]::new));
    }

    private Procs.Ran verify() throws Exception {
        return lab.verify(Map.of());
    }

    private String status(String host, String variable) throws Exception {
        return lab.galera(host, variable);
    }

    /** The PIDs of the backend's daemons on every controller. */
    private Map<String, String> daemons() throws Exception {
        return lab.pids(CONTROLLERS, List.of("mariadbd", "beam.smp", "haproxy", "keepalived", "memcached", "uwsgi_python311"));
    }

    /**
     * The first deploy's dry run on the fresh lab: every stage says what it would do (the election a
     * new cluster on ctl1; the SQL and RabbitMQ stages that they cannot check before the packages
     * come) and nothing is installed.
     */
    @Test
    @Order(0)
    void aDryRunOfTheFirstDeployGoesThroughEveryStageAndInstallsNothing() throws Exception {
        Procs.Ran dry = lab.orchestrate("openstack-ha", "--test");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("galera-elect: done (dry run, the stages below would act on it: no data node has data: a new cluster starts on ctl1"),
                dry.out());
        assertTrue(dry.out().contains("[20/20] keystone-db: done"), dry.out());
        assertTrue(changes(dry) > 0, dry.out());
        for (String h : CONTROLLERS) assertNotEquals(0, on(h, "dpkg -s mariadb-server rabbitmq-server").exit(), "nothing installed on " + h);
    }

    @Test
    @Order(1)
    void aFreshDeployIsVerifiedFromTheDaemons() throws Exception {
        Procs.Ran first = orchestrate();
        assertEquals(0, first.exit(), first.toString());
        assertTrue(changes(first) > 0, first.out());
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());

        // Keystone: the master host's openstack client gets a token through the VIP, and every
        // controller's Keystone validates it on its own (one database, the same Fernet keys).
        Procs.Ran rc = lab.openrc();
        assertEquals(0, rc.exit(), rc.toString());
        assertEquals("-rw-------", on("master", "stat -c %A /root/admin-openrc").out().trim(), "the admin password is root's only");
        Procs.Ran token = on("master", ". /root/admin-openrc && openstack token issue -f value -c id");
        assertEquals(0, token.exit(), token.toString());
        String id = token.out().trim();
        assertTrue(id.matches("gAAAAA[A-Za-z0-9_=-]{100,}"), "a Fernet token: " + id);
        for (String h : CONTROLLERS) {
            Procs.Ran valid = on(h, "T='" + id + "' python3 -c 'import os, urllib.request as u; print(u.urlopen(u.Request(\"http://"
                    + Lab.address(h) + ":5000/v3/auth/tokens\", headers={\"X-Auth-Token\": os.environ[\"T\"], \"X-Subject-Token\":"
                    + " os.environ[\"T\"]}), timeout=10).status)'");
            assertEquals("200", valid.out().trim(), h + " validates the token issued through the VIP: " + valid);
        }
        Procs.Ran services = on("master", ". /root/admin-openrc && openstack endpoint list -f value -c 'Service Name' -c Interface -c URL");
        assertEquals(List.of("keystone admin http://10.77.0.100:5000/v3/", "keystone internal http://10.77.0.100:5000/v3/",
                "keystone public http://10.77.0.100:5000/v3/"), services.out().lines().sorted().toList(), services.toString());
    }

    /**
     * oslo.messaging end to end: the lab's RPC service (packaging/lab/rpc) on every controller, on the
     * transport_url and [oslo_messaging_rabbit] that formula openstack wrote into nova.conf (every
     * broker, quorum queues), called from ctl1 by server and by topic.
     */
    @Test
    @Order(2)
    void anRpcRoundTripOnQuorumQueuesReachesEveryController() throws Exception {
        for (String h : CONTROLLERS) {
            Procs.Ran install = on(h, Lab.REPO.resolve("packaging/lab/rpc/install") + "");
            assertEquals(0, install.exit(), install.toString());
        }
        Procs.Ran call = on("ctl1", "jstate-lab-rpc call --server ctl1,ctl2,ctl3 --count 6 --deadline 60");
        assertEquals(0, call.exit(), call.toString());
        assertTrue(call.out().contains("\"calls\": 6, \"answered\": 6, \"unanswered\": 0"), call.out());
        assertTrue(call.out().contains("\"servers\": {\"ctl1\": 2, \"ctl2\": 2, \"ctl3\": 2}"), call.out());
        Procs.Ran any = on("ctl2", "jstate-lab-rpc call --count 3 --deadline 60");
        assertEquals(0, any.exit(), any.toString());
        // The topic's queues (the shared one and one per server; not the fanout ones) are quorum queues.
        Procs.Ran queues = on("ctl1", "rabbitmqctl -q list_queues -p openstack name type durable --no-table-headers | awk '$1 ~ /^jstate_lab(\\.ctl[0-9]+)?$/'");
        assertEquals(List.of("jstate_lab\tquorum\ttrue", "jstate_lab.ctl1\tquorum\ttrue", "jstate_lab.ctl2\tquorum\ttrue",
                "jstate_lab.ctl3\tquorum\ttrue"), queues.out().lines().sorted().toList(), queues.toString());
    }

    /**
     * The master's dashboard in real headless Chromium right after the deploy: the operator logs in,
     * sees every controller connected, the deploy's jobs with per-state results (and none of the
     * pillar's secrets on any of their pages), a job run now, and the health page's live values.
     */
    @Test
    @Order(3)
    void theDashboardShowsTheDeployedBackendInChromium() throws Exception {
        List<String> secrets = new ArrayList<>();
        StringBuilder pillar = new StringBuilder();
        for (String f : List.of("rabbitmq.sls", "openstack.sls", "pacemaker.sls", "keystone.sls")) pillar.append(Files.readString(Lab.REPO.resolve("packaging/lab/pillar/" + f)));
        Matcher sm = Pattern.compile("!secret\\s+\"?([^\"\\s]+)\"?").matcher(pillar);
        while (sm.find()) secrets.add(sm.group(1));
        assertTrue(secrets.size() >= 5, "the lab pillar's secrets: " + secrets);
        try (Dashboard d = new Dashboard(lab)) {
            d.logIn();
            assertEquals(CONTROLLERS, d.connected());
            d.screenshot("dashboard-minions.png");

            // Every job of the deploy: its page shows per-state results, and no secret in clear.
            d.open("/jobs");
            @SuppressWarnings("unchecked")
            List<String> applies = (List<String>) d.browser.eval("[...document.querySelectorAll('tbody tr')]"
                    + ".filter(r => r.cells[3].innerText.startsWith('apply')).map(r => r.cells[0].innerText)");
            assertTrue(applies.size() >= 3, "the deploy's apply jobs on the Jobs page: " + applies);
            boolean redacted = false;
            for (String jid : applies) {
                String page = d.open("/jobs/" + jid);
                String html = String.valueOf(d.browser.eval("document.documentElement.outerHTML"));
                for (String secret : secrets) {
                    assertFalse(html.contains(secret), "job " + jid + " shows a !secret pillar value");
                }
                if (!redacted && page.contains("<redacted>")) {
                    // The page of a state that wrote a secret: per-state results, the secret masked.
                    d.screenshot("dashboard-apply-job.png");
                    redacted = true;
                }
                assertTrue(page.contains("Duration") && page.contains("Changes"), page);
            }
            assertTrue(redacted, "some state of the deploy wrote a secret, shown redacted");

            String jid = d.job("run", "-t", "*", "test.ping");
            assertTrue(d.open("/jobs").contains(jid));
            String job = d.open("/jobs/" + jid);
            for (String h : CONTROLLERS) assertTrue(job.contains(h), job);
            d.screenshot("dashboard-job.png");

            String health = d.open("/health");
            d.screenshot("dashboard-health.png");
            assertFalse(health.contains("Did not answer"), health);
            assertTrue(health.contains("3 of 3 node(s) Synced."), health);
            assertEquals(List.of("ctl1 Synced 3 Primary", "ctl2 Synced 3 Primary", "ctl3 Synced 3 Primary"), d.browser.eval(
                    "[...document.querySelectorAll('tr.galera-node')].map(r => r.dataset.minion + ' ' + r.querySelector('.galera-state').innerText"
                            + " + ' ' + r.querySelector('.galera-size').innerText + ' ' + r.querySelector('.galera-status').innerText)"));
            assertEquals(List.of("ctl1 3 none", "ctl2 3 none", "ctl3 3 none"), d.browser.eval(
                    "[...document.querySelectorAll('tr.rabbitmq-node')].map(r => r.dataset.minion + ' '"
                            + " + r.querySelector('.rabbitmq-running .count').innerText + ' ' + r.querySelector('.rabbitmq-partitions').innerText)"));
            @SuppressWarnings("unchecked")
            List<String> memcached = (List<String>) d.browser.eval("[...document.querySelectorAll('tr.memcached')]"
                    + ".filter(r => r.querySelector('.memcached-reachable').innerText.startsWith('reachable')).map(r => r.dataset.minion)");
            assertEquals(CONTROLLERS, memcached.stream().distinct().sorted().toList(), "memcached answering on each controller");
            assertEquals(List.of("ctl1 UP ctl1 ctl2 ctl3", "ctl2 UP ctl1 ctl2 ctl3", "ctl3 UP ctl1 ctl2 ctl3"), d.browser.eval(
                    "[...document.querySelectorAll('tr.haproxy-backend[data-backend=\"galera\"]')].map(r => r.dataset.minion + ' '"
                            + " + r.cells[2].innerText + ' ' + [...r.querySelectorAll('.server')].map(s => s.firstChild.textContent.trim()).join(' '))"));
        }
    }

    @Test
    @Order(4)
    void runningItAgainChangesNothingAndRestartsNoDaemon() throws Exception {
        Map<String, String> before = daemons();
        before.forEach((k, pid) -> assertNotEquals("none", pid, k + " is not running"));
        Procs.Ran again = orchestrate();
        assertEquals(0, again.exit(), again.toString());
        assertEquals(0, changes(again), again.out());
        assertEquals(before, daemons(), "no daemon restarted");
        // The dry run of the converged backend, Keystone's stages included, says the same.
        Procs.Ran dry = lab.orchestrate("openstack-ha", "--test");
        assertEquals(0, dry.exit(), dry.toString());
        assertEquals(0, changes(dry), dry.out());
        assertTrue(dry.out().contains("[20/20] keystone-db: done"), dry.out());
    }

    /**
     * The bundled tree's highstate on the converged lab: no change and no restart; a hand edit of a
     * managed file shows as drift in a dry run, and the highstate puts the file back.
     */
    @Test
    @Order(5)
    void aHighstateOfTheConvergedControllersChangesNothingAndShowsAHandEdit() throws Exception {
        Map<String, String> before = daemons();
        Procs.Ran hs = highstate("G@roles:controller");
        assertEquals(0, hs.exit(), hs.toString());
        assertTrue(hs.out().contains("(changed=0)") && !hs.out().matches("(?s).*\\(changed=[1-9].*"), hs.out());
        assertEquals(before, daemons(), "no daemon restarted");
        assertEquals(0, on("ctl2", "echo '# a hand edit' >> /etc/memcached.conf").exit());
        Procs.Ran drift = highstate("ctl2", "--test");
        assertEquals(0, drift.exit(), drift.toString());
        assertTrue(drift.out().contains("memcached-conf") && drift.out().contains("-# a hand edit"), drift.out());
        assertEquals(0, on("ctl2", "grep -c 'a hand edit' /etc/memcached.conf").exit(), "a dry run changes nothing");
        Procs.Ran back = highstate("ctl2");
        assertEquals(0, back.exit(), back.toString());
        assertNotEquals(0, on("ctl2", "grep -q 'a hand edit' /etc/memcached.conf").exit(), "the highstate put the file back");
    }

    @Test
    @Order(6)
    void oneGaleraNodeKilledTheOthersServeAndTheNextRunBringsItBack() throws Exception {
        assertEquals(0, on("ctl2", "kill -9 $(pidof mariadbd)").exit());
        for (String h : List.of("ctl1", "ctl3")) {
            waitFor(() -> status(h, "wsrep_cluster_size"), "2", Duration.ofSeconds(60));
            assertEquals("Primary", status(h, "wsrep_cluster_status"), h);
        }
        Procs.Ran write = on("ctl1", "mysql -e \"CREATE DATABASE IF NOT EXISTS lab_it; CREATE TABLE IF NOT EXISTS lab_it.t (id INT PRIMARY KEY, v VARCHAR(20));"
                + " REPLACE INTO lab_it.t VALUES (1, 'one-down')\"");
        assertEquals(0, write.exit(), write.toString());
        // A highstate on the node alone joins it to the running cluster.
        Procs.Ran hs = highstate("ctl2");
        assertEquals(0, hs.exit(), hs.toString());
        assertEquals("Synced", status("ctl2", "wsrep_local_state_comment"));
        Procs.Ran run = orchestrate();
        assertEquals(0, run.exit(), run.toString());
        assertEquals("Synced", status("ctl2", "wsrep_local_state_comment"));
        assertEquals("3", status("ctl2", "wsrep_cluster_size"));
        assertEquals("one-down", on("ctl2", "mysql -N -B -e 'SELECT v FROM lab_it.t WHERE id = 1'").out().trim(), "written while ctl2 was down");
    }

    @Test
    @Order(7)
    void everyGaleraNodeKilledRecoversFromTheMostAdvancedWithEveryCommittedRow() throws Exception {
        // Rows committed on the whole cluster, then more while ctl3 is already gone: ctl3 is behind.
        assertEquals(0, on("ctl1", "mysql -e \"CREATE TABLE IF NOT EXISTS lab_it.rows (id INT PRIMARY KEY)\"").exit());
        assertEquals(0, on("ctl1", "for i in $(seq 1 20); do mysql -e \"INSERT INTO lab_it.rows VALUES ($i)\" || exit 1; done").exit());
        assertEquals(0, on("ctl3", "kill -9 $(pidof mariadbd)").exit());
        waitFor(() -> status("ctl1", "wsrep_cluster_size"), "2", Duration.ofSeconds(60));
        assertEquals(0, on("ctl1", "for i in $(seq 21 40); do mysql -e \"INSERT INTO lab_it.rows VALUES ($i)\" || exit 1; done").exit());
        for (String h : List.of("ctl1", "ctl2")) assertEquals(0, on(h, "kill -9 $(pidof mariadbd)").exit());
        // A highstate is per node: it must not start a new cluster from whichever node it runs on.
        Procs.Ran hs = highstate("ctl3");
        assertNotEquals(0, hs.exit(), hs.toString());
        assertTrue(hs.out().contains("Comment: command exited 1: no Galera node of cluster openstack-lab runs; a highstate does not start or recover "
                + "a cluster on its own node; run jstate orchestrate openstack-ha"), hs.out());
        for (String h : CONTROLLERS) assertNotEquals(0, on(h, "pidof mariadbd").exit(), "mariadbd stays down on " + h);
        Procs.Ran run = orchestrate();
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("recover"), "the election recovered the cluster:\n" + run.out());
        assertTrue(!run.out().contains("\"seed\":\"ctl3\""), "the stale node must not bootstrap:\n" + run.out());
        for (String h : CONTROLLERS) {
            assertEquals("40", on(h, "mysql -N -B -e 'SELECT COUNT(*) FROM lab_it.rows'").out().trim(), "every committed row on " + h);
        }
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());
    }

    @Test
    @Order(8)
    void aStoppedRabbitmqNodeIsBroughtBackByTheNextRun() throws Exception {
        Procs.Ran stop = on("ctl2", "/etc/init.d/rabbitmq-server stop");
        assertEquals(0, stop.exit(), stop.toString());
        Procs.Ran run = orchestrate();
        assertEquals(0, run.exit(), run.toString());
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().contains("cluster_status: 3 running nodes"), v.out());
    }

    /**
     * {@code rabbitmqctl stop_app}, the state pause_minority leaves a node in: the Erlang VM runs, the
     * app does not, and the init script's start would fail. The next run starts the app.
     */
    @Test
    @Order(9)
    void aRabbitmqNodeWithItsAppStoppedIsRepairedByTheNextRun() throws Exception {
        Procs.Ran stop = on("ctl2", "rabbitmqctl stop_app");
        assertEquals(0, stop.exit(), stop.toString());
        assertNotEquals(0, on("ctl2", "rabbitmq-diagnostics -q check_running").exit(), "the app is stopped");
        assertEquals(0, on("ctl2", "rabbitmq-diagnostics -q ping").exit(), "the VM runs");
        Procs.Ran run = orchestrate();
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.took().compareTo(Duration.ofMinutes(5)) < 0, "repaired within 5 minutes: " + run.took());
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().contains("cluster_status: 3 running nodes"), v.out());
    }

    /**
     * OpenStack's clients through single-node losses: a token loop through the VIP from the master
     * host (packaging/lab/keystone-loop, up to five requests a second for 45 s) and an RPC call loop from a controller
     * that is not hit (packaging/lab/rpc, two calls a second, each retried as an OpenStack service's
     * client retries), while the active Galera node's mariadbd, a RabbitMQ node's Erlang VM or the
     * VIP holder's HAProxy is killed (-9); then the next run repairs it. Every RPC call is answered;
     * no Keystone gap is longer than 10 s; the Galera and RabbitMQ losses fail at most 1 % of the
     * token requests of those 45 s. HAProxy's loss fails every request sent to the VIP until Keepalived has moved it
     * (the old holder refuses at once), so its share of failures is reported, not bounded.
     */
    @Test
    @Order(10)
    void keystoneAndRpcClientsThroughASingleNodeLoss() throws Exception {
        String vipHolder = lab.vipHolders().get(0);
        Map<String, String[]> faults = new java.util.LinkedHashMap<>();
        faults.put("mariadbd -9 on ctl1 (the active Galera node)", new String[] {"ctl1", "kill -9 $(pidof mariadbd)"});
        faults.put("beam.smp -9 on ctl1 (RabbitMQ)", new String[] {"ctl1", "kill -9 $(pidof beam.smp)"});
        faults.put("haproxy -9 on " + vipHolder + " (the VIP holder)", new String[] {vipHolder, "kill -9 $(pidof haproxy)"});
        List<String> table = new ArrayList<>(List.of("| fault | Keystone requests failed (45 s of them) | what failed | longest Keystone gap"
                + " | RPC calls answered | failed RPC attempts | longest RPC gap |", "|---|---|---|---|---|---|---|"));
        List<String> problems = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String[]> f : faults.entrySet()) {
            String host = f.getValue()[0];
            String rpcHost = CONTROLLERS.stream().filter(h -> !h.equals(host)).findFirst().orElseThrow();
            i++;
            Procs.Proc ks = lab.background("keystone-loop-" + i, "master",
                    ". /root/admin-openrc && " + Lab.REPO.resolve("packaging/lab/keystone-loop") + " --duration 45 --interval 0.2");
            Procs.Proc rpc = lab.background("rpc-loop-" + i, rpcHost, "jstate-lab-rpc call --duration 45 --interval 0.5 --timeout 5 --deadline 120");
            Thread.sleep(5_000);
            assertEquals(0, on(host, f.getValue()[1]).exit(), f.getKey());
            Map<String, Object> k = summary(ks.awaitLine(l -> l.startsWith("{\"summary\""), Duration.ofSeconds(90), "the Keystone loop's summary"));
            Map<String, Object> r = summary(rpc.awaitLine(l -> l.startsWith("{\"summary\""), Duration.ofSeconds(200), "the RPC loop's summary"));
            Map<String, Long> errors = new java.util.TreeMap<>();
            for (String l : ks.output().lines().filter(l -> l.startsWith("{\"at_s\"")).toList()) {
                errors.merge(String.valueOf(summary(l).get("error")).replaceAll(":.*", ""), 1L, Long::sum);
            }
            table.add("| " + f.getKey() + " | " + k.get("failed") + " of " + k.get("requests") + " (" + k.get("failed_pct") + " %) | "
                    + (errors.isEmpty() ? "-" : errors.toString()) + " | " + k.get("longest_gap_ms") + " ms | " + r.get("answered") + " of " + r.get("calls") + " | " + r.get("failed_attempts") + " | "
                    + r.get("longest_gap_ms") + " ms |");
            if (((Number) r.get("unanswered")).intValue() != 0) problems.add(f.getKey() + ": RPC calls unanswered: " + rpc.tail(20));
            if (((Number) k.get("longest_gap_ms")).longValue() > 10_000) problems.add(f.getKey() + ": a Keystone gap over 10 s: " + k);
            if (!host.equals(vipHolder) || !f.getKey().startsWith("haproxy")) {
                if (((Number) k.get("failed_pct")).doubleValue() > 1.0) problems.add(f.getKey() + ": over 1 % of the token requests failed: " + ks.tail(10));
            }
            if (f.getKey().startsWith("haproxy")) {
                List<String> now = lab.vipHolders();
                assertEquals(1, now.size(), "one VIP holder after HAProxy's loss: " + now);
                assertNotEquals(host, now.get(0), "Keepalived moved the VIP away from " + host);
            }
            Procs.Ran repair = orchestrate();
            assertEquals(0, repair.exit(), f.getKey() + ": the next run repairs it\n" + repair);
            if (f.getKey().startsWith("haproxy")) assertEquals(0, on(host, "pidof haproxy").exit(), "the next run starts haproxy again on " + host);
        }
        System.out.println("OpenstackHaLabIT: OpenStack's clients through a single-node loss\n" + String.join("\n", table));
        assertEquals(List.of(), problems, String.join("\n", table));
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> summary(String line) throws Exception {
        return JSON.readValue(line, Map.class);
    }
}
