package io.jstate.states.kinds.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SysctlPresentTest {

    static final String KEY = "net.ipv4.ip_nonlocal_bind";
    static final String CONF = "/etc/sysctl.d/99-jstate.conf";

    final FakeHost host = new FakeHost().dir("/etc");
    final Map<String, String> kernel = new java.util.HashMap<>(Map.of(KEY, "0", "net.ipv4.tcp_rmem", "4096\t131072\t6291456"));
    final SysctlPresent state = new SysctlPresent(TestEnv.debian(host));

    SysctlPresentTest() {
        host.on(List.of("sysctl", "-n"), e -> {
            String v = kernel.get(e.argv().get(2));
            return v == null ? ExecResult.fail(255, "sysctl: cannot stat /proc/sys/" + e.argv().get(2).replace('.', '/') + ": No such file or directory")
                    : ExecResult.ok(v + "\n");
        });
        host.on(List.of("sysctl", "-w"), e -> {
            String[] kv = e.argv().get(2).split("=", 2);
            kernel.put(kv[0], kv[1]);
            return ExecResult.ok(kv[0] + " = " + kv[1] + "\n");
        });
    }

    static SysctlPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(SysctlPresent.Spec.class, KEY, args);
    }

    @Test
    void setsTheLiveValueAndPersistsItThenIsInSync() {
        var spec = spec(Map.of("value", 1));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("value", "0", "1"), Change.of("config", null, "1")), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run sysctl -w net.ipv4.ip_nonlocal_bind=1", "mkdirs /etc/sysctl.d", "write " + CONF), host.mutations());
        assertEquals(KEY + " = 1\n", host.content(CONF).orElseThrow());
        assertTrue(host.tree().get(java.nio.file.Path.of(CONF)).startsWith("FILE 0644"));
        assertTrue(state.check(spec).inSync());
        assertEquals("sysctl -n " + KEY, host.commandLines().get(0));
    }

    @Test
    void multiValueParametersCompareWithWhitespaceCollapsed() {
        host.dir("/etc/sysctl.d").file(CONF, "net.ipv4.tcp_rmem = 4096  131072 6291456\n");
        assertTrue(state.check(SpecBinder.bind(SysctlPresent.Spec.class, "net.ipv4.tcp_rmem",
                Map.of("value", " 4096 131072\t6291456 "))).inSync());
    }

    @Test
    void rewritesTheKeysLineInPlaceKeepingTheRestOfTheFile() {
        host.dir("/etc/sysctl.d").file(CONF, "# tuning\nnet/ipv4/ip_nonlocal_bind=0\nvm.swappiness = 10\n-net.ipv4.ip_nonlocal_bind = 0\n");
        kernel.put(KEY, "1");
        var spec = spec(Map.of("value", "1"));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("config", "0", "1")), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("write " + CONF), host.mutations());
        assertEquals("# tuning\nnet.ipv4.ip_nonlocal_bind = 1\nvm.swappiness = 10\n", host.content(CONF).orElseThrow());
    }

    @Test
    void anUnknownParameterFailsClearly() {
        HostException e = assertThrows(HostException.class, () -> state.check(SpecBinder.bind(SysctlPresent.Spec.class,
                "net.bridge.bridge-nf-call-iptables", Map.of("value", 1))));
        assertTrue(e.getMessage().contains("cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables"), e.getMessage());
    }

    @Test
    void checkOnlyObserves() {
        var ro = new SysctlPresent(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(2, ro.check(spec(Map.of("value", 1, "config", "/etc/sysctl.d/60-galera.conf"))).changes().size());
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void specErrorsNameTheProblem() {
        assertThrows(SpecException.class, () -> spec(Map.of()));
        assertThrows(SpecException.class, () -> spec(Map.of("value", 1, "config", "sysctl.conf")));
        assertThrows(SpecException.class, () -> SpecBinder.bind(SysctlPresent.Spec.class, "a b", Map.of("value", 1)));
    }
}
