package io.jstate.states.kinds.ini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.Host;
import io.jstate.states.kinds.Kinds;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IniOptionsPresentTest {

    static final String NOVA = "/etc/nova/nova.conf";
    static final String NOVA_CONF = """
            [DEFAULT]
            # From nova.conf
            #
            # Whether to log debug messages (boolean value)
            #debug = false
            my_ip = 10.0.0.11
            transport_url = rabbit://nova:old@ctl1:5672/

            [api_database]
            #
            # The SQLAlchemy connection string to use to connect to the database.
            # (string value)
            #connection = <None>

            [database]
            connection = mysql+pymysql://nova:old@10.0.0.10/nova
            max_retries = -1

            [keystone_authtoken]
            www_authenticate_uri = http://10.0.0.10:5000/
            """;

    final FakeHost host = new FakeHost().dir("/etc").dir("/etc/nova").file(NOVA, NOVA_CONF, 0640, "root", "nova");

    IniOptionsPresent state(Host h) {
        return new IniOptionsPresent(new Env(h, Map.of(), null));
    }

    static IniOptionsPresent.Spec spec(String name, Map<String, Object> sections, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("sections", sections);
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        return SpecBinder.bind(IniOptionsPresent.Spec.class, name, args);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    Drift converge(IniOptionsPresent.Spec spec) throws Exception {
        Drift drift = state(host).check(spec);
        if (!drift.inSync()) state(host).apply(spec, drift);
        assertTrue(state(host).check(spec).inSync(), "in sync after apply");
        return drift;
    }

    @Test
    void novaConfKeysAreUpdatedInPlaceAndAddedWhereTheSampleDocumentsThem() throws Exception {
        Drift drift = converge(spec(NOVA, map(
                "DEFAULT", map("transport_url", "rabbit://nova:s3cret@ctl1:5672,nova:s3cret@ctl2:5672/", "my_ip", "10.0.0.11"),
                "api_database", map("connection", "mysql+pymysql://nova:s3cret@10.0.0.10/nova_api"),
                "database", map("connection", "mysql+pymysql://nova:s3cret@10.0.0.10/nova", "max_retries", -1),
                "oslo_concurrency", map("lock_path", "/var/lib/nova/tmp"))));
        assertEquals("""
                [DEFAULT]
                # From nova.conf
                #
                # Whether to log debug messages (boolean value)
                #debug = false
                my_ip = 10.0.0.11
                transport_url = rabbit://nova:s3cret@ctl1:5672,nova:s3cret@ctl2:5672/

                [api_database]
                #
                # The SQLAlchemy connection string to use to connect to the database.
                # (string value)
                #connection = <None>
                connection = mysql+pymysql://nova:s3cret@10.0.0.10/nova_api

                [database]
                connection = mysql+pymysql://nova:s3cret@10.0.0.10/nova
                max_retries = -1

                [keystone_authtoken]
                www_authenticate_uri = http://10.0.0.10:5000/

                [oslo_concurrency]
                lock_path = /var/lib/nova/tmp
                """, host.content(NOVA).orElseThrow());
        List<Change> changes = drift.changes();
        assertEquals(List.of(
                Change.of("DEFAULT.transport_url", "rabbit://nova:old@ctl1:5672/", "rabbit://nova:s3cret@ctl1:5672,nova:s3cret@ctl2:5672/"),
                Change.of("api_database.connection", null, "mysql+pymysql://nova:s3cret@10.0.0.10/nova_api"),
                Change.of("database.connection", "mysql+pymysql://nova:old@10.0.0.10/nova", "mysql+pymysql://nova:s3cret@10.0.0.10/nova"),
                Change.of("oslo_concurrency.lock_path", null, "/var/lib/nova/tmp")), changes.subList(0, 4));
        assertEquals("content", changes.get(4).attribute());
        assertTrue(changes.get(4).diff().contains("-connection = mysql+pymysql://nova:old@10.0.0.10/nova\n"
                + "+connection = mysql+pymysql://nova:s3cret@10.0.0.10/nova\n"), changes.get(4).diff());
        assertEquals(5, changes.size());
        assertEquals(List.of("write " + NOVA), host.mutations());
        assertEquals("FILE 0640 root:nova", host.tree().get(Path.of(NOVA)));
    }

    @Test
    void commentsAndUntouchedLinesSurviveByteForByte() throws Exception {
        String path = "/etc/nova/api-paste.ini";
        String original = "; generated by the packager\r\n"
                + "[composite:osapi_compute]\r\n"
                + "use = call:nova.api.openstack.urlmap:urlmap_factory\r\n"
                + "/: oscomputeversions\r\n"
                + "   # indented comment with trailing spaces   \r\n"
                + "\r\n"
                + "[filter:request_id]\r\n"
                + "paste.filter_factory=oslo_middleware:RequestId.factory\r\n"
                + "\t\r\n"
                + "# last line without newline";
        host.file(path, original);
        converge(spec(path, map("filter:request_id", map("paste.filter_factory", "oslo_middleware:RequestId.factory2"))));
        assertEquals(original.replace("RequestId.factory\r\n", "RequestId.factory2\r\n"), host.content(path).orElseThrow());
    }

    @Test
    void swiftPipelineGainsS3MiddlewareAndItsFilterSections() throws Exception {
        String path = "/etc/swift/proxy-server.conf";
        host.dir("/etc/swift").file(path, """
                [DEFAULT]
                bind_port = 8080
                user = swift

                [pipeline:main]
                pipeline = catch_errors gatekeeper healthcheck proxy-logging cache
                    container_sync bulk tempurl ratelimit authtoken keystoneauth
                    proxy-logging proxy-server

                [app:proxy-server]
                use = egg:swift#proxy
                account_autocreate = true
                """);
        String pipeline = "catch_errors gatekeeper healthcheck proxy-logging cache container_sync bulk tempurl ratelimit "
                + "s3api s3token authtoken keystoneauth proxy-logging proxy-server";
        Drift drift = converge(spec(path, map(
                "pipeline:main", map("pipeline", pipeline),
                "filter:s3api", map("use", "egg:swift#s3api"),
                "filter:s3token", map("use", "egg:swift#s3token", "reseller_prefix", "AUTH_",
                        "auth_uri", "http://10.0.0.10:5000/v3"))));
        assertEquals("""
                [DEFAULT]
                bind_port = 8080
                user = swift

                [pipeline:main]
                pipeline = %s

                [app:proxy-server]
                use = egg:swift#proxy
                account_autocreate = true

                [filter:s3api]
                use = egg:swift#s3api

                [filter:s3token]
                use = egg:swift#s3token
                reseller_prefix = AUTH_
                auth_uri = http://10.0.0.10:5000/v3
                """.formatted(pipeline), host.content(path).orElseThrow());
        assertEquals(Change.of("pipeline:main.pipeline",
                "catch_errors gatekeeper healthcheck proxy-logging cache\ncontainer_sync bulk tempurl ratelimit authtoken keystoneauth\nproxy-logging proxy-server",
                pipeline), drift.changes().get(0));
    }

    @Test
    void missingFileIsCreatedWithItsAttributes() throws Exception {
        String path = "/etc/mysql/conf.d/galera.cnf";
        Drift drift = converge(spec(path, map("mysqld", map("binlog_format", "ROW", "skip-name-resolve", null),
                "galera", map("wsrep_on", "ON")), "makedirs", true, "mode", "0644", "separator", "="));
        assertEquals("[mysqld]\nbinlog_format=ROW\nskip-name-resolve\n\n[galera]\nwsrep_on=ON\n", host.content(path).orElseThrow());
        assertEquals(List.of("mysqld.binlog_format", "mysqld.skip-name-resolve", "galera.wsrep_on", "created", "content", "mode"),
                drift.changes().stream().map(Change::attribute).toList());
        assertEquals(List.of("mkdirs /etc/mysql/conf.d", "write " + path), host.mutations());
    }

    @Test
    void repeatedKeysAreCollapsedAndListsWriteRepeatedKeys() throws Exception {
        String path = "/etc/neutron/neutron.conf";
        host.dir("/etc/neutron").file(path, "[DEFAULT]\nservice_plugins = a\nservice_plugins = b\ncore_plugin = ml2\n");
        Drift drift = converge(spec(path, map("DEFAULT", map("service_plugins", "router"))));
        assertEquals(Change.of("DEFAULT.service_plugins", "[a, b]", "router"), drift.changes().get(0));
        assertEquals("[DEFAULT]\nservice_plugins = router\ncore_plugin = ml2\n", host.content(path).orElseThrow());
        converge(spec(path, map("DEFAULT", map("service_plugins", List.of("router", "metering")))));
        assertEquals("[DEFAULT]\nservice_plugins = router\nservice_plugins = metering\ncore_plugin = ml2\n", host.content(path).orElseThrow());
    }

    @Test
    void valuesAreComparedAsTheFileHoldsThemSoTypedYamlValuesAreInSync() throws Exception {
        host.file("/etc/nova/x.conf", "[DEFAULT]\ndebug = true\nworkers=4\n");
        assertTrue(state(host).check(spec("/etc/nova/x.conf", map("DEFAULT", map("debug", true, "workers", 4)))).inSync());
        assertTrue(state(host).check(spec("/etc/nova/x.conf", map("DEFAULT", map("debug", " true ")))).inSync());
    }

    @Test
    void keysBeforeTheFirstHeaderAreSectionEmptyAndEmptySectionsAreCreated() throws Exception {
        host.file("/etc/nova/top.conf", "# comment\n[a]\n");
        Drift drift = converge(spec("/etc/nova/top.conf", map("", map("include", "/etc/x"), "b", null)));
        assertEquals("# comment\ninclude = /etc/x\n[a]\n\n[b]\n", host.content("/etc/nova/top.conf").orElseThrow());
        assertEquals(List.of(Change.of("include", null, "/etc/x"), Change.of("[b]", null, "present")), drift.changes().subList(0, 2));
    }

    @Test
    void sectionsAndKeysAreCaseSensitive() throws Exception {
        host.file("/etc/nova/c.conf", "[default]\nDebug = false\n");
        converge(spec("/etc/nova/c.conf", map("DEFAULT", map("debug", "true"))));
        assertEquals("[default]\nDebug = false\n\n[DEFAULT]\ndebug = true\n", host.content("/etc/nova/c.conf").orElseThrow());
    }

    @Test
    void aDirectoryInTheWayAndBadArgumentsFailClearly() {
        host.dir("/etc/nova/dir.conf");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> state(host).check(spec("/etc/nova/dir.conf", map("a", map("b", "c")))));
        assertTrue(e.getMessage().startsWith("/etc/nova/dir.conf is a directory"), e.getMessage());
        assertTrue(assertThrows(SpecException.class, () -> spec(NOVA, map())).getMessage().contains("sections is required"));
        assertTrue(assertThrows(SpecException.class, () -> spec(NOVA, map("a]", map("b", "c")))).getMessage().contains("']'"));
        assertTrue(assertThrows(SpecException.class, () -> spec(NOVA, map("a", map("b=c", "d")))).getMessage().contains("without '='"));
        assertTrue(assertThrows(SpecException.class, () -> spec(NOVA, map("a", map("b", map("c", "d"))))).getMessage().contains("not a mapping"));
        assertTrue(assertThrows(SpecException.class, () -> spec(NOVA, map("a", map("b", "c")), "separator", " -> ")).getMessage().contains("separator"));
        assertTrue(assertThrows(SpecException.class, () -> spec(NOVA, map("a", map("b", "c")), "mode", "0x1")).getMessage().contains("mode must be"));
    }

    @Test
    void checkUnderAReadOnlyHostMutatesNothing() throws Exception {
        Host readOnly = new ReadOnlyHost(host);
        Drift existing = state(readOnly).check(spec(NOVA, map("database", map("connection", "x")), "mode", "0600"));
        assertEquals(List.of("database.connection", "content", "mode"), existing.changes().stream().map(Change::attribute).toList());
        Drift missing = state(readOnly).check(spec("/etc/glance/glance-api.conf", map("DEFAULT", map("bind_host", "0.0.0.0")), "makedirs", true));
        assertEquals(List.of("DEFAULT.bind_host", "created", "content"), missing.changes().stream().map(Change::attribute).toList());
        assertEquals(List.of(), host.mutations());
        assertEquals(NOVA_CONF, host.content(NOVA).orElseThrow());
    }

    @Test
    void nullValueInListIsABareKey() throws Exception {
        host.file("/etc/nova/b.conf", "[mysqld]\n");
        converge(spec("/etc/nova/b.conf", map("mysqld", map("skip-grant-tables", Arrays.asList((Object) null)))));
        assertEquals("[mysqld]\nskip-grant-tables\n", host.content("/etc/nova/b.conf").orElseThrow());
    }

    @Test
    void iniKindsAreRegisteredByTheirSlsNames() {
        StateRegistry r = Kinds.registry();
        assertEquals(IniOptionsPresent.Spec.class, r.find("ini.options_present").orElseThrow().specType());
        assertEquals(IniOptionsAbsent.Spec.class, r.find("ini.options_absent").orElseThrow().specType());
    }

    @Test
    void showChangesFalseNamesTheOptionAndGivesChecksumsOnly() throws Exception {
        Drift drift = converge(spec(NOVA, map("database", map("connection", "mysql+pymysql://nova:new@10.0.0.10/nova")),
                "show_changes", false));
        assertEquals(2, drift.changes().size(), drift.changes().toString());
        assertEquals(new Change("database.connection", null, null, null), drift.changes().get(0));
        Change content = drift.changes().get(1);
        assertEquals("content", content.attribute());
        assertEquals(null, content.diff());
        assertTrue(content.before().matches("sha256:[0-9a-f]{64}") && content.after().matches("sha256:[0-9a-f]{64}"), content.toString());
        assertTrue(host.content(NOVA).orElseThrow().contains("connection = mysql+pymysql://nova:new@10.0.0.10/nova\n"));
    }
}
