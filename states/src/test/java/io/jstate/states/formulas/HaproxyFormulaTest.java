package io.jstate.states.formulas;

import static io.jstate.states.formulas.HaFormulas.assertContainsLine;
import static io.jstate.states.formulas.HaFormulas.compile;
import static io.jstate.states.formulas.HaFormulas.edge;
import static io.jstate.states.formulas.HaFormulas.ids;
import static io.jstate.states.formulas.HaFormulas.lines;
import static io.jstate.states.formulas.HaFormulas.rendered;
import static io.jstate.states.formulas.HaFormulas.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Requisite;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.PillarData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyFormulaTest {
    private static final String CHECK = "check port 9200 inter 2000 fastinter 1000 rise 2 fall 3 on-marked-down shutdown-sessions";

    @TempDir
    Path dir;

    /** The servers of the galera section. */
    private static List<String> servers(String cfg) {
        return section(cfg, "listen galera").stream().filter(l -> l.startsWith("server ")).toList();
    }

    /** The lines of one section: from its header to the next unindented line. */
    private static List<String> section(String cfg, String header) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String raw : cfg.lines().toList()) {
            if (!raw.isEmpty() && !Character.isWhitespace(raw.charAt(0)) && !raw.startsWith("#")) in = raw.equals(header);
            else if (in && !raw.isBlank() && !raw.strip().startsWith("#")) out.add(raw.strip());
        }
        return out;
    }

    @Test
    void installsWithoutStartingThenConfiguresThenRunsAndReloadsOnChange() {
        Compiled c = compile("ctl1", "haproxy");
        assertEquals(List.of("haproxy-pkg", "haproxy-conf", "haproxy-service"), ids(c));
        PkgInstalled.Spec pkg = (PkgInstalled.Spec) step(c, "haproxy-pkg").spec();
        assertEquals("haproxy", pkg.name());
        assertEquals(Boolean.TRUE, pkg.noStart());
        FileManaged.Spec conf = (FileManaged.Spec) step(c, "haproxy-conf").spec();
        assertEquals("/etc/haproxy/haproxy.cfg", conf.name());
        assertEquals("0644", conf.mode());
        ServiceRunning.Spec svc = (ServiceRunning.Spec) step(c, "haproxy-service").spec();
        assertEquals(new ServiceRunning.Spec("haproxy", true, true), svc);
        assertTrue(edge(c, "haproxy-service", Requisite.WATCH, "haproxy-conf"));
        assertTrue(edge(c, "haproxy-conf", Requisite.REQUIRE, "haproxy-pkg"));
    }

    @Test
    void configOnlyLeavesTheServiceToWhoeverStartsIt() {
        assertEquals(List.of("haproxy-pkg", "haproxy-conf"), ids(compile("ctl2", "haproxy.config")));
    }

    @Test
    void galeraListensOnTheVipWithOneActiveServerAndTheOthersAsBackupsInOrder() {
        for (String node : HaFormulas.CONTROLLERS) {
            String cfg = rendered(compile(node, "haproxy"), "haproxy-conf");
            List<String> galera = section(cfg, "listen galera");
            assertEquals("bind 10.77.0.100:3306", galera.get(0));
            for (String l : List.of("mode tcp", "balance source", "option tcpka", "option httpchk",
                    "timeout client 90m", "timeout server 90m")) {
                assertTrue(galera.contains(l), "listen galera lacks '" + l + "':\n" + cfg);
            }
            assertEquals(List.of(
                    "server ctl1 10.77.0.11:3306 " + CHECK + " on-marked-up shutdown-backup-sessions",
                    "server ctl2 10.77.0.12:3306 " + CHECK + " backup",
                    "server ctl3 10.77.0.13:3306 " + CHECK + " backup"), servers(cfg), node);
            assertEquals(1, servers(cfg).stream().filter(s -> !s.endsWith(" backup")).count());
        }
    }

    /** Keystone: every controller serves, in turn, each checked on /v3 at its own address (where uwsgi listens). */
    @Test
    void keystoneListensOnTheVipWithEveryControllerInTurn() {
        String cfg = rendered(compile("ctl2", "haproxy"), "haproxy-conf");
        assertEquals(List.of("bind 10.77.0.100:5000", "mode http", "balance roundrobin", "option httpchk GET /v3", "http-check expect status 200",
                "option forwardfor",
                "server ctl1 10.77.0.11:5000 check inter 2000 fastinter 1000 rise 2 fall 3",
                "server ctl2 10.77.0.12:5000 check inter 2000 fastinter 1000 rise 2 fall 3",
                "server ctl3 10.77.0.13:5000 check inter 2000 fastinter 1000 rise 2 fall 3"), section(cfg, "listen keystone"));
        String uwsgi = compile("ctl2", "keystone").templates().render("keystone/keystone.default.mustache", Map.of());
        assertTrue(uwsgi.contains("--http-socket 10.77.0.12:5000 "), "Keystone listens where HAProxy's server line points: " + uwsgi);
    }

    @Test
    void everyControllerGetsTheSameFile() {
        String first = rendered(compile("ctl1", "haproxy"), "haproxy-conf");
        assertEquals(first, rendered(compile("ctl2", "haproxy"), "haproxy-conf"));
        assertEquals(first, rendered(compile("ctl3", "haproxy"), "haproxy-conf"));
    }

    @Test
    void globalsAndDefaultsAreTcpWithAStatsSocketForKeepalived() {
        String cfg = rendered(compile("ctl1", "haproxy"), "haproxy-conf");
        List<String> global = section(cfg, "global");
        assertTrue(global.contains("stats socket /run/haproxy/admin.sock mode 660 level admin"), cfg);
        assertTrue(global.contains("chroot /var/lib/haproxy"));
        assertTrue(global.contains("daemon"));
        List<String> defaults = section(cfg, "defaults");
        assertTrue(defaults.contains("mode tcp"));
        assertTrue(defaults.contains("timeout connect 5s"));
        assertTrue(defaults.contains("timeout check 3s"), cfg);
    }

    /**
     * A frozen mariadbd must get clustercheck's 503 before HAProxy's check gives up on the answer,
     * and be marked down within about 10 s: the first check 2 s in, then fall checks of
     * clustercheck's TIMEOUT each, fastinter apart.
     */
    @Test
    void aFrozenNodeIsMarkedDownWithinTenSecondsBecauseClustercheckAnswersBeforeTheCheckTimesOut() {
        String cfg = rendered(compile("ctl1", "haproxy"), "haproxy-conf");
        String defaults = compile("ctl1", "clustercheck").templates().render("clustercheck/clustercheck.default.mustache", Map.of());
        int clustercheck = Integer.parseInt(defaults.lines().filter(l -> l.startsWith("TIMEOUT=")).findFirst().orElseThrow().substring(8));
        int check = Integer.parseInt(section(cfg, "defaults").stream().filter(l -> l.startsWith("timeout check ")).findFirst().orElseThrow()
                .replaceAll("\\D", ""));
        assertTrue(clustercheck < check, "clustercheck's TIMEOUT " + clustercheck + " s must be below HAProxy's timeout check " + check + " s");
        String server = servers(cfg).get(0);
        int inter = Integer.parseInt(server.replaceAll(".* inter (\\d+) .*", "$1"));
        int fastinter = Integer.parseInt(server.replaceAll(".* fastinter (\\d+) .*", "$1"));
        int fall = Integer.parseInt(server.replaceAll(".* fall (\\d+) .*", "$1"));
        long frozenMs = inter + fall * clustercheck * 1000L + (fall - 1) * (long) fastinter;
        assertTrue(frozenMs <= 10_000, "a frozen node is marked down after " + frozenMs + " ms");
        assertTrue(fall >= 3, "fall " + fall + ": one slow answer under load must not fail a node over");
    }

    @Test
    void garbdVariantListsTheTwoDataNodesOnly() {
        String cfg = rendered(compile("ctl1", twoDataNodes(), "haproxy"), "haproxy-conf");
        assertEquals(List.of(
                "server ctl1 10.77.0.11:3306 " + CHECK + " on-marked-up shutdown-backup-sessions",
                "server ctl2 10.77.0.12:3306 " + CHECK + " backup"), servers(cfg));
    }

    @SuppressWarnings("unchecked")
    private static PillarData twoDataNodes() {
        return HaFormulas.changed("ctl1", d -> {
            Map<String, Object> galera = (Map<String, Object>) d.get("galera");
            galera.put("nodes", ((List<Object>) galera.get("nodes")).subList(0, 2));
            galera.put("arbitrator", "ctl3");
            return d;
        });
    }

    @Test
    @Tag("real")
    void haproxyAcceptsTheRenderedConfiguration() throws Exception {
        check(rendered(compile("ctl1", "haproxy"), "haproxy-conf"));
        check(rendered(compile("ctl1", twoDataNodes(), "haproxy"), "haproxy-conf"));
    }

    @Test
    @Tag("real")
    void haproxyRefusesABrokenConfigurationSoTheCheckMeansSomething() throws Exception {
        String cfg = rendered(compile("ctl1", "haproxy"), "haproxy-conf").replace("balance source", "balance nosuch");
        Path f = Files.writeString(dir.resolve("bad.cfg"), cfg);
        HaFormulas.Ran r = HaFormulas.run(dir, Map.of(), "haproxy", "-c", "-f", f.toString());
        assertTrue(r.exit() != 0, r.output());
    }

    private void check(String cfg) throws Exception {
        Path f = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
        HaFormulas.Ran r = HaFormulas.run(dir, Map.of(), "haproxy", "-c", "-f", f.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Configuration file is valid"), r.output());
        // A warning is a setting haproxy ignores or will stop accepting; the file must have none.
        assertTrue(!r.output().contains("[WARNING]"), r.output());
    }
}
