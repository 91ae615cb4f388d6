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
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.Host;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IniOptionsAbsentTest {

    static final String PROXY = "/etc/swift/proxy-server.conf";
    static final String PROXY_CONF = """
            [DEFAULT]
            bind_port = 8080
            log_statsd_host = 10.0.0.99
            log_statsd_port = 8125

            [pipeline:main]
            pipeline = catch_errors s3api s3token authtoken proxy-server

            [filter:s3api]
            use = egg:swift#s3api

            [filter:s3token]
            # talks to keystone
            use = egg:swift#s3token
            auth_uri = http://10.0.0.10:5000/v3

            [app:proxy-server]
            use = egg:swift#proxy
            """;

    final FakeHost host = new FakeHost().dir("/etc").dir("/etc/swift").file(PROXY, PROXY_CONF, 0640, "root", "swift");

    IniOptionsAbsent state(Host h) {
        return new IniOptionsAbsent(new Env(h, Map.of(), null));
    }

    static IniOptionsAbsent.Spec spec(String name, Map<String, Object> sections) {
        return SpecBinder.bind(IniOptionsAbsent.Spec.class, name, Map.of("sections", sections));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    Drift converge(IniOptionsAbsent.Spec spec) throws Exception {
        Drift drift = state(host).check(spec);
        if (!drift.inSync()) state(host).apply(spec, drift);
        assertTrue(state(host).check(spec).inSync(), "in sync after apply");
        return drift;
    }

    @Test
    void removesKeysAndWholeSectionsKeepingEverythingElse() throws Exception {
        Drift drift = converge(spec(PROXY, map("DEFAULT", List.of("log_statsd_host", "log_statsd_port", "not_there"),
                "filter:s3api", null, "filter:s3token", List.of(), "filter:gone", null)));
        assertEquals("""
                [DEFAULT]
                bind_port = 8080

                [pipeline:main]
                pipeline = catch_errors s3api s3token authtoken proxy-server

                [app:proxy-server]
                use = egg:swift#proxy
                """, host.content(PROXY).orElseThrow());
        assertEquals(List.of(
                Change.of("DEFAULT.log_statsd_host", "10.0.0.99", null),
                Change.of("DEFAULT.log_statsd_port", "8125", null),
                Change.of("[filter:s3api]", "1 option", null),
                Change.of("[filter:s3token]", "2 options", null)), drift.changes().subList(0, 4));
        assertEquals("content", drift.changes().get(4).attribute());
        assertEquals(List.of("write " + PROXY), host.mutations());
        assertEquals("FILE 0640 root:swift", host.tree().get(java.nio.file.Path.of(PROXY)));
    }

    @Test
    void aSingleKeyMayBeGivenWithoutAList() throws Exception {
        converge(spec(PROXY, map("app:proxy-server", "use")));
        assertTrue(host.content(PROXY).orElseThrow().endsWith("[app:proxy-server]\n"));
    }

    @Test
    void nothingToRemoveOrNoFileIsInSync() throws Exception {
        assertTrue(state(host).check(spec(PROXY, map("DEFAULT", List.of("workers"), "filter:nope", null))).inSync());
        assertTrue(state(host).check(spec("/etc/swift/none.conf", map("DEFAULT", List.of("workers")))).inSync());
    }

    @Test
    void theUnnamedSectionCannotBeRemovedWhole() {
        assertTrue(assertThrows(SpecException.class, () -> spec(PROXY, map("", null))).getMessage().contains("list its keys"));
    }

    @Test
    void checkUnderAReadOnlyHostMutatesNothing() throws Exception {
        Drift drift = state(new ReadOnlyHost(host)).check(spec(PROXY, map("filter:s3token", null)));
        assertEquals(List.of("[filter:s3token]", "content"), drift.changes().stream().map(Change::attribute).toList());
        assertEquals(List.of(), host.mutations());
        assertEquals(PROXY_CONF, host.content(PROXY).orElseThrow());
    }
}
