package io.jstate.states.formulas;

import static io.jstate.states.formulas.Formulas.compile;
import static io.jstate.states.formulas.Formulas.ids;
import static io.jstate.states.formulas.Formulas.rendered;
import static io.jstate.states.formulas.Formulas.requisites;
import static io.jstate.states.formulas.Formulas.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Plan;
import io.jstate.states.kinds.cmd.CmdRun;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.rabbitmq.RabbitmqClusterJoined;
import io.jstate.states.kinds.rabbitmq.RabbitmqPolicyPresent;
import io.jstate.states.kinds.rabbitmq.RabbitmqUserAbsent;
import io.jstate.states.kinds.rabbitmq.RabbitmqUserPresent;
import io.jstate.states.kinds.rabbitmq.RabbitmqVhostPresent;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.kinds.wait.WaitFor;
import io.jstate.states.lang.Compiled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RabbitmqFormulaTest {
    /** What {@code rabbitmq-diagnostics -q is_booting --formatter json} prints (RabbitMQ 3.10's IsBootingCommand), quoted for sh. */
    static final String IS_BOOTING = "'{\"message\":\"RabbitMQ on node rabbit@ctl1 is booting\",\"result\":true}'";
    static final String NOT_BOOTING = "'{\"message\":\"RabbitMQ on node rabbit@ctl1 is fully booted (check with is_running),"
            + " stopped or has not started booting yet\",\"result\":false}'";


    static final String COOKIE = "LABCOOKIE7f3a9c2e41d8b6";
    static final String PASSWORD = "rmqLab5b8e2d17c4";

    static final String THREE_NODE_CONF = """
            # Managed by jstate (formula rabbitmq): local edits are overwritten.
            # AMQP on the management address only; clients list every node in transport_url.
            listeners.tcp.1 = %s:5672
            # Three nodes or more: the side of a partition without a majority pauses, so the majority
            # keeps serving and no split brain forms.
            cluster_partition_handling = pause_minority
            """;

    static final String TWO_NODE_CONF = """
            # Managed by jstate (formula rabbitmq): local edits are overwritten.
            # AMQP on the management address only; clients list every node in transport_url.
            listeners.tcp.1 = %s:5672
            # Two nodes: neither side of a partition is a majority (pause_minority would pause both), so
            # when the partition ends autoheal picks a winner and restarts the other side.
            cluster_partition_handling = autoheal
            """;

    @TempDir
    Path dir;

    @Test
    void theWholeFormulaRunsHostsThenTheBrokerThenTheClusterThenItsUsers() {
        Plan plan = compile("ctl2", "rabbitmq").plan();
        assertEquals("hosts-ctl1 hosts-ctl2 hosts-ctl3 hosts-ip-nonlocal-bind"
                + " rabbitmq-pkg rabbitmq-cookie rabbitmq-env-conf rabbitmq-conf rabbitmq-node-script rabbitmq-service rabbitmq-running"
                + " rabbitmq-cluster-name rabbitmq-cluster-joined"
                + " rabbitmq-vhost rabbitmq-user rabbitmq-guest-absent rabbitmq-ha-policy-absent", ids(plan));
        assertEquals(List.of("require:rabbitmq-pkg"), requisites(plan, "rabbitmq-cookie"));
        assertEquals(List.of("require:rabbitmq-node-script", "watch:rabbitmq-cookie", "watch:rabbitmq-env-conf", "watch:rabbitmq-conf"),
                requisites(plan, "rabbitmq-service"));
        assertEquals(List.of("require:rabbitmq-service"), requisites(plan, "rabbitmq-running"));
        assertEquals(List.of("require:rabbitmq-cluster-name"), requisites(plan, "rabbitmq-cluster-joined"));
        assertEquals(List.of(), requisites(plan, "rabbitmq-vhost"));
        assertEquals(List.of("require:rabbitmq-vhost"), requisites(plan, "rabbitmq-user"));
        assertEquals(List.of("require:rabbitmq-vhost"), requisites(plan, "rabbitmq-ha-policy-absent"));
        assertEquals(List.of(), requisites(plan, "rabbitmq-guest-absent"));
        // The rolling join and the cluster-wide users each stand alone, so the orchestration runs
        // them without checking every broker again; `rabbitmq` keeps the order.
        assertEquals("rabbitmq-cluster-name rabbitmq-cluster-joined", ids(compile("ctl2", "rabbitmq.cluster").plan()));
        assertEquals("rabbitmq-vhost rabbitmq-user rabbitmq-guest-absent rabbitmq-ha-policy-absent", ids(compile("ctl1", "rabbitmq.users").plan()));
    }

    /**
     * rabbitmq-node with RabbitMQ's CLI and init script faked on PATH: each state of a node gets
     * its own repair, and only "running" is running.
     */
    @Test
    void rabbitmqNodeRepairsEachStateOfANodeItsOwnWay() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path state = dir.resolve("state");
        Path calls = dir.resolve("calls");
        script(bin.resolve("rabbitmq-diagnostics"), "s=$(cat " + state + "); echo \"diagnostics $2\" >>" + calls + "\n"
                + "case $2 in check_running) [ $s = running ];; ping) [ $s != down ];; is_booting) [ $s = booting ] && echo " + IS_BOOTING + " || echo " + NOT_BOOTING + ";; esac");
        Path stuck = dir.resolve("stuck");
        script(bin.resolve("rabbitmqctl"), "echo \"rabbitmqctl $2\" >>" + calls + "; if [ $2 = await_startup ] && [ -e " + stuck + " ]; then exit 1; fi;"
                + " if [ $2 = start_app ] || [ $2 = await_startup ]; then echo running >" + state + "; fi");
        script(bin.resolve("init"), "echo \"init $1\" >>" + calls + "; echo running >" + state);
        Path node = HaFormulas.STATE_ROOT.resolve("rabbitmq/rabbitmq-node.sh");
        // The listener of the config refuses connections (nothing listens there): every state is told by rabbitmq-diagnostics.
        Path conf = Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.1 = 127.0.0.1:" + closedPort() + "\n");
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "RABBITMQ_INIT_SCRIPT", bin.resolve("init").toString(),
                "RABBITMQ_CONFIG_FILE", conf.toString());
        Map<String, List<String>> repairs = Map.of(
                "running", List.of("diagnostics check_running"),
                "down", List.of("diagnostics check_running", "diagnostics ping", "init start"),
                "app-stopped", List.of("diagnostics check_running", "diagnostics ping", "diagnostics is_booting",
                        "rabbitmqctl start_app", "rabbitmqctl await_startup"));
        for (var e : repairs.entrySet()) {
            Files.writeString(state, e.getKey());
            Files.deleteIfExists(calls);
            HaFormulas.Ran status = HaFormulas.run(dir, env, "sh", node.toString(), "status");
            assertEquals(e.getKey(), status.output().strip());
            assertEquals(e.getKey().equals("running") ? 0 : 1, status.exit(), e.getKey());
            Files.deleteIfExists(calls);
            HaFormulas.Ran start = HaFormulas.run(dir, env, "sh", node.toString(), "start");
            assertEquals(0, start.exit(), e.getKey() + ": " + start.output());
            assertEquals(e.getValue(), Files.readAllLines(calls), e.getKey());
            assertEquals("running", Files.readString(state).strip(), e.getKey());
        }
        // Booting with no peer running (rabbitmqctl eval says none): the node waits for the one that
        // stopped last, which the orchestration starts at the same time: it waits for the boot to
        // end, and never starts or forces anything itself. (A peer running: RabbitmqNodeScriptTest.)
        Files.writeString(state, "booting");
        Files.deleteIfExists(calls);
        HaFormulas.Ran booted = HaFormulas.run(dir, env, "sh", node.toString(), "start");
        assertEquals(0, booted.exit(), booted.output());
        assertEquals(List.of("diagnostics check_running", "diagnostics ping", "diagnostics is_booting", "rabbitmqctl eval", "rabbitmqctl await_startup"),
                Files.readAllLines(calls));
        // ... and when the boot does not end (that node was not started), fails saying what to do.
        Files.writeString(state, "booting");
        Files.writeString(stuck, "");
        Files.deleteIfExists(calls);
        HaFormulas.Ran booting = HaFormulas.run(dir, env, "sh", node.toString(), "start");
        assertEquals(1, booting.exit());
        assertTrue(booting.output().contains("no other node of its cluster runs: it waits for the node of its cluster that stopped last"), booting.output());
        assertTrue(booting.output().contains("Only if that node is lost for good: rabbitmqctl force_boot"), booting.output());
        assertEquals(List.of("diagnostics check_running", "diagnostics ping", "diagnostics is_booting", "rabbitmqctl eval", "rabbitmqctl await_startup"),
                Files.readAllLines(calls));
        assertEquals("booting", Files.readString(state).strip());
    }

    /**
     * A broker whose AMQP listener answers the protocol header with connection.start is running:
     * the status takes no Erlang VM start. A listener that accepts but never answers (a SIGSTOPped
     * broker) or answers something else is not taken for one: the diagnostics decide.
     */
    @Test
    void rabbitmqNodeStatusAsksTheAmqpListenerFirst() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        script(bin.resolve("rabbitmq-diagnostics"), "echo \"diagnostics $2\" >>" + calls + "\n"
                + "case $2 in check_running) exit 1;; ping) exit 0;; is_booting) echo " + NOT_BOOTING + ";; esac");
        Path node = HaFormulas.STATE_ROOT.resolve("rabbitmq/rabbitmq-node.sh");
        byte[] connectionStart = {1, 0, 0, 0, 0, 1, (byte) 0xf4, 0, 10, 0, 10, 0, 9};
        byte[] httpReply = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (var c : List.of(Map.entry("running", connectionStart), Map.entry("app-stopped", httpReply))) {
            try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
                Thread answer = new Thread(() -> {
                    try (java.net.Socket s = listener.accept()) {
                        byte[] header = s.getInputStream().readNBytes(8);
                        if (java.util.Arrays.equals(header, new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1})) s.getOutputStream().write(c.getValue());
                        s.getOutputStream().flush();
                        s.getInputStream().read();
                    } catch (IOException ignored) {
                        // the script closed first
                    }
                }, "fake-amqp-listener");
                answer.setDaemon(true);
                answer.start();
                Path conf = Files.writeString(dir.resolve("rabbitmq.conf"), "# managed\nlisteners.tcp.1 = 127.0.0.1:" + listener.getLocalPort() + "\n");
                Files.deleteIfExists(calls);
                HaFormulas.Ran status = HaFormulas.run(dir, Map.of("PATH", bin + ":/usr/bin:/bin", "RABBITMQ_CONFIG_FILE", conf.toString()),
                        "sh", node.toString(), "status");
                assertEquals(c.getKey(), status.output().strip());
                answer.join(5000);
                if (c.getKey().equals("running")) {
                    assertFalse(Files.exists(calls), "no diagnostics for a listener that answers");
                } else {
                    assertEquals(List.of("diagnostics check_running", "diagnostics ping", "diagnostics is_booting"), Files.readAllLines(calls));
                }
            }
        }
        // Accepted by the kernel, never answered: given up after 3 s, then the diagnostics.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Path conf = Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.1 = 127.0.0.1:" + silent.getLocalPort() + "\n");
            Files.deleteIfExists(calls);
            HaFormulas.Ran status = HaFormulas.run(dir, Map.of("PATH", bin + ":/usr/bin:/bin", "RABBITMQ_CONFIG_FILE", conf.toString()),
                    "sh", node.toString(), "status");
            assertEquals("app-stopped", status.output().strip());
            assertEquals(1, status.exit());
        }
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        p.toFile().setExecutable(true);
    }

    @Test
    void theCookieIsInPlaceBeforeTheFirstStartAndIsSecret() {
        Plan plan = compile("ctl1", "rabbitmq.server").plan();
        assertEquals("hosts-ctl1 hosts-ctl2 hosts-ctl3 hosts-ip-nonlocal-bind"
                + " rabbitmq-pkg rabbitmq-cookie rabbitmq-env-conf rabbitmq-conf rabbitmq-node-script rabbitmq-service rabbitmq-running", ids(plan));
        PkgInstalled.Spec pkg = spec(plan, "rabbitmq-pkg", PkgInstalled.Spec.class);
        assertEquals("rabbitmq-server", pkg.name());
        assertTrue(pkg.noStart(), "the package must not start a node before the cookie is written");
        FileManaged.Spec cookie = spec(plan, "rabbitmq-cookie", FileManaged.Spec.class);
        assertEquals("/var/lib/rabbitmq/.erlang.cookie", cookie.name());
        assertEquals(COOKIE, cookie.contents());
        assertEquals("0400", cookie.mode());
        assertEquals("rabbitmq", cookie.user());
        assertEquals("rabbitmq", cookie.group());
        assertTrue(plan.secrets().values().containsAll(List.of(COOKIE, PASSWORD)), "cookie and password are masked in every output");
        assertEquals(new ServiceRunning.Spec("rabbitmq-server", true, false, "/usr/local/sbin/rabbitmq-node status",
                "/usr/local/sbin/rabbitmq-node start", 300.0, "/var/log/rabbitmq/rabbit@ctl1.log"), spec(plan, "rabbitmq-service", ServiceRunning.Spec.class));
        WaitFor.Spec running = spec(plan, "rabbitmq-running", WaitFor.Spec.class);
        assertEquals("/usr/local/sbin/rabbitmq-node running", running.command());
        assertEquals(60, running.attempts());
    }

    @Test
    void eachNodeIsNamedAfterItsIdAndListensOnItsManagementAddress() {
        for (String n : List.of("1", "2", "3")) {
            Compiled c = compile("ctl" + n, "rabbitmq.server");
            assertEquals("""
                    # Managed by jstate (formula rabbitmq): local edits are overwritten.
                    # rabbit@<short host name>: every node resolves every other node's name through /etc/hosts.
                    NODENAME=rabbit@ctl%s
                    NODE_IP_ADDRESS=10.77.0.1%s
                    """.formatted(n, n), rendered(c, "rabbitmq-env-conf"));
            assertEquals(THREE_NODE_CONF.formatted("10.77.0.1" + n), rendered(c, "rabbitmq-conf"));
        }
    }

    @Test
    void twoNodesUseAutohealNotPauseMinority() {
        Compiled c = compile(Formulas.twoNodePillar(dir), "ctl2", "rabbitmq");
        String conf = rendered(c, "rabbitmq-conf");
        assertEquals(TWO_NODE_CONF.formatted("10.77.0.12"), conf);
        assertFalse(conf.contains("pause_minority = "), conf);
        assertFalse(conf.contains("= pause_minority"), conf);
    }

    @Test
    void theFirstNodeNamesTheClusterAndTheOthersJoinIt() {
        for (String n : List.of("1", "2", "3")) {
            Plan plan = compile("ctl" + n, "rabbitmq.cluster").plan();
            CmdRun.Spec name = spec(plan, "rabbitmq-cluster-name", CmdRun.Spec.class);
            assertEquals("rabbitmqctl -q set_cluster_name openstack-lab", name.name());
            assertEquals(List.of("test \"ctl" + n + "\" = \"ctl1\""), name.onlyif());
            assertEquals(List.of("rabbitmqctl -q cluster_status --formatter json | grep -q '\"cluster_name\":\"openstack-lab\"'"), name.unless());
            RabbitmqClusterJoined.Spec join = spec(plan, "rabbitmq-cluster-joined", RabbitmqClusterJoined.Spec.class);
            assertEquals("rabbit@ctl1", join.clusterNode());
            assertEquals("rabbit@ctl" + n, join.node());
            assertFalse(join.ram());
        }
    }

    @Test
    void theOpenstackVhostAndUserNoGuestAndNoMirroringPolicyByDefault() {
        Plan plan = compile("ctl3", "rabbitmq.users").plan();
        assertEquals("rabbitmq-vhost rabbitmq-user rabbitmq-guest-absent rabbitmq-ha-policy-absent", ids(plan));
        assertEquals(new RabbitmqVhostPresent.Spec("openstack", null), spec(plan, "rabbitmq-vhost", RabbitmqVhostPresent.Spec.class));
        RabbitmqUserPresent.Spec user = spec(plan, "rabbitmq-user", RabbitmqUserPresent.Spec.class);
        assertEquals("openstack", user.name());
        assertEquals(PASSWORD, user.password());
        assertEquals(List.of(), user.tags());
        assertEquals(List.of(Map.of("openstack", List.of(".*", ".*", ".*"))), user.perms());
        assertEquals(new RabbitmqUserAbsent.Spec("guest", null), spec(plan, "rabbitmq-guest-absent", RabbitmqUserAbsent.Spec.class));
        // The services use quorum queues; a mirroring policy left by an earlier deploy goes (RabbitMQ 4
        // ignores it), and only when there is one.
        CmdRun.Spec clear = spec(plan, "rabbitmq-ha-policy-absent", CmdRun.Spec.class);
        assertEquals("rabbitmqctl clear_policy -p openstack ha-openstack", clear.name());
        assertEquals(List.of("rabbitmqctl list_policies -q -p openstack | awk '$2 == \"ha-openstack\" { found = 1 } END { exit !found }'"),
                clear.onlyif());
    }

    /** The awk of the guard above finds the policy in rabbitmqctl's table, and only the policy named so. */
    @Test
    void theMirroringPolicyGuardFindsThePolicyByItsName() throws Exception {
        String guard = "awk '$2 == \"ha-openstack\" { found = 1 } END { exit !found }'";
        String table = "vhost\tname\tpattern\tapply-to\tdefinition\tpriority\n";
        assertEquals(0, Formulas.sh("printf '" + table + "openstack\\tha-openstack\\t^x\\tqueues\\t{}\\t0\\n' | " + guard));
        assertEquals(1, Formulas.sh("printf '" + table + "openstack\\tha-openstack-2\\t^x\\tqueues\\t{}\\t0\\n' | " + guard));
        assertEquals(1, Formulas.sh("printf '" + table + "' | " + guard));
    }


    @Test
    void theMirroringPolicyOnlyWithTheSwitchForRabbitmqBefore4() throws Exception {
        Path pillar = Formulas.twoNodePillarWith(dir, "rabbitmq.sls", "  classic_mirroring: false\n", "  classic_mirroring: true\n");
        Plan plan = compile(pillar, "ctl1", "rabbitmq.users").plan();
        assertEquals("rabbitmq-vhost rabbitmq-user rabbitmq-guest-absent rabbitmq-ha-policy", ids(plan));
        RabbitmqPolicyPresent.Spec policy = spec(plan, "rabbitmq-ha-policy", RabbitmqPolicyPresent.Spec.class);
        assertEquals("ha-openstack", policy.name());
        assertEquals("openstack", policy.vhost());
        assertEquals("^(?!(amq\\.)|(.*_fanout_)|(reply_)).*", policy.pattern());
        assertEquals(Map.of("ha-mode", "exactly", "ha-params", 2, "ha-sync-mode", "automatic"), policy.definition());
        assertEquals("queues", policy.applyTo());
        assertEquals(0, policy.priority());
        assertTrue("nova".matches(policy.pattern()) && "cinder-volume.ctl1".matches(policy.pattern())
                && !"reply_3f2a".matches(policy.pattern()) && !"amq.gen-x".matches(policy.pattern())
                && !"compute_fanout_1a2b".matches(policy.pattern()), "the policy mirrors service queues only");
    }

    @Test
    void theHealthGateWantsEveryNodeRunningAndNoPartitionOrAlarm() {
        Plan plan = compile("ctl1", "rabbitmq.health").plan();
        assertEquals("rabbitmq-cluster-healthy", ids(plan));
        WaitFor.Spec w = spec(plan, "rabbitmq-cluster-healthy", WaitFor.Spec.class);
        assertEquals("for try in 1 2 3; do s=$(rabbitmqctl -q cluster_status --formatter json)"
                + " && r=$(printf '%s' \"$s\" | grep -o '\"running_nodes\":\\[[^]]*\\]')"
                + " && printf '%s' \"$r\" | grep -q '\"rabbit@ctl1\"'"
                + " && printf '%s' \"$r\" | grep -q '\"rabbit@ctl2\"'"
                + " && printf '%s' \"$r\" | grep -q '\"rabbit@ctl3\"'"
                + " && printf '%s' \"$s\" | grep -q '\"partitions\":{}'"
                + " && printf '%s' \"$s\" | grep -q '\"alarms\":\\[\\]'"
                + " && exit 0; sleep 1; done; exit 1", w.command());
        assertEquals(30, w.attempts());
    }

    /**
     * The health command on cluster_status output as RabbitMQ 3.10.8 prints it (captured from a
     * real node, feature flags cut): healthy, a node missing, a partition, an alarm.
     */
    @Test
    @Tag("real")
    void theHealthCommandReadsRealClusterStatusOutput() throws Exception {
        String command = spec(compile("ctl1", "rabbitmq.health").plan(), "rabbitmq-cluster-healthy", WaitFor.Spec.class).command();
        String healthy = "{\"alarms\":[],\"cluster_name\":\"openstack-lab\",\"disk_nodes\":[\"rabbit@ctl1\",\"rabbit@ctl2\",\"rabbit@ctl3\"],"
                + "\"feature_flags\":[],\"partitions\":{},\"ram_nodes\":[],"
                + "\"running_nodes\":[\"rabbit@ctl3\",\"rabbit@ctl2\",\"rabbit@ctl1\"],\"versions\":{}}";
        assertEquals(0, runWithStatus(command, healthy));
        assertEquals(1, runWithStatus(command, healthy.replace("\"running_nodes\":[\"rabbit@ctl3\",", "\"running_nodes\":[")));
        assertEquals(1, runWithStatus(command, healthy.replace("\"partitions\":{}", "\"partitions\":{\"rabbit@ctl1\":[\"rabbit@ctl3\"]}")));
        assertEquals(1, runWithStatus(command, healthy.replace("\"alarms\":[]", "\"alarms\":[{\"node\":\"rabbit@ctl2\",\"resource\":\"disk\"}]")));
    }

    /** Runs the command with a rabbitmqctl on PATH that prints the given status, as a node would. */
    private int runWithStatus(String command, String status) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-" + Integer.toHexString(status.hashCode())));
        Files.writeString(bin.resolve("status.json"), status);
        Path ctl = bin.resolve("rabbitmqctl");
        Files.writeString(ctl, "#!/bin/sh\ncat '" + bin.resolve("status.json") + "'\n");
        assertTrue(ctl.toFile().setExecutable(true));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the health command finished");
        return p.exitValue();
    }

    /**
     * rabbitmq.conf checked by RabbitMQ's own schema: the cuttlefish translation the broker runs at
     * boot, from the installed rabbitmq-server package, without starting a node.
     */
    @Test
    @Tag("real")
    void theRenderedConfigPassesRabbitmqsOwnSchema() throws Exception {
        Path three = Files.writeString(dir.resolve("three.conf"), rendered(compile("ctl1", "rabbitmq.server"), "rabbitmq-conf"));
        Path two = Files.writeString(dir.resolve("two.conf"), rendered(compile(Formulas.twoNodePillar(dir), "ctl1", "rabbitmq.server"), "rabbitmq-conf"));
        Path bad = Files.writeString(dir.resolve("bad.conf"), "listeners.tcp.1 = 10.77.0.11:5672\ncluster_partition_handling = pause_majority\n");
        String ok3 = cuttlefish(three);
        assertTrue(ok3.contains("{tcp_listeners,[{\"10.77.0.11\",5672}]}") && ok3.contains("{cluster_partition_handling,pause_minority}"), ok3);
        String ok2 = cuttlefish(two);
        assertTrue(ok2.contains("{cluster_partition_handling,autoheal}"), ok2);
        String refused = cuttlefish(bad);
        assertTrue(refused.startsWith("INVALID"), "the checker refuses a wrong value: " + refused);
    }

    private static String cuttlefish(Path conf) throws IOException, InterruptedException {
        Path lib;
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/rabbitmq/lib"))) {
            lib = s.filter(p -> p.getFileName().toString().startsWith("rabbitmq_server-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("real RabbitMQ tests need the rabbitmq-server package"));
        }
        Path plugins = lib.resolve("plugins");
        List<String> argv = new ArrayList<>(List.of("erl", "-noshell", "-noinput"));
        try (Stream<Path> s = Files.list(plugins)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isDirectory(p.resolve("ebin"))) {
                    argv.add("-pa");
                    argv.add(p.resolve("ebin").toString());
                }
            }
        }
        Path schema;
        try (Stream<Path> s = Files.list(plugins)) {
            schema = s.filter(p -> p.getFileName().toString().startsWith("rabbit-")).findFirst().orElseThrow()
                    .resolve("priv/schema/rabbit.schema");
        }
        argv.addAll(List.of("-eval", """
                R = cuttlefish_generator:map(cuttlefish_schema:files(["%s"]), cuttlefish_conf:files(["%s"])),
                case R of
                    {error, _, _} = E -> io:format("INVALID ~p~n", [E]);
                    _ -> Rabbit = proplists:get_value(rabbit, R),
                         io:format("OK ~p~n", [[{K, proplists:get_value(K, Rabbit)} || K <- [tcp_listeners, cluster_partition_handling]]])
                end,
                halt(0).""".formatted(schema, conf)));
        Path log = conf.resolveSibling(conf.getFileName() + ".out");
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("erl did not finish in 60 s");
        }
        String out = Files.readString(log);
        int i = Math.max(out.indexOf("OK "), out.indexOf("INVALID "));
        if (i < 0) throw new AssertionError("no verdict from cuttlefish: " + out);
        return out.substring(i);
    }
}
