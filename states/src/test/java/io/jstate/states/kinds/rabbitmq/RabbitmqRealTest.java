package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.Templates;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.Kinds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RabbitMQ kinds against two real private nodes (rabbitmq-server 3.10 from the distribution),
 * made through the registry as the engine makes them and driven the way the engine drives them:
 * check on a read-only host, apply, check again.
 */
@Tag("real")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RabbitmqRealTest {

    private static final String PASSWORD = "first-Secret-1";

    @TempDir
    static Path dir;

    private static PrivateRabbitNodes rabbit;
    private static PrivateRabbitNodes.Node a;
    private static PrivateRabbitNodes.Node b;

    @BeforeAll
    static void startNodes() throws Exception {
        rabbit = new PrivateRabbitNodes(dir);
        // Both boot at once: on two cores that is the slow part of this class.
        a = rabbit.start("a");
        b = rabbit.start("b");
        rabbit.awaitStartup(a, Duration.ofSeconds(150));
        rabbit.awaitStartup(b, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopNodes() {
        if (rabbit != null) rabbit.close();
    }

    /** What the engine does for one state: check read-only, apply when drifted, check again. */
    private static Drift converge(String kind, String id, Map<String, Object> args) throws Exception {
        Drift before = check(kind, id, args);
        if (!before.inSync()) {
            Record spec = SpecBinder.bind(kindSpec(kind), id, args);
            stateFor(kind, LocalHost.system()).apply(spec, before);
            Drift after = check(kind, id, args);
            assertTrue(after.inSync(), kind + " " + id + " still drifts after apply: " + after);
        }
        return before;
    }

    private static Drift check(String kind, String id, Map<String, Object> args) throws Exception {
        Record spec = SpecBinder.bind(kindSpec(kind), id, args);
        return stateFor(kind, new ReadOnlyHost(LocalHost.system())).check(spec);
    }

    @SuppressWarnings("unchecked")
    private static State<Record> stateFor(String kind, io.jstate.states.host.Host host) {
        StateRegistry.Kind k = Kinds.registry().find(kind).orElseThrow();
        return (State<Record>) k.factory().apply(new Env(host, rabbit.grains(), Templates.NONE));
    }

    @SuppressWarnings("unchecked")
    private static Class<Record> kindSpec(String kind) {
        return (Class<Record>) Kinds.registry().find(kind).orElseThrow().specType();
    }

    private static Map<String, Object> onA(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        m.put("node", a.name());
        return m;
    }

    private static String ok(ExecResult r) {
        assertTrue(r.succeeded(), r.stderr());
        return r.stdout();
    }

    @Test
    void vhostIsCreatedThenInSync() throws Exception {
        Drift first = converge("rabbitmq_vhost.present", "nova", onA());
        assertEquals(List.of(Change.of("vhost", null, "nova")), first.changes());
        assertTrue(converge("rabbitmq_vhost.present", "nova", onA()).inSync());
        assertTrue(ok(rabbit.ctl(a, "list_vhosts", "--formatter", "json")).contains("{\"name\":\"nova\"}"));
    }

    @Test
    void userIsCreatedWithTagsAndPermsAndItsPasswordEnforced() throws Exception {
        converge("rabbitmq_vhost.present", "openstack", onA());
        Map<String, Object> user = onA("password", PASSWORD, "tags", List.of("monitoring", "management"),
                "perms", List.of(Map.of("openstack", List.of(".*", ".*", ".*"))));
        Drift created = converge("rabbitmq_user.present", "openstack", user);
        assertEquals(List.of("user", "tags", "perms:openstack"), created.changes().stream().map(Change::attribute).toList());
        assertTrue(converge("rabbitmq_user.present", "openstack", user).inSync());
        Map<?, ?> row = ((List<?>) Rabbitmqctl.json(ok(rabbit.ctl(a, "list_users", "--formatter", "json")))).stream()
                .map(o -> (Map<?, ?>) o).filter(m -> "openstack".equals(m.get("user"))).findFirst().orElseThrow();
        assertEquals(Set.of("monitoring", "management"), Set.copyOf((List<?>) row.get("tags")));
        assertTrue(ok(rabbit.ctl(a, "list_user_permissions", "--formatter", "json", "--", "openstack"))
                .contains("{\"vhost\":\"openstack\",\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"));

        // Someone changes the password by hand: the next run notices and puts it back.
        ok(rabbit.ctlWithStdin(a, "changed-by-hand\n", "change_password", "--", "openstack"));
        Drift drifted = converge("rabbitmq_user.present", "openstack", user);
        assertEquals(List.of(Change.of("password", null, "changed")), drifted.changes());
        assertFalse(drifted.toString().contains(PASSWORD));
        assertTrue(rabbit.ctlWithStdin(a, PASSWORD + "\n", "authenticate_user", "--", "openstack").succeeded());
        assertFalse(rabbit.ctlWithStdin(a, "changed-by-hand\n", "authenticate_user", "--", "openstack").succeeded());
    }

    @Test
    void guestIsDeleted() throws Exception {
        Drift d = converge("rabbitmq_user.absent", "guest", onA());
        assertEquals(List.of(Change.of("user", "guest", null)), d.changes());
        assertTrue(converge("rabbitmq_user.absent", "guest", onA()).inSync());
        assertFalse(ok(rabbit.ctl(a, "list_users", "--formatter", "json")).contains("\"guest\""));
    }

    @Test
    void policyIsCreatedThenInSyncThenItsDefinitionChanged() throws Exception {
        converge("rabbitmq_vhost.present", "openstack", onA());
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("ha-mode", "exactly");
        def.put("ha-params", 2);
        def.put("ha-sync-mode", "automatic");
        Map<String, Object> policy = onA("pattern", "^(?!amq\\.).*", "definition", def, "vhost", "openstack");
        assertEquals(List.of("policy"),
                converge("rabbitmq_policy.present", "ha-all", policy).changes().stream().map(Change::attribute).toList());
        assertTrue(converge("rabbitmq_policy.present", "ha-all", policy).inSync());

        Map<String, Object> def3 = new LinkedHashMap<>(def);
        def3.put("ha-params", 3);
        policy.put("definition", def3);
        Drift changed = converge("rabbitmq_policy.present", "ha-all", policy);
        assertEquals(List.of(Change.of("definition",
                "{\"ha-mode\":\"exactly\",\"ha-params\":2,\"ha-sync-mode\":\"automatic\"}",
                "{\"ha-mode\":\"exactly\",\"ha-params\":3,\"ha-sync-mode\":\"automatic\"}")), changed.changes());
        assertTrue(ok(rabbit.ctl(a, "list_policies", "-p", "openstack", "--formatter", "json")).contains("\\\"ha-params\\\":3"));
    }

    /**
     * The users stage's four checks on one real node, as the engine runs them in one converged
     * run: one export_definitions answers them all, and the password is checked against its hash.
     */
    @Test
    void aConvergedUsersStageAsksTheBrokerOnce() throws Exception {
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("ha-mode", "exactly");
        def.put("ha-params", 2);
        Map<String, Map<String, Object>> states = new LinkedHashMap<>();
        states.put("rabbitmq_vhost.present", onA("name", "cinder"));
        states.put("rabbitmq_user.present", onA("name", "cinder", "password", PASSWORD, "tags", List.of(),
                "perms", List.of(Map.of("cinder", List.of(".*", ".*", ".*")))));
        states.put("rabbitmq_user.absent", onA("name", "guest"));
        states.put("rabbitmq_policy.present", onA("name", "ha-cinder", "pattern", ".*", "definition", def, "vhost", "cinder"));
        for (var e : states.entrySet()) converge(e.getKey(), "users-stage", e.getValue());
        List<String> ran = new java.util.ArrayList<>();
        ReadOnlyHost readOnly = new ReadOnlyHost(LocalHost.system());
        io.jstate.states.host.Host counting = (io.jstate.states.host.Host) java.lang.reflect.Proxy.newProxyInstance(
                io.jstate.states.host.Host.class.getClassLoader(), new Class<?>[] {io.jstate.states.host.Host.class}, (proxy, m, args) -> {
                    if (m.getName().equals("run")) {
                        List<String> argv = ((io.jstate.states.host.Exec) args[0]).argv();
                        ran.add(String.join(" ", argv.subList(1, argv.size())));
                    }
                    try {
                        return m.invoke(readOnly, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Env run = new Env(counting, rabbit.grains(), Templates.NONE);
        for (var e : states.entrySet()) {
            StateRegistry.Kind k = Kinds.registry().find(e.getKey()).orElseThrow();
            @SuppressWarnings("unchecked")
            State<Record> state = (State<Record>) k.factory().apply(run);
            Drift d = state.check(SpecBinder.bind(kindSpec(e.getKey()), "users-stage", e.getValue()));
            assertTrue(d.inSync(), e.getKey() + ": " + d);
        }
        assertEquals(List.of("-n " + a.name() + " -q export_definitions -- -"), ran);
    }

    /**
     * rabbitmq-node status asks the real broker's AMQP listener and takes connection.start for
     * running without an Erlang VM; with the app stopped the listener is closed and the
     * diagnostics (a recording stub here) decide.
     */
    @Test
    void rabbitmqNodeStatusTakesTheRealBrokersConnectionStartForRunning() throws Exception {
        Path bin = java.nio.file.Files.createDirectories(dir.resolve("status-bin"));
        Path calls = dir.resolve("status-calls");
        Path stub = bin.resolve("rabbitmq-diagnostics");
        java.nio.file.Files.writeString(stub, "#!/bin/sh\necho \"$2\" >>" + calls + "\ncase $2 in ping) exit 0;; is_booting) echo '{\"message\":\"not booting\",\"result\":false}';; esac\nexit 1\n");
        assertTrue(stub.toFile().setExecutable(true));
        Path conf = java.nio.file.Files.writeString(dir.resolve("status-rabbitmq.conf"), "listeners.tcp.1 = 127.0.0.1:" + a.amqpPort() + "\n");
        Path script = Path.of("formulas/rabbitmq/rabbitmq-node.sh").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), "status").redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("RABBITMQ_CONFIG_FILE", conf.toString());
        assertEquals("running", status(pb));
        assertFalse(java.nio.file.Files.exists(calls), "no diagnostics while the listener answers");
        ok(rabbit.ctl(a, "stop_app"));
        try {
            // The real is_booting of a node whose app is stopped, in the form rabbitmq-node reads
            // (its plain form is a sentence, which once made every booting node look app-stopped).
            ExecResult booting = rabbit.diagnostics(a, "is_booting", "--formatter", "json");
            ok(booting);
            assertTrue(booting.stdout().matches("(?s).*\"result\" *: *false.*"), booting.stdout());
            assertEquals("app-stopped", status(pb));
            assertEquals(List.of("check_running", "ping", "is_booting"), java.nio.file.Files.readAllLines(calls));
        } finally {
            ok(rabbit.ctl(a, "start_app"));
            ok(rabbit.ctl(a, "await_startup", "--timeout", "60"));
        }
        assertEquals("running", status(pb));
    }

    private static String status(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "rabbitmq-node status did not finish within 30 s");
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    @Test
    void secondNodeJoinsTheFirstAndTheFirstNeverJoinsItself() throws Exception {
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("cluster_node", a.name());
        self.put("node", a.name());
        assertTrue(converge("rabbitmq_cluster.joined", "cluster", self).inSync());

        Map<String, Object> join = new LinkedHashMap<>();
        join.put("cluster_node", a.name());
        join.put("node", b.name());
        Drift d = converge("rabbitmq_cluster.joined", "cluster", join);
        assertEquals(List.of(Change.of("cluster", b.name(), a.name())), d.changes());
        assertTrue(converge("rabbitmq_cluster.joined", "cluster", join).inSync());

        Map<?, ?> status = (Map<?, ?>) Rabbitmqctl.json(ok(rabbit.ctl(a, "cluster_status", "--formatter", "json")));
        assertEquals(List.of(a.name(), b.name()), ((List<?>) status.get("running_nodes")).stream().map(String::valueOf).sorted().toList());
        assertEquals(List.of(a.name(), b.name()), ((List<?>) status.get("disk_nodes")).stream().map(String::valueOf).sorted().toList());
    }
}
