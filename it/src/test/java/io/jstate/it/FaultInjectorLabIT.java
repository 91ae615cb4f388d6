package io.jstate.it;

import static io.jstate.it.Lab.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lab's fault injector (packaging/lab/fault) on a lab with the OpenStack HA backend deployed:
 * each fault is made through the injector and observed from outside it (the daemons' own answers,
 * connections tried from other hosts, process states), then undone. The cases run in order on one
 * lab; each leaves the backend as the next one needs it, and the last one's orchestration and
 * verify show the lab healthy after all of them. How long each part took is printed at the end and
 * kept in the logs (timings.txt).
 *
 * <p>System properties: {@code jstate.faults.reuseLab=true} runs on the lab of
 * {@code jstate.faults.labId} (default fa) as it is, deployed already, and leaves it up (with
 * {@code -Dtest=FaultInjectorLabIT#method+method} for a few cases on one's own lab).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectorLabIT {
    private static final List<String> CONTROLLERS = Lab.CONTROLLERS;
    /** What a MariaDB client says when the server cannot write for lack of space. */
    private static final String DISK_FULL = "(?is).*(is full|no space left|errno: 28|error 28|disk full).*";
    private static final boolean REUSE = Boolean.getBoolean("jstate.faults.reuseLab");

    private Lab lab;
    private Faults faults;
    private final Map<String, Duration> timings = new LinkedHashMap<>();
    private long caseStart;

    @BeforeAll
    void up() throws Exception {
        // The backend alone: no Keystone to install and check in this lab.
        Path pillar = LabPillar.withoutKeystone(LabPillar.copy(Path.of(System.getProperty("jstate.itLogs", "target/it-logs")).resolve("faults-pillar")));
        lab = new Lab("faults", Map.of("JLAB_ID", System.getProperty("jstate.faults.labId", "fa"), "JLAB_PILLAR", pillar.toAbsolutePath().toString()));
        faults = new Faults(lab);
        if (REUSE) return;
        long t0 = System.nanoTime();
        lab.up(3);
        took("lab up 3", t0);
        long t1 = System.nanoTime();
        Procs.Ran deploy = lab.orchestrate("openstack-ha");
        assertEquals(0, deploy.exit(), deploy.toString());
        took("orchestrate openstack-ha (first deploy)", t1);
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (lab != null && !REUSE) lab.close();
        } finally {
            StringBuilder t = new StringBuilder();
            timings.forEach((what, d) -> t.append(String.format("%8.1f s  %s%n", d.toMillis() / 1000.0, what)));
            System.out.print("FaultInjectorLabIT timings:\n" + t);
            if (lab != null) Files.writeString(lab.logs().resolve("timings.txt"), t);
        }
    }

    @BeforeEach
    void startCase() {
        caseStart = System.nanoTime();
    }

    @AfterEach
    void endCase(TestInfo info) {
        took("case " + info.getTestMethod().map(m -> m.getName()).orElse("?"), caseStart);
    }

    private void took(String what, long since) {
        timings.put(what, Duration.ofNanos(System.nanoTime() - since));
    }

    private Procs.Ran on(String host, String shell) throws Exception {
        return lab.on(host, shell);
    }

    private String galera(String host, String variable) throws Exception {
        return lab.galera(host, variable);
    }

    /** Whether a TCP connection from FROM to ADDRESS:PORT opens within 3 s. */
    private boolean reaches(String from, String address, int port) throws Exception {
        return on(from, "timeout 3 bash -c 'exec 3<>/dev/tcp/" + address + "/" + port + "'").exit() == 0;
    }

    private static String addr(String host) {
        return "10.77.0." + (10 + Integer.parseInt(host.substring(3)));
    }

    /** Every controller Primary, Synced, in a cluster of 3. */
    private void threeSynced(Duration limit) throws Exception {
        for (String h : CONTROLLERS) {
            waitFor(() -> galera(h, "wsrep_cluster_size") + " " + galera(h, "wsrep_cluster_status") + " " + galera(h, "wsrep_local_state_comment"),
                    "3 Primary Synced", limit);
        }
    }

    /**
     * FROM's neighbour entry for ADDRESS after a fresh resolution: the entry flushed, a connection
     * tried (FROM sends ARP requests for 3 s), then {@code ip neigh show}: "lladdr ..." when ADDRESS
     * answered, INCOMPLETE or FAILED without a lladdr when no ARP got through.
     */
    private String resolve(String from, String address) throws Exception {
        on(from, "ip neigh flush to " + address + " dev eth0");
        reaches(from, address, 3306);
        return on(from, "ip neigh show to " + address + " dev eth0").out().trim();
    }

    /** The injector's arp table in HOST's network namespace, listed with this machine's nft ("" when there is none). */
    private String arpTable(String host) throws Exception {
        Process p = new ProcessBuilder("timeout", "-k", "2", "15", "nsenter", "--net=" + lab.netns(host), "nft", "list", "table", "arp",
                "jlab_fault").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "nft list in " + host + " did not end in 15 s");
        return p.exitValue() == 0 ? out : "";
    }

    private void arpCut(String from, String address) throws Exception {
        String entry = resolve(from, address);
        assertTrue(entry.matches("(?s).*(INCOMPLETE|FAILED).*") && !entry.contains("lladdr"),
                from + " resolved " + address + " through ARP: '" + entry + "'");
    }

    private void arpWorks(String from, String address) throws Exception {
        String entry = resolve(from, address);
        assertTrue(entry.contains("lladdr"), from + " did not resolve " + address + " through ARP: '" + entry + "'");
    }

    private void clean() throws Exception {
        assertEquals("no active fault", faults.status());
    }

    @Test
    @Order(1)
    void badArgumentsAreUsageErrorsAndAFaultThatCannotBeMadeIsRefused() throws Exception {
        for (List<String> bad : List.of(List.<String>of(), List.of("frobnicate"), List.of("pause", "ctl1"), List.of("kill", "ctl9", "mariadbd"),
                List.of("cut", "ctl1", "ctl1"), List.of("isolate", "ctl1", "ctl2"), List.of("grastate", "eat", "ctl1"),
                List.of("stop", "ctl1", "no-such-service"), List.of("kill", "ctl1", "two words"))) {
            Procs.Ran r = faults.run(bad.toArray(String[]::new));
            assertEquals(64, r.exit(), bad + ":\n" + r);
            assertTrue(r.err().contains("usage:"), bad + ":\n" + r);
        }
        assertTrue(faults.run("kill", "ctl9", "mariadbd").err().contains("no running host 'ctl9'"));
        Procs.Ran none = faults.run("kill", "ctl1", "nosuchdaemon");
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().contains("no process named nosuchdaemon runs in ctl1; nothing done"), none.toString());
        Procs.Ran running = faults.run("grastate", "rm", "ctl1");
        assertEquals(1, running.exit(), running.toString());
        assertTrue(running.err().contains("mariadbd runs in ctl1"), running.toString());
        assertEquals(0, on("ctl1", "test -s /var/lib/mysql/grastate.dat").exit(), "grastate.dat untouched");
        assertEquals("Synced", galera("ctl1", "wsrep_local_state_comment"));
        clean();
    }

    @Test
    @Order(2)
    void pauseStopsAProcessAndResumeContinuesIt() throws Exception {
        String pid = on("ctl1", "pidof mariadbd").out().trim();
        assertFalse(pid.isEmpty());
        assertEquals("paused mariadbd in ctl1 (SIGSTOP): pid " + pid, faults.pause("ctl1", "mariadbd"));
        assertTrue(on("ctl1", "ps -o stat= -p " + pid).out().trim().startsWith("T"), "state T");
        assertTrue(faults.status().matches("(?s).*ctl1 +paused +mariadbd \\(pid " + pid + "\\).*"), faults.status());
        assertEquals("resumed mariadbd in ctl1 (SIGCONT): pid " + pid, faults.resume("ctl1", "mariadbd"));
        assertFalse(on("ctl1", "ps -o stat= -p " + pid).out().trim().startsWith("T"), "running again");
        clean();
        threeSynced(Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void anIsolatedNodeGoesNonPrimaryTheOthersStayPrimaryAndHealMakesThreeAgain() throws Exception {
        assertTrue(faults.isolate("ctl3").startsWith("isolated ctl3"));
        long t0 = System.nanoTime();
        assertFalse(reaches("ctl1", addr("ctl3"), 3306), "ctl1 reaches ctl3's 3306");
        assertFalse(reaches("ctl3", addr("ctl2"), 3306), "ctl3 reaches ctl2's 3306");
        assertTrue(reaches("ctl3", addr("ctl3"), 3306), "ctl3 reaches its own address through loopback");
        assertTrue(faults.status().matches("(?s).*ctl3 +network +isolate.*"), faults.status());
        // ARP too: ctl3 answers no ARP request (ctl1 and the master have no rules of their own), so
        // neither its lab address nor a VIP it would claim is resolved to its MAC elsewhere.
        arpCut("ctl1", addr("ctl3"));
        arpCut("master", addr("ctl3"));
        assertTrue(arpTable("ctl3").contains("iifname != \"lo\" drop"), "ctl3's arp table");
        waitFor(() -> galera("ctl3", "wsrep_cluster_status"), "non-Primary", Duration.ofSeconds(90));
        took("isolate ctl3: ctl3 non-Primary after", t0);
        for (String h : List.of("ctl1", "ctl2")) {
            waitFor(() -> galera(h, "wsrep_cluster_size"), "2", Duration.ofSeconds(90));
            assertEquals("Primary", galera(h, "wsrep_cluster_status"), h);
        }
        took("isolate ctl3: ctl1 and ctl2 Primary of 2 after", t0);
        assertTrue(faults.heal().startsWith("healed ctl3"));
        long t1 = System.nanoTime();
        clean();
        assertEquals("", arpTable("ctl3"), "heal removes the arp table too");
        arpWorks("ctl1", addr("ctl3"));
        arpWorks("ctl3", addr("ctl1"));
        threeSynced(Duration.ofSeconds(120));
        took("heal: 3 Primary Synced after", t1);
    }

    @Test
    @Order(4)
    void aCutBetweenTwoHostsLeavesBothReachingTheThird() throws Exception {
        assertTrue(faults.cut("ctl1", "ctl2").startsWith("cut ctl1"));
        assertFalse(reaches("ctl1", addr("ctl2"), 3306), "ctl1 reaches ctl2");
        assertFalse(reaches("ctl2", addr("ctl1"), 3306), "ctl2 reaches ctl1");
        for (String h : List.of("ctl1", "ctl2")) {
            assertTrue(reaches(h, addr("ctl3"), 3306), h + " reaches ctl3");
            assertTrue(reaches("ctl3", addr(h), 3306), "ctl3 reaches " + h);
        }
        String status = faults.status();
        assertTrue(status.matches("(?s).*ctl1 +network +cut ctl2.*") && status.matches("(?s).*ctl2 +network +cut ctl1.*"), status);
        // ARP between the two only: each still resolves ctl3 and ctl3 both of them.
        arpWorks("ctl1", addr("ctl3"));
        arpWorks("ctl3", addr("ctl1"));
        arpWorks("ctl3", addr("ctl2"));
        // With ctl1's side healed, ctl1 sends its requests for ctl2 again, and ctl2's side alone
        // drops them (their sender is ctl1), then, healed too, answers.
        assertTrue(faults.heal("ctl1").startsWith("healed ctl1"));
        arpCut("ctl1", addr("ctl2"));
        assertTrue(faults.status().matches("(?s).*ctl2 +network +cut ctl1.*"), faults.status());
        assertTrue(faults.heal().startsWith("healed ctl2"));
        long t1 = System.nanoTime();
        clean();
        arpWorks("ctl1", addr("ctl2"));
        arpWorks("ctl2", addr("ctl1"));
        assertTrue(reaches("ctl1", addr("ctl2"), 3306), "ctl1 reaches ctl2 after heal");
        threeSynced(Duration.ofSeconds(120));
        took("heal of the cut: 3 Primary Synced after", t1);
    }

    @Test
    @Order(5)
    void killStopStartAndTheRabbitmqAppComeAndGoAsSaid() throws Exception {
        String pid = on("ctl2", "pidof memcached").out().trim();
        assertEquals("killed memcached in ctl2 (SIGKILL): pid " + pid, faults.kill("ctl2", "memcached"));
        assertNotEquals(0, on("ctl2", "pidof memcached").exit(), "memcached gone");
        assertTrue(faults.start("ctl2", "memcached").startsWith("started memcached in ctl2"));
        assertEquals(0, on("ctl2", "/etc/init.d/memcached status").exit());
        assertTrue(faults.stop("ctl2", "memcached").startsWith("stopped memcached in ctl2"));
        assertEquals(3, on("ctl2", "/etc/init.d/memcached status").exit(), "stopped cleanly");
        faults.start("ctl2", "memcached");
        assertEquals(0, on("ctl2", "/etc/init.d/memcached status").exit());

        assertTrue(faults.stopApp("ctl2").startsWith("stopped the RabbitMQ app in ctl2"));
        assertNotEquals(0, on("ctl2", "rabbitmq-diagnostics -q check_running").exit(), "the app is stopped");
        assertEquals(0, on("ctl2", "rabbitmq-diagnostics -q ping").exit(), "the VM runs");
        assertTrue(faults.startApp("ctl2").startsWith("started the RabbitMQ app in ctl2"));
        assertEquals(0, on("ctl2", "rabbitmq-diagnostics -q check_running").exit(), "the app runs");
        clean();
    }

    @Test
    @Order(6)
    void aFullDataFolderFailsWritesOnThatNodeAndDiskFreeUndoesIt() throws Exception {
        // The table exists everywhere before: DDL on the full node would make it leave the cluster.
        assertEquals(0, on("ctl1", "mysql -e 'CREATE DATABASE IF NOT EXISTS lab_fault; CREATE TABLE IF NOT EXISTS lab_fault.blobs"
                + " (id INT AUTO_INCREMENT PRIMARY KEY, b LONGBLOB)'").exit());
        String insert = "mysql -e \"INSERT INTO lab_fault.blobs (b) VALUES (REPEAT('x', 4194304))\"";
        long t0 = System.nanoTime();
        String full = faults.diskFull("ctl3");
        took("disk-full ctl3", t0);
        assertTrue(full.startsWith("filled ctl3's /var/lib/mysql") && full.contains("mariadbd restarted on it"), full);
        waitFor(() -> galera("ctl3", "wsrep_local_state_comment"), "Synced", Duration.ofSeconds(60));
        assertEquals("0", on("ctl3", "df -k --output=avail /var/lib/mysql | tail -n 1").out().trim(), "no space left");
        assertTrue(faults.status().matches("(?s).*ctl3 +disk-full +/var/lib/mysql.*"), faults.status());
        int logged = Integer.parseInt(on("ctl3", "wc -l < /var/log/syslog").out().trim());
        Procs.Ran failed = on("ctl3", insert);
        assertNotEquals(0, failed.exit(), "a 4 MB row written on the full node:\n" + failed);
        // The client sees the error, or the server, out of space even for its rollback, aborts
        // (InnoDB "[FATAL] Error (Out of disk space) in rollback", seen here): its log says why.
        String log = on("ctl3", "tail -n +" + (logged + 1) + " /var/log/syslog").out();
        assertTrue((failed.out() + failed.err() + log).matches(DISK_FULL), "a disk-full error:\n" + failed + "\n" + log);
        boolean survived = on("ctl3", "pidof mariadbd").exit() == 0;
        timings.put("disk-full ctl3: after the failed write, mariadbd " + (survived ? "runs" : "is gone"), Duration.ZERO);
        long t1 = System.nanoTime();
        String free = faults.diskFree("ctl3");
        took("disk-free ctl3", t1);
        assertTrue(free.startsWith("freed ctl3's /var/lib/mysql"), free);
        assertNotEquals(0, on("ctl3", "mountpoint -q /var/lib/mysql").exit(), "no mount left");
        clean();
        if (on("ctl3", "pidof mariadbd").exit() != 0) faults.start("ctl3", "mariadb");
        threeSynced(Duration.ofSeconds(90));
        Procs.Ran written = on("ctl3", insert);
        assertEquals(0, written.exit(), written.toString());
        took("disk-full to Synced with room again", t0);
    }

    @Test
    @Order(7)
    void grastateIsRemovedAndCorruptedOnAStoppedNodeAndRestored() throws Exception {
        assertTrue(faults.stop("ctl3", "mariadb").startsWith("stopped mariadb in ctl3"));
        String sum = "md5sum < /var/lib/mysql/grastate.dat";
        String before = on("ctl3", sum).out();
        assertTrue(on("ctl3", "cat /var/lib/mysql/grastate.dat").out().matches("(?s).*uuid: +[0-9a-f-]{36}\\s.*seqno: +[0-9]+\\s.*"),
                "a clean stop's grastate.dat");

        assertTrue(faults.grastate("rm", "ctl3").startsWith("removed /var/lib/mysql/grastate.dat (it held "));
        assertNotEquals(0, on("ctl3", "test -e /var/lib/mysql/grastate.dat").exit(), "removed");
        assertTrue(faults.status().matches("(?s).*ctl3 +grastate .*"), faults.status());
        assertTrue(faults.grastate("restore", "ctl3").startsWith("restored /var/lib/mysql/grastate.dat"));
        assertEquals(before, on("ctl3", sum).out(), "the same file back");

        assertTrue(faults.grastate("corrupt", "ctl3").startsWith("corrupted /var/lib/mysql/grastate.dat"));
        assertNotEquals(before, on("ctl3", sum).out());
        assertNotEquals(0, on("ctl3", "grep -Eq '^seqno: +[0-9-]+$' /var/lib/mysql/grastate.dat").exit(), "no seqno left to read");
        faults.grastate("restore", "ctl3");
        assertEquals(before, on("ctl3", sum).out());
        clean();

        assertTrue(faults.start("ctl3", "mariadb").startsWith("started mariadb in ctl3"));
        threeSynced(Duration.ofSeconds(90));
    }

    @Test
    @Order(8)
    void aRebootedControllerKeepsNoOldProcessAndItsEnabledServicesComeBack() throws Exception {
        assertTrue(faults.kill("ctl2", "mariadbd").startsWith("killed mariadbd in ctl2"));
        waitFor(() -> galera("ctl1", "wsrep_cluster_size"), "2", Duration.ofSeconds(60));
        Set<String> enabled = new TreeSet<>(Arrays.asList(on("ctl2", "ls /etc/rc2.d | sed -n 's/^S[0-9][0-9]//p'").out().split("\\s+")));
        timings.put("ctl2's enabled init scripts: " + enabled, Duration.ZERO);
        for (String s : List.of("jstate-minion", "mariadb", "rabbitmq-server", "haproxy", "keepalived", "memcached", "clustercheck")) {
            assertTrue(enabled.contains(s), s + " is enabled in rc2.d: " + enabled);
        }
        // Every process but the lab's own init (pid 1) and the sleep it keeps as its child.
        String ps = "ps -eo pid=,ppid=,comm= | awk '$1 != 1 && !($2 == 1 && $3 == \"sleep\") && $3 != \"ps\" && $3 != \"awk\" { print $1 }'";
        Set<String> old = new TreeSet<>(Arrays.asList(on("ctl2", ps).out().trim().split("\\s+")));
        assertTrue(old.size() > 5, "ctl2's processes: " + old);
        assertEquals(0, on("ctl2", "touch /run/fault-it-marker").exit());

        long t0 = System.nanoTime();
        String rebooted = faults.reboot("ctl2");
        took("reboot ctl2", t0);
        assertTrue(rebooted.startsWith("rebooted ctl2") && !rebooted.contains("FAILED"), rebooted);
        Set<String> now = new TreeSet<>(Arrays.asList(on("ctl2", ps).out().trim().split("\\s+")));
        Set<String> kept = new TreeSet<>(now);
        kept.retainAll(old);
        assertEquals(Set.of(), kept, "no pre-reboot process left in ctl2");
        assertNotEquals(0, on("ctl2", "test -e /run/fault-it-marker").exit(), "/run emptied");
        assertEquals(0, on("ctl2", "test -x /run/jlab/busybox && pgrep -f 'busybox syslogd'").exit(), "the lab's syslog daemon kept and started again");

        for (String s : enabled) {
            Procs.Ran st = s.equals("keepalived") ? on("ctl2", "start-stop-daemon --status --pidfile /run/keepalived.pid")
                    : on("ctl2", "/etc/init.d/" + s + " status");
            if (List.of("jstate-minion", "mariadb", "rabbitmq-server", "haproxy", "keepalived", "memcached", "clustercheck").contains(s)) {
                assertEquals(0, st.exit(), s + " runs after the reboot:\n" + st);
            }
        }
        waitFor(() -> lab.jstate(Duration.ofMinutes(1), "run", "-t", "ctl2", "test.ping").exit() == 0 ? "answers" : "no", "answers",
                Duration.ofSeconds(90));
        took("reboot ctl2: its minion answers after", t0);
        threeSynced(Duration.ofSeconds(120));
        took("reboot ctl2: 3 Primary Synced after", t0);
        clean();
    }

    @Test
    @Order(9)
    void afterEveryFaultTheOrchestrationAndVerifyFindAHealthyBackend() throws Exception {
        Procs.Ran run = lab.orchestrate("openstack-ha");
        assertEquals(0, run.exit(), run.toString());
        Procs.Ran v = lab.verify(Map.of());
        assertEquals(0, v.exit(), v.toString());
        List<String> vip = new ArrayList<>(lab.vipHolders());
        assertEquals(1, vip.size(), "one VIP holder: " + vip);
        clean();
    }
}
