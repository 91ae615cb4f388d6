package io.jstate.states.kinds.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.kinds.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PkgRemovedTest {

    final FakeHost host = new FakeHost();
    final FakeApt apt = new FakeApt(host);
    final PkgRemoved state = new PkgRemoved(TestEnv.debian(host));

    static PkgRemoved.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(PkgRemoved.Spec.class, "gone", args);
    }

    @Test
    void removesInstalledPackagesInOneCallThenIsInSync() {
        apt.installed.put("apache2", "2.4.57-2");
        apt.installed.put("nginx", "1.22.1-9");
        var spec = spec(Map.of("pkgs", List.of("apache2", "nginx", "lighttpd")));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("apache2", "2.4.57-2", null), Change.of("nginx", "1.22.1-9", null)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run apt-get -q -y -o DPkg::Lock::Timeout=600 remove apache2 nginx"), host.mutations());
        assertEquals("noninteractive", host.commands().get(1).env().get("DEBIAN_FRONTEND"));
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void purgeAlsoClearsLeftoverConfigFiles() {
        host.on(List.of("dpkg-query"), e -> new ExecResult(1, "ntp\tntp\trc \t1:4.2.8p15\n", "", false));
        var keep = spec(Map.of("name", "ntp"));
        assertTrue(state.check(keep).inSync());
        var purge = spec(Map.of("name", "ntp", "purge", true));
        Drift d = state.check(purge);
        assertEquals(List.of(Change.of("ntp", "config-files", null)), d.changes());
        host.on(List.of("apt-get"), e -> ExecResult.ok(""));
        state.apply(purge, d);
        assertEquals(List.of("run apt-get -q -y -o DPkg::Lock::Timeout=600 purge ntp"), host.mutations());
    }

    @Test
    void checkOnlyObserves() {
        apt.installed.put("apache2", "2.4.57-2");
        var ro = new PkgRemoved(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(1, ro.check(spec(Map.of("name", "apache2", "purge", true))).changes().size());
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void aFailingQueryIsAnError() {
        host.on(List.of("dpkg-query"), e -> ExecResult.fail(2, "dpkg-query: error: parsing file '/var/lib/dpkg/status'"));
        var e = assertThrows(RuntimeException.class, () -> state.check(spec(Map.of("name", "x"))));
        assertTrue(e.getMessage().contains("parsing file"), e.getMessage());
    }

    @Test
    void specNeedsAName() {
        assertThrows(SpecException.class, () -> SpecBinder.bind(PkgRemoved.Spec.class, " ", Map.of()));
        assertThrows(SpecException.class, () -> spec(Map.of("pkgs", List.of("a", "a"))));
    }
}
