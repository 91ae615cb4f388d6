package io.jstate.it;

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
 * fresh deploy, converged re-run, one Galera node killed, every Galera node killed, a RabbitMQ
 * node stopped, HAProxy stopped on the VIP holder.
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

    private Procs.Ran verify() throws Exception {
        return lab.verify(Map.of());
    }

    private String status(String host, String variable) throws Exception {
        return lab.galera(host, variable);
    }

    /** The PIDs of the backend's daemons on every controller. */
    private Map<String, String> daemons() throws Exception {
        return lab.pids(CONTROLLERS, List.of("mariadbd", "beam.smp", "haproxy", "keepalived", "memcached"));
    }

    @Test
    @Order(1)
    void aFreshDeployIsVerifiedFromTheDaemons() throws Exception {
        Procs.Ran first = orchestrate();
        assertEquals(0, first.exit(), first.toString());
        assertTrue(changes(first) > 0, first.out());
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());
    }

    /**
     * The master's dashboard in real headless Chromium right after the deploy: the operator logs in,
     * sees every controller connected, the deploy's jobs with per-state results (and none of the
     * pillar's secrets on any of their pages), a job run now, and the health page's live values.
     */
    @Test
    @Order(2)
    void theDashboardShowsTheDeployedBackendInChromium() throws Exception {
        List<String> secrets = new ArrayList<>();
        StringBuilder pillar = new StringBuilder();
        for (String f : List.of("rabbitmq.sls", "openstack.sls", "pacemaker.sls")) pillar.append(Files.readString(Lab.REPO.resolve("packaging/lab/pillar/" + f)));
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
    @Order(3)
    void runningItAgainChangesNothingAndRestartsNoDaemon() throws Exception {
        Map<String, String> before = daemons();
        before.forEach((k, pid) -> assertNotEquals("none", pid, k + " is not running"));
        Procs.Ran again = orchestrate();
        assertEquals(0, again.exit(), again.toString());
        assertEquals(0, changes(again), again.out());
        assertEquals(before, daemons(), "no daemon restarted");
    }

    @Test
    @Order(4)
    void oneGaleraNodeKilledTheOthersServeAndTheNextRunBringsItBack() throws Exception {
        assertEquals(0, on("ctl2", "kill -9 $(pidof mariadbd)").exit());
        for (String h : List.of("ctl1", "ctl3")) {
            waitFor(() -> status(h, "wsrep_cluster_size"), "2", Duration.ofSeconds(60));
            assertEquals("Primary", status(h, "wsrep_cluster_status"), h);
        }
        Procs.Ran write = on("ctl1", "mysql -e \"CREATE DATABASE IF NOT EXISTS lab_it; CREATE TABLE IF NOT EXISTS lab_it.t (id INT PRIMARY KEY, v VARCHAR(20));"
                + " REPLACE INTO lab_it.t VALUES (1, 'one-down')\"");
        assertEquals(0, write.exit(), write.toString());
        Procs.Ran run = orchestrate();
        assertEquals(0, run.exit(), run.toString());
        assertEquals("Synced", status("ctl2", "wsrep_local_state_comment"));
        assertEquals("3", status("ctl2", "wsrep_cluster_size"));
        assertEquals("one-down", on("ctl2", "mysql -N -B -e 'SELECT v FROM lab_it.t WHERE id = 1'").out().trim(), "written while ctl2 was down");
    }

    @Test
    @Order(5)
    void everyGaleraNodeKilledRecoversFromTheMostAdvancedWithEveryCommittedRow() throws Exception {
        // Rows committed on the whole cluster, then more while ctl3 is already gone: ctl3 is behind.
        assertEquals(0, on("ctl1", "mysql -e \"CREATE TABLE IF NOT EXISTS lab_it.rows (id INT PRIMARY KEY)\"").exit());
        assertEquals(0, on("ctl1", "for i in $(seq 1 20); do mysql -e \"INSERT INTO lab_it.rows VALUES ($i)\" || exit 1; done").exit());
        assertEquals(0, on("ctl3", "kill -9 $(pidof mariadbd)").exit());
        waitFor(() -> status("ctl1", "wsrep_cluster_size"), "2", Duration.ofSeconds(60));
        assertEquals(0, on("ctl1", "for i in $(seq 21 40); do mysql -e \"INSERT INTO lab_it.rows VALUES ($i)\" || exit 1; done").exit());
        for (String h : List.of("ctl1", "ctl2")) assertEquals(0, on(h, "kill -9 $(pidof mariadbd)").exit());
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
    @Order(6)
    void aStoppedRabbitmqNodeIsBroughtBackByTheNextRun() throws Exception {
        Procs.Ran stop = on("ctl2", "/etc/init.d/rabbitmq-server stop");
        assertEquals(0, stop.exit(), stop.toString());
        Procs.Ran run = orchestrate();
        assertEquals(0, run.exit(), run.toString());
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().contains("cluster_status: 3 running nodes"), v.out());
    }

    @Test
    @Order(7)
    void haproxyStoppedOnTheVipHolderMovesTheVipAndClientsStillReachGalera() throws Exception {
        List<String> holders = lab.vipHolders();
        assertEquals(1, holders.size(), "one controller holds the VIP: " + holders);
        final String was = holders.get(0);
        assertEquals(0, on(was, "/etc/init.d/haproxy stop").exit());
        String moved = waitFor(() -> String.join(",", lab.vipHolders().stream().filter(h -> !h.equals(was)).toList()), null, Duration.ofSeconds(30));
        assertNotEquals(was, moved);
        Procs.Ran through = on("ctl1", "timeout 5 bash -c 'exec 3<>/dev/tcp/" + Lab.VIP + "/3306' && echo reachable");
        assertTrue(through.out().contains("reachable"), "the VIP answers on 3306 from " + moved + ":\n" + through);
        Procs.Ran v = verify();
        assertEquals(0, v.exit(), v.toString());
        Procs.Ran run = orchestrate();
        assertEquals(0, run.exit(), run.toString());
        assertTrue(on(was, "pidof haproxy").exit() == 0, "the next run starts haproxy again on " + was);
    }

    /** A value a probe returns, polled until it equals {@code want} (or is non-empty when {@code want} is null). */
    private static String waitFor(Probe probe, String want, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        String got;
        do {
            got = probe.get();
            if (want == null ? !got.isEmpty() : want.equals(got)) return got;
            Thread.sleep(1000);
        } while (System.nanoTime() < end);
        throw new AssertionError("still " + got + " after " + limit.toSeconds() + " s (want " + (want == null ? "a value" : want) + ")");
    }

    @FunctionalInterface
    private interface Probe {
        String get() throws Exception;
    }
}
