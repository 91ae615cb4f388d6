package io.jstate.states.formulas;

import static io.jstate.states.formulas.Formulas.compile;
import static io.jstate.states.formulas.Formulas.ids;
import static io.jstate.states.formulas.Formulas.requisites;
import static io.jstate.states.formulas.Formulas.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Plan;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Runner;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.StateResult;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.kinds.file.FileDirectory;
import io.jstate.states.kinds.ini.IniOptionsPresent;
import io.jstate.states.kinds.mysql.MysqlDatabasePresent;
import io.jstate.states.kinds.mysql.MysqlGrantsPresent;
import io.jstate.states.kinds.mysql.MysqlUserPresent;
import io.jstate.states.lang.Compiled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenstackFormulaTest {

    /** The lab pillar's database passwords, by MySQL user. */
    static final Map<String, String> DB_PASSWORDS = Map.of("keystone", "ksDbLab3c91f0a2", "glance", "glDbLab84e2b7d1",
            "neutron", "neDbLab6a0d3c95", "cinder", "ciDbLab1f7b9e40", "placement", "plDbLab52c8a6e3", "nova", "noDbLab9d4e1b78");
    static final String RABBIT_PASSWORD = "rmqLab5b8e2d17c4";

    static final String TRANSPORT_URL = "rabbit://openstack:" + RABBIT_PASSWORD + "@ctl1:5672,openstack:" + RABBIT_PASSWORD
            + "@ctl2:5672,openstack:" + RABBIT_PASSWORD + "@ctl3:5672/openstack";
    static final String MEMCACHED = "10.77.0.11:11211,10.77.0.12:11211,10.77.0.13:11211";
    /** What every service sets for oslo.messaging: quorum queues (durable), failover between the brokers. */
    static final Map<String, Object> OSLO_MESSAGING_RABBIT = Map.of("amqp_durable_queues", true, "rabbit_quorum_queue", true,
            "kombu_failover_strategy", "round-robin", "rabbit_retry_interval", 1, "rabbit_retry_backoff", 2, "rabbit_interval_max", 10,
            "heartbeat_timeout_threshold", 60);

    /** neutron.conf as openstack.config writes it into an empty file: transport URL, password, memcached (twice). */
    static final String NEUTRON_CONF = """
            [DEFAULT]
            transport_url = %s

            [database]
            connection = mysql+pymysql://neutron:%s@10.77.0.100/neutron

            [cache]
            enabled = true
            backend = oslo_cache.memcache_pool
            memcache_servers = %s
            memcache_socket_timeout = 1
            memcache_dead_retry = 60

            [keystone_authtoken]
            www_authenticate_uri = http://10.77.0.100:5000
            auth_url = http://10.77.0.100:5000
            memcached_servers = %s
            memcache_pool_socket_timeout = 1
            memcache_pool_dead_retry = 60

            [oslo_messaging_rabbit]
            amqp_durable_queues = true
            rabbit_quorum_queue = true
            kombu_failover_strategy = round-robin
            rabbit_retry_interval = 1
            rabbit_retry_backoff = 2
            rabbit_interval_max = 10
            heartbeat_timeout_threshold = 60
            """;

    @TempDir
    Path dir;

    // ---- openstack.db ----

    @Test
    void everyServiceGetsItsDatabasesAndAUserForAnyHostAndLocalhostWithAllPrivileges() {
        Compiled c = compile("ctl1", "openstack.db");
        Plan plan = c.plan();
        List<String> want = new ArrayList<>();
        Map<String, List<String>> dbs = new LinkedHashMap<>();
        dbs.put("keystone", List.of("keystone"));
        dbs.put("glance", List.of("glance"));
        dbs.put("neutron", List.of("neutron"));
        dbs.put("cinder", List.of("cinder"));
        dbs.put("placement", List.of("placement"));
        dbs.put("nova", List.of("nova_api", "nova", "nova_cell0"));
        dbs.forEach((user, list) -> {
            list.forEach(db -> want.add("openstack-db-" + db));
            want.add("openstack-dbuser-" + user + "-any");
            want.add("openstack-dbuser-" + user + "-localhost");
            list.forEach(db -> {
                want.add("openstack-grant-" + db + "-" + user + "-any");
                want.add("openstack-grant-" + db + "-" + user + "-localhost");
            });
        });
        assertEquals(String.join(" ", want), ids(plan));
        assertEquals(36, plan.steps().size());
        assertEquals(List.of("keystone", "glance", "neutron", "cinder", "placement", "nova_api", "nova", "nova_cell0"),
                plan.steps().stream().filter(s -> s.kind().equals("mysql_database.present"))
                        .map(s -> ((MysqlDatabasePresent.Spec) s.spec()).name()).toList());

        dbs.forEach((user, list) -> {
            for (String host : List.of("%", "localhost")) {
                String suffix = host.equals("%") ? "-any" : "-localhost";
                MysqlUserPresent.Spec u = spec(plan, "openstack-dbuser-" + user + suffix, MysqlUserPresent.Spec.class);
                assertEquals(user, u.name());
                assertEquals(host, u.host());
                assertEquals(DB_PASSWORDS.get(user), u.password());
                for (String db : list) {
                    String id = "openstack-grant-" + db + "-" + user + suffix;
                    MysqlGrantsPresent.Spec g = spec(plan, id, MysqlGrantsPresent.Spec.class);
                    assertEquals("ALL PRIVILEGES", g.grant());
                    assertEquals("`" + db + "`.*", g.database());
                    assertEquals(user, g.user());
                    assertEquals(host, g.host());
                    assertEquals(List.of("require:openstack-db-" + db, "require:openstack-dbuser-" + user + suffix), requisites(plan, id));
                }
            }
        });
        assertEquals("utf8mb4", spec(plan, "openstack-db-nova_cell0", MysqlDatabasePresent.Spec.class).characterSet());
        // Keystone's first migration sets utf8 (utf8mb3) on its database: the formula wants the same, so a run after it changes nothing.
        assertEquals("utf8mb3", spec(plan, "openstack-db-keystone", MysqlDatabasePresent.Spec.class).characterSet());
        assertTrue(plan.secrets().values().containsAll(DB_PASSWORDS.values()), "every database password is masked");
    }

    // ---- openstack.config: the plan ----

    @Test
    void eachServiceFileGetsItsConnectionEveryRabbitNodeAndEveryMemcached() {
        Plan plan = compile("ctl2", "openstack.config").plan();
        assertEquals("openstack-dir-glance openstack-dir-nova openstack-dir-neutron openstack-dir-cinder"
                + " openstack-dir-placement openstack-dir-swift openstack-glance-api-conf openstack-nova-conf"
                + " openstack-neutron-conf openstack-cinder-conf openstack-placement-conf openstack-swift-proxy-conf", ids(plan));
        assertEquals(new FileDirectory.Spec("/etc/nova", null, null, null, true), spec(plan, "openstack-dir-nova", FileDirectory.Spec.class));
        assertEquals(List.of("require:openstack-dir-nova"), requisites(plan, "openstack-nova-conf"));

        Map<String, String> files = Map.of("glance-api", "/etc/glance/glance-api.conf",
                "nova", "/etc/nova/nova.conf", "neutron", "/etc/neutron/neutron.conf", "cinder", "/etc/cinder/cinder.conf",
                "placement", "/etc/placement/placement.conf");
        files.forEach((svc, path) -> {
            IniOptionsPresent.Spec ini = spec(plan, "openstack-" + svc + "-conf", IniOptionsPresent.Spec.class);
            assertEquals(path, ini.name());
            assertEquals("0640", ini.mode(), "the files hold passwords");
            Map<String, Map<String, Object>> s = ini.sections();
            assertEquals(MEMCACHED, s.get("cache").get("memcache_servers"), svc);
            assertEquals(1, s.get("cache").get("memcache_socket_timeout"), svc);
            assertEquals(60, s.get("cache").get("memcache_dead_retry"), svc);
            assertEquals("oslo_cache.memcache_pool", s.get("cache").get("backend"), svc);
            assertEquals(MEMCACHED, s.get("keystone_authtoken").get("memcached_servers"), svc);
            assertEquals(1, s.get("keystone_authtoken").get("memcache_pool_socket_timeout"), svc);
            assertEquals(60, s.get("keystone_authtoken").get("memcache_pool_dead_retry"), svc);
            assertEquals("http://10.77.0.100:5000", s.get("keystone_authtoken").get("www_authenticate_uri"), svc);
            if (svc.equals("placement")) {
                assertFalse(s.containsKey("DEFAULT"), "placement does not use the message bus");
            } else {
                assertEquals(TRANSPORT_URL, s.get("DEFAULT").get("transport_url"), svc);
                assertEquals(OSLO_MESSAGING_RABBIT, s.get("oslo_messaging_rabbit"), svc);
            }
        });
        Map<String, Map<String, Object>> nova = spec(plan, "openstack-nova-conf", IniOptionsPresent.Spec.class).sections();
        String vip = "@10.77.0.100/";
        assertEquals("mysql+pymysql://nova:" + DB_PASSWORDS.get("nova") + vip + "nova", nova.get("database").get("connection"));
        assertEquals("mysql+pymysql://nova:" + DB_PASSWORDS.get("nova") + vip + "nova_api", nova.get("api_database").get("connection"));
        assertEquals(Map.of("enabled", true, "agent_enabled", true, "html5proxy_host", "10.77.0.12", "html5proxy_port", 6082,
                "html5proxy_base_url", "http://10.77.0.100:6082/spice_auto.html", "server_listen", "10.77.0.12",
                "server_proxyclient_address", "10.77.0.12"), nova.get("spice"));
        assertEquals(Map.of("enabled", false), nova.get("vnc"));
        assertEquals("10.77.0.12", nova.get("DEFAULT").get("my_ip"));
        assertEquals("mysql+pymysql://placement:" + DB_PASSWORDS.get("placement") + vip + "placement",
                spec(plan, "openstack-placement-conf", IniOptionsPresent.Spec.class).sections().get("placement_database").get("connection"));
        for (String svc : List.of("glance", "neutron", "cinder")) {
            String file = svc.equals("glance") ? "glance-api" : svc;
            assertEquals("mysql+pymysql://" + svc + ":" + DB_PASSWORDS.get(svc) + vip + svc,
                    spec(plan, "openstack-" + file + "-conf", IniOptionsPresent.Spec.class).sections().get("database").get("connection"));
        }
    }

    @Test
    void twoControllersListTwoRabbitNodesAndTwoMemcacheds() {
        Plan plan = compile(Formulas.twoNodePillar(dir), "ctl1", "openstack.config").plan();
        Map<String, Map<String, Object>> nova = spec(plan, "openstack-nova-conf", IniOptionsPresent.Spec.class).sections();
        assertEquals("rabbit://openstack:" + RABBIT_PASSWORD + "@ctl1:5672,openstack:" + RABBIT_PASSWORD + "@ctl2:5672/openstack",
                nova.get("DEFAULT").get("transport_url"));
        assertEquals("10.77.0.11:11211,10.77.0.12:11211", nova.get("cache").get("memcache_servers"));
    }

    // ---- openstack.config: applied for real below a temporary root ----

    @Test
    void theSettingsLandInTheFilesOnceAndNoPasswordLeavesTheEngine() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Compiled c = compile("ctl3", "openstack.config");
        Runner runner = new Runner(Kinds.registry(), new Env(LocalHost.under(root), Formulas.GRAINS, c.templates()), RunListener.NONE);

        RunReport dry = runner.run(c.plan(), true);
        assertEquals(0, dry.failed(), failures(dry));
        assertEquals(12, dry.changed());
        assertFalse(Files.exists(root.resolve("etc/nova")), "a dry run writes nothing");

        RunReport first = runner.run(c.plan(), false);
        assertEquals(0, first.failed(), failures(first));
        assertEquals(12, first.changed());

        String neutron = Files.readString(root.resolve("etc/neutron/neutron.conf"));
        assertEquals(NEUTRON_CONF.formatted(TRANSPORT_URL, DB_PASSWORDS.get("neutron"), MEMCACHED, MEMCACHED), neutron);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/neutron/neutron.conf"))));

        String nova = Files.readString(root.resolve("etc/nova/nova.conf"));
        for (String line : List.of("[api_database]\nconnection = mysql+pymysql://nova:" + DB_PASSWORDS.get("nova") + "@10.77.0.100/nova_api\n",
                "[database]\nconnection = mysql+pymysql://nova:" + DB_PASSWORDS.get("nova") + "@10.77.0.100/nova\n",
                "transport_url = " + TRANSPORT_URL + "\n", "my_ip = 10.77.0.13\n",
                "[spice]\nenabled = true\nagent_enabled = true\nhtml5proxy_host = 10.77.0.13\nhtml5proxy_port = 6082\n"
                        + "html5proxy_base_url = http://10.77.0.100:6082/spice_auto.html\nserver_listen = 10.77.0.13\n"
                        + "server_proxyclient_address = 10.77.0.13\n",
                "[vnc]\nenabled = false\n",
                "[keystone_authtoken]\nwww_authenticate_uri = http://10.77.0.100:5000\nauth_url = http://10.77.0.100:5000\n"
                        + "memcached_servers = " + MEMCACHED + "\nmemcache_pool_socket_timeout = 1\nmemcache_pool_dead_retry = 60\n")) {
            assertTrue(nova.contains(line), "nova.conf has:\n" + line + "\n--- in:\n" + nova);
        }
        assertTrue(Files.readString(root.resolve("etc/placement/placement.conf"))
                .contains("[placement_database]\nconnection = mysql+pymysql://placement:" + DB_PASSWORDS.get("placement") + "@10.77.0.100/placement\n"));

        checkSwiftPipeline(Files.readString(root.resolve("etc/swift/proxy-server.conf")));

        RunReport second = runner.run(c.plan(), false);
        assertEquals(0, second.failed(), failures(second));
        assertEquals(0, second.changed(), "a converged run changes nothing: " + texts(second));

        // The passwords are in the files (where the services need them) but in no result, change or diff.
        List<String> secrets = new ArrayList<>(DB_PASSWORDS.values());
        secrets.add(RABBIT_PASSWORD);
        for (RunReport r : List.of(dry, first, second)) {
            String all = texts(r);
            for (String s : secrets) assertFalse(all.contains(s), "a password leaked into the results: " + s);
        }
        String changes = texts(first);
        assertTrue(changes.contains("database.connection: null -> mysql+pymysql://neutron:" + Secrets.MASK + "@10.77.0.100/neutron"), changes);
        assertTrue(changes.contains("DEFAULT.transport_url: null -> rabbit://openstack:" + Secrets.MASK + "@ctl1:5672,openstack:"
                + Secrets.MASK + "@ctl2:5672,openstack:" + Secrets.MASK + "@ctl3:5672/openstack"), changes);
    }

    @Test
    void aChangedPasswordIsReportedMaskedOnBothSidesAndRewritten() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Compiled c = compile("ctl1", "openstack.config");
        Runner runner = new Runner(Kinds.registry(), new Env(LocalHost.under(root), Formulas.GRAINS, c.templates()), RunListener.NONE);
        assertEquals(0, runner.run(c.plan(), false).failed());
        Path conf = root.resolve("etc/cinder/cinder.conf");
        String old = "mysql+pymysql://cinder:oldSecretValue@10.77.0.100/cinder";
        Files.writeString(conf, Files.readString(conf).replace("mysql+pymysql://cinder:" + DB_PASSWORDS.get("cinder") + "@10.77.0.100/cinder", old));

        RunReport r = runner.run(c.plan(), false);
        assertEquals(1, r.changed(), texts(r));
        String text = texts(r);
        // The replaced value most likely held the previous password, which this run cannot recognise.
        assertTrue(text.contains("database.connection: " + Secrets.MASK + " -> mysql+pymysql://cinder:" + Secrets.MASK + "@10.77.0.100/cinder"), text);
        assertFalse(text.contains(DB_PASSWORDS.get("cinder")), text);
        assertFalse(text.contains("oldSecretValue"), text);
        assertTrue(Files.readString(conf).contains("connection = mysql+pymysql://cinder:" + DB_PASSWORDS.get("cinder") + "@10.77.0.100/cinder\n"));
    }

    /** s3api and s3token sit between authtoken and keystoneauth, and every pipeline element is defined. */
    private static void checkSwiftPipeline(String conf) {
        String line = conf.lines().filter(l -> l.startsWith("pipeline = ")).findFirst().orElseThrow(() -> new AssertionError(conf));
        List<String> p = Arrays.asList(line.substring("pipeline = ".length()).split(" "));
        assertEquals(List.of("catch_errors", "gatekeeper", "healthcheck", "proxy-logging", "cache", "listing_formats", "bulk", "ratelimit",
                "authtoken", "s3api", "s3token", "keystoneauth", "copy", "slo", "dlo", "proxy-logging", "proxy-server"), p);
        assertTrue(conf.contains("[pipeline:main]\n" + line + "\n"), conf);
        assertEquals("proxy-server", p.get(p.size() - 1), "the app ends the pipeline");
        for (String f : p.subList(0, p.size() - 1)) assertTrue(conf.contains("[filter:" + f + "]\n"), "filter " + f + " is defined:\n" + conf);
        assertTrue(conf.contains("[app:proxy-server]\nuse = egg:swift#proxy\n"), conf);
        assertTrue(conf.contains("[filter:s3api]\nuse = egg:swift#s3api\n"), conf);
        assertTrue(conf.contains("[filter:s3token]\nuse = egg:swift#s3token\nauth_uri = http://10.77.0.100:5000/v3\n"), conf);
        assertTrue(conf.contains("delay_auth_decision = true\n"), conf);
        assertTrue(conf.contains("[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = " + MEMCACHED + "\n"), conf);
    }

    /** Every text the engine gives out for a run: changes, diffs, comments, errors, skip reasons. */
    private static String texts(RunReport r) {
        StringBuilder sb = new StringBuilder();
        for (StateResult s : r.results()) {
            Outcome o = s.outcome();
            sb.append(s.step().id()).append(": ").append(o.getClass().getSimpleName()).append('\n');
            for (Change ch : o.changeList()) {
                sb.append("  ").append(ch.attribute()).append(": ").append(ch.before()).append(" -> ").append(ch.after()).append('\n');
                if (ch.diff() != null) sb.append(ch.diff()).append('\n');
            }
            if (o instanceof Outcome.Changed ch) sb.append(ch.comment()).append(ch.data()).append('\n');
            if (o instanceof Outcome.WouldChange w) sb.append(w.comment()).append('\n');
            if (o instanceof Outcome.Unchanged u) sb.append(u.comment()).append('\n');
            if (o instanceof Outcome.Failed f) sb.append(f.error()).append(f.data()).append('\n');
            if (o instanceof Outcome.Skipped k) sb.append(k.reason()).append('\n');
        }
        return sb.toString();
    }

    private static String failures(RunReport r) {
        return r.results().stream().filter(s -> s.outcome().isFailure()).map(s -> s.step().id() + ": " + s.outcome())
                .collect(Collectors.joining("\n"));
    }
}
