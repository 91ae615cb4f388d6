package io.jstate.states.formulas;

import static io.jstate.states.formulas.HaFormulas.compile;
import static io.jstate.states.formulas.HaFormulas.edge;
import static io.jstate.states.formulas.HaFormulas.ids;
import static io.jstate.states.formulas.HaFormulas.lines;
import static io.jstate.states.formulas.HaFormulas.rendered;
import static io.jstate.states.formulas.HaFormulas.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Requisite;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.PillarData;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepalivedFormulaTest {
    private static final Map<String, Integer> PRIORITY = Map.of("ctl1", 150, "ctl2", 140, "ctl3", 130);
    private static final Map<String, String> ADDRESS = Map.of("ctl1", "10.77.0.11", "ctl2", "10.77.0.12", "ctl3", "10.77.0.13");

    @TempDir
    Path dir;

    /** The lines between "name {" and its closing brace, nested blocks flattened. */
    private static List<String> block(String conf, String name) {
        List<String> all = lines(conf);
        int start = all.indexOf(name + " {");
        assertTrue(start >= 0, "no block '" + name + "' in:\n" + conf);
        List<String> out = new ArrayList<>();
        int depth = 1;
        for (int i = start + 1; depth > 0; i++) {
            String l = all.get(i);
            if (l.equals("}")) depth--;
            if (depth > 0) out.add(l);
            if (l.endsWith("{")) depth++;
        }
        return out;
    }

    private static List<String> inner(List<String> block, String name) {
        int start = block.indexOf(name + " {");
        assertTrue(start >= 0, "no '" + name + " {' in " + block);
        int end = start + 1;
        while (!block.get(end).equals("}")) end++;
        return block.subList(start + 1, end);
    }

    @Test
    void installsWithoutStartingWritesTheCheckAndTheConfigAndReloadsOnChange() {
        Compiled c = compile("ctl1", "keepalived");
        assertEquals(List.of("keepalived-pkg", "keepalived-check-haproxy", "keepalived-conf", "keepalived-service"), ids(c));
        assertEquals(Boolean.TRUE, ((PkgInstalled.Spec) step(c, "keepalived-pkg").spec()).noStart());
        FileManaged.Spec check = (FileManaged.Spec) step(c, "keepalived-check-haproxy").spec();
        assertEquals("/etc/keepalived/check_haproxy", check.name());
        assertEquals("0755", check.mode());
        assertEquals("root", check.user());
        FileManaged.Spec conf = (FileManaged.Spec) step(c, "keepalived-conf").spec();
        assertEquals("/etc/keepalived/keepalived.conf", conf.name());
        assertEquals("0640", conf.mode());
        // A changed keepalived.conf is reloaded (SIGHUP): the holder keeps the VIP while every node applies it.
        assertEquals(new ServiceRunning.Spec("keepalived", true, true), step(c, "keepalived-service").spec());
        assertTrue(edge(c, "keepalived-service", Requisite.WATCH, "keepalived-conf"));
    }

    @Test
    void everyNodeIsABackupWithoutPreemptionAtItsOwnPriorityForTheVip() {
        for (String node : HaFormulas.CONTROLLERS) {
            String conf = rendered(compile(node, "keepalived"), "keepalived-conf");
            List<String> vrrp = block(conf, "vrrp_instance VI_GALERA");
            for (String l : List.of("state BACKUP", "nopreempt", "interface eth0", "virtual_router_id 51",
                    "priority " + PRIORITY.get(node), "advert_int 1")) {
                assertTrue(vrrp.contains(l), node + " lacks '" + l + "':\n" + conf);
            }
            assertEquals(List.of("10.77.0.100/24 dev eth0"), inner(vrrp, "virtual_ipaddress"));
            assertEquals(List.of("chk_haproxy"), inner(vrrp, "track_script"));
            assertEquals(List.of("auth_type PASS", "auth_pass kLb7xq2W"), inner(vrrp, "authentication"));
            assertEquals(List.of("router_id " + node, "enable_script_security", "script_user root"), block(conf, "global_defs"));
        }
    }

    @Test
    void unicastGoesFromTheNodesOwnAddressToTheOtherTwo() {
        for (String node : HaFormulas.CONTROLLERS) {
            List<String> vrrp = block(rendered(compile(node, "keepalived"), "keepalived-conf"), "vrrp_instance VI_GALERA");
            assertTrue(vrrp.contains("unicast_src_ip " + ADDRESS.get(node)), vrrp.toString());
            List<String> peers = new ArrayList<>(ADDRESS.values());
            peers.remove(ADDRESS.get(node));
            Collections.sort(peers);
            assertEquals(peers, inner(vrrp, "unicast_peer"), node);
        }
    }

    @Test
    void multicastWhenUnicastIsOff() {
        String conf = rendered(compile("ctl2", multicast("ctl2"), "keepalived"), "keepalived-conf");
        assertFalse(conf.contains("unicast"), conf);
        assertTrue(block(conf, "vrrp_instance VI_GALERA").contains("priority 140"));
    }

    @Test
    void theCheckAsksThisHostsHaproxyOnItsStatsSocket() {
        String conf = rendered(compile("ctl3", "keepalived"), "keepalived-conf");
        assertEquals(List.of("script \"/etc/keepalived/check_haproxy /run/haproxy/admin.sock galera\"", "interval 2", "timeout 3",
                "fall 2", "rise 2"), block(conf, "vrrp_script chk_haproxy"));
    }

    /**
     * A failing check must put the node in FAULT, the one state that keeps a node that hears no
     * adverts off the VIP: so the script has no weight (a weight only lowers a priority), and it
     * names the proxy the haproxy formula renders.
     */
    @Test
    void aFailingCheckMeansFaultAndTheProxyItAsksForIsHaproxysGalera() {
        String conf = rendered(compile("ctl1", "keepalived"), "keepalived-conf");
        assertTrue(block(conf, "vrrp_script chk_haproxy").stream().noneMatch(l -> l.startsWith("weight")), conf);
        assertTrue(lines(rendered(compile("ctl1", "haproxy"), "haproxy-conf")).contains("listen galera"),
                "the haproxy formula's Galera proxy is named galera");
        // The script's own bound (alarm) is below keepalived's timeout for it, so it is never killed.
        String script = rendered(compile("ctl1", "keepalived"), "keepalived-check-haproxy");
        assertTrue(script.contains("alarm 2;"), script);
        assertTrue(conf.contains("timeout 3"), conf);
    }

    @Test
    void theVrrpPasswordIsASecret() {
        PillarData p = HaFormulas.labPillar("ctl1");
        assertTrue(p.secrets().contains("kLb7xq2W"));
        assertTrue(((String) HaFormulas.at(p.data(), "keepalived.auth_pass")).length() <= 8, "VRRP PASS uses 8 characters at most");
    }

    /** "proxy,server,status" of each server row of haproxy's "show stat" CSV. */
    private static List<String> statuses(String stat) {
        List<String> out = new ArrayList<>();
        List<String> all = List.of(stat.split("\n"));
        if (all.isEmpty() || !all.get(0).startsWith("# pxname,")) return out;
        int status = List.of(all.get(0).substring(2).split(",")).indexOf("status");
        for (String l : all.subList(1, all.size())) {
            String[] f = l.split(",", -1);
            if (f.length > status && !f[1].equals("FRONTEND") && !f[1].equals("BACKEND")) out.add(f[0] + "," + f[1] + "," + f[status]);
        }
        return out;
    }

    private static PillarData multicast(String node) {
        return HaFormulas.changed(node, d -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> k = (Map<String, Object>) d.get("keepalived");
            k.put("unicast", false);
            k.remove("unicast_peers");
            return d;
        });
    }

    @Test
    @Tag("real")
    void keepalivedAcceptsTheRenderedConfigurations() throws Exception {
        configTest(rendered(compile("ctl1", "keepalived"), "keepalived-conf"));
        configTest(rendered(compile("ctl3", multicast("ctl3"), "keepalived"), "keepalived-conf"));
    }

    @Test
    @Tag("real")
    void keepalivedRefusesAPriorityOutOfRangeSoTheCheckMeansSomething() throws Exception {
        String conf = rendered(compile("ctl1", "keepalived"), "keepalived-conf").replace("priority 150", "priority 300");
        assertTrue(keepalived(conf).exit() != 0);
    }

    private void configTest(String conf) throws Exception {
        HaFormulas.Ran r = keepalived(conf);
        assertEquals(0, r.exit(), r.output());
        assertEquals("", r.output().strip(), "keepalived -t reported:\n" + r.output());
    }

    /**
     * keepalived --config-test on the file, with the lab's interface name swapped for one this
     * machine has when it has no eth0: the test checks that the interface exists.
     */
    private HaFormulas.Ran keepalived(String conf) throws Exception {
        if (NetworkInterface.getByName("eth0") == null) {
            String here = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(i -> !i.getName().equals("lo")).map(NetworkInterface::getName).sorted().findFirst().orElseThrow();
            conf = conf.replace(" eth0", " " + here);
        }
        // keepalived checks the script is there and, with enable_script_security, that no one but
        // root can change it or a directory above it: so not under /tmp, which anyone may write.
        Path safe = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "keepalived-test");
        try {
            Path script = safe.resolve("check_haproxy");
            Files.writeString(script, rendered(compile("ctl1", "keepalived"), "keepalived-check-haproxy"));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path f = Files.writeString(dir.resolve("keepalived.conf"), conf.replace("/etc/keepalived/check_haproxy", script.toString()));
            return HaFormulas.run(dir, Map.of(), "keepalived", "--config-test", "--use-file", f.toString());
        } finally {
            try (var files = Files.list(safe)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(safe);
        }
    }

    /** The check script against a real haproxy that has a stats socket and no listener at all. */
    @Test
    @Tag("real")
    void theCheckScriptTellsALiveHaproxyFromADeadOneAndFromNone() throws Exception {
        Compiled c = compile("ctl1", "keepalived");
        Path script = Files.writeString(dir.resolve("check_haproxy"), rendered(c, "keepalived-check-haproxy"));
        Path socket = dir.resolve("admin.sock");
        assertEquals(1, HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString()).exit(), "no socket at all");

        Path cfg = Files.writeString(dir.resolve("stats-only.cfg"), "global\n\tstats socket " + socket + " mode 600 level admin\n"
                + "defaults\n\tmode tcp\n\ttimeout connect 1s\n\ttimeout client 1s\n\ttimeout server 1s\n");
        Process haproxy = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) Thread.sleep(50);
            HaFormulas.Ran live = HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString());
            assertEquals(0, live.exit(), live.output() + Files.readString(dir.resolve("haproxy.log")));
        } finally {
            haproxy.destroyForcibly();
            assertTrue(haproxy.waitFor(10, TimeUnit.SECONDS), "haproxy did not stop");
        }
        assertTrue(Files.exists(socket), "a killed haproxy leaves its socket file behind");
        assertEquals(1, HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString()).exit(), "dead haproxy");
        assertEquals(1, HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString(), "galera").exit(),
                "dead haproxy, asked for galera");
    }

    /**
     * The check against a real haproxy whose proxies have servers UP and DOWN (TCP checks to a
     * loopback port that listens, and to one that does not): it passes only for a proxy with a
     * server UP, an active one or a backup.
     */
    @Test
    @Tag("real")
    void theCheckFailsWhenTheProxyHasNoServerUp() throws Exception {
        Path script = Files.writeString(dir.resolve("check_haproxy"), rendered(compile("ctl1", "keepalived"), "keepalived-check-haproxy"));
        Path socket = dir.resolve("admin.sock");
        InetAddress lo = InetAddress.getLoopbackAddress();
        // Never accepted: a TCP check only needs the handshake, and the backlog holds every check of the test.
        try (ServerSocket up = new ServerSocket(0, 1000, lo); ServerSocket free1 = new ServerSocket(0, 1, lo);
                ServerSocket free2 = new ServerSocket(0, 1, lo); ServerSocket free3 = new ServerSocket(0, 1, lo)) {
            int down = free1.getLocalPort();
            int[] bind = {free2.getLocalPort(), free3.getLocalPort()};
            free1.close();
            free2.close();
            free3.close();
            String live = "127.0.0.1:" + up.getLocalPort();
            String dead = "127.0.0.1:" + down;
            String check = " check inter 200 fastinter 100 rise 1 fall 1";
            Path cfg = Files.writeString(dir.resolve("galera.cfg"), "global\n\tstats socket " + socket + " mode 600 level admin\n"
                    + "defaults\n\tmode tcp\n\ttimeout connect 1s\n\ttimeout client 1s\n\ttimeout server 1s\n\ttimeout check 1s\n"
                    + "listen galera\n\tbind 127.0.0.1:" + bind[0] + "\n\tserver ctl1 " + dead + check + "\n\tserver ctl2 " + live + check
                    + " backup\n"
                    + "listen cutoff\n\tbind 127.0.0.1:" + bind[1] + "\n\tserver ctl1 " + dead + check + "\n\tserver ctl2 " + dead
                    + check + " backup\n");
            Process haproxy = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            try {
                // Until the checks have run: the dead servers DOWN, the live one UP.
                List<String> settled = List.of("galera,ctl1,DOWN", "galera,ctl2,UP", "cutoff,ctl1,DOWN", "cutoff,ctl2,DOWN");
                String stat = "";
                for (int i = 0; i < 100 && !statuses(stat).containsAll(settled); i++) {
                    Thread.sleep(100);
                    stat = HaFormulas.run(dir, Map.of(), "perl", "-MIO::Socket::UNIX", "-e",
                            "$s = IO::Socket::UNIX->new(Peer => shift) or exit 1; print $s qq(show stat\\n); print while <$s>", socket.toString())
                            .output();
                }
                assertTrue(statuses(stat).containsAll(settled), "haproxy's checks did not settle in 10 s:\n" + stat
                        + Files.readString(dir.resolve("haproxy.log")));
                assertEquals(0, HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString(), "galera").exit(),
                        "galera: its active server is DOWN, its backup UP:\n" + stat);
                assertEquals(1, HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString(), "cutoff").exit(),
                        "cutoff: every server DOWN:\n" + stat);
                assertEquals(1, HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString(), "nosuch").exit(), "no such proxy");
                assertEquals(0, HaFormulas.run(dir, Map.of(), "perl", script.toString(), socket.toString()).exit(),
                        "without a proxy named: haproxy answers");
            } finally {
                haproxy.destroyForcibly();
                assertTrue(haproxy.waitFor(10, TimeUnit.SECONDS), "haproxy did not stop");
            }
        }
    }
}
