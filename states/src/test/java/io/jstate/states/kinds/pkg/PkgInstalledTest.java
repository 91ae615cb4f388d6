package io.jstate.states.kinds.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.Templates;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.TestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PkgInstalledTest {

    static final String INSTALL = "apt-get -q -y -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef"
            + " -o Dpkg::Options::=--force-confold install --no-install-recommends";
    static final String UPDATE = "apt-get -q -y -o DPkg::Lock::Timeout=600 update";
    static final String QUERY = "dpkg-query -W -f=${binary:Package}\\t${Package}\\t${db:Status-Abbrev}\\t${Version}\\n";

    final FakeHost host = new FakeHost();
    final FakeApt apt = new FakeApt(host);
    final PkgInstalled state = new PkgInstalled(TestEnv.debian(host));

    static PkgInstalled.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(PkgInstalled.Spec.class, "packages", args);
    }

    @Test
    void inSyncWhenEveryPackageIsInstalled() {
        apt.installed.put("mariadb-server", "1:10.11.6-0+deb12u1");
        apt.installed.put("socat", "1.7.4.4-2");
        assertTrue(state.check(spec(Map.of("pkgs", List.of("mariadb-server", "socat")))).inSync());
        assertEquals(List.of(QUERY + " mariadb-server socat"), host.commandLines());
    }

    @Test
    void missingPackagesAreDriftWithTheVersionTheIndexOffers() {
        apt.installed.put("socat", "1.7.4.4-2");
        apt.candidates.put("mariadb-server", "1:10.11.6-0+deb12u1");
        Drift d = state.check(spec(Map.of("pkgs", List.of("mariadb-server", "socat", "galera-4"))));
        assertEquals(List.of(Change.of("mariadb-server", null, "1:10.11.6-0+deb12u1"), Change.of("galera-4", null, "latest")), d.changes());
        assertEquals(List.of(QUERY + " mariadb-server socat galera-4", "apt-cache policy mariadb-server galera-4"), host.commandLines());
    }

    @Test
    void installsAllMissingPackagesInOneNonInteractiveCallThenIsInSync() {
        apt.candidates.put("mariadb-server", "1:10.11.6-0+deb12u1");
        apt.candidates.put("socat", "1.7.4.4-2");
        apt.indexAge = 60;
        var spec = spec(Map.of("pkgs", List.of("mariadb-server", "socat")));
        Drift d = state.check(spec);
        host.clear();
        Applied a = state.apply(spec, d);
        assertEquals(List.of(
                "stat -c %Y /var/lib/apt/lists /var/cache/apt/pkgcache.bin",
                "apt-cache policy mariadb-server socat",
                INSTALL + " mariadb-server socat",
                QUERY + " mariadb-server socat"), host.commandLines());
        var install = host.commands().get(2);
        assertEquals("noninteractive", install.env().get("DEBIAN_FRONTEND"));
        assertTrue(install.mutates());
        assertEquals(Map.of("mariadb-server", "1:10.11.6-0+deb12u1", "socat", "1.7.4.4-2"), a.data());
        assertEquals(List.of("run " + INSTALL + " mariadb-server socat"), host.mutations());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void refreshesAStaleIndexBeforeInstalling() {
        apt.candidates.put("memcached", "1.6.18-1");
        apt.indexAge = 7200;
        var spec = spec(Map.of("name", "memcached"));
        state.apply(spec, state.check(spec));
        assertEquals(List.of("run " + UPDATE, "run " + INSTALL + " memcached"), host.mutations());
    }

    @Test
    void honoursCacheValidTime() {
        apt.candidates.put("memcached", "1.6.18-1");
        apt.indexAge = 7200;
        var spec = spec(Map.of("name", "memcached", "cache_valid_time", 86400));
        state.apply(spec, state.check(spec));
        assertEquals(List.of("run " + INSTALL + " memcached"), host.mutations());
    }

    @Test
    void refreshesWhenTheIndexDoesNotKnowAPackage() {
        apt.indexAge = 10;
        apt.afterUpdate.put("keepalived", "1:2.2.7-1");
        var spec = spec(Map.of("name", "keepalived"));
        state.apply(spec, state.check(spec));
        assertEquals(List.of("run " + UPDATE, "run " + INSTALL + " keepalived"), host.mutations());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void refreshTrueAlwaysRefreshesAndFalseNever() {
        apt.indexAge = 10;
        apt.candidates.put("haproxy", "2.6.12-1");
        var always = spec(Map.of("name", "haproxy", "refresh", true));
        state.apply(always, state.check(always));
        assertEquals(List.of("run " + UPDATE, "run " + INSTALL + " haproxy"), host.mutations());

        apt.installed.clear();
        apt.indexAge = 999_999;
        host.clear();
        var never = spec(Map.of("name", "haproxy", "refresh", false));
        state.apply(never, state.check(never));
        assertEquals(List.of("run " + INSTALL + " haproxy"), host.mutations());
    }

    @Test
    void aPinnedVersionIsDriftUntilThatVersionIsInstalled() {
        apt.installed.put("mariadb-server", "1:10.11.4-1");
        apt.candidates.put("mariadb-server", "1:10.11.6-0+deb12u1");
        apt.indexAge = 10;
        var spec = spec(Map.of("pkgs", List.of(Map.of("mariadb-server", "1:10.11.6-0+deb12u1"), "socat")));
        apt.installed.put("socat", "1.7.4.4-2");
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("mariadb-server", "1:10.11.4-1", "1:10.11.6-0+deb12u1")), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run " + INSTALL + " mariadb-server=1:10.11.6-0+deb12u1"), host.mutations());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void versionPinsTheSingleNameForm() {
        apt.installed.put("rabbitmq-server", "3.10.8-1.1");
        Drift d = state.check(spec(Map.of("name", "rabbitmq-server", "version", "3.10.8-1.1")));
        assertTrue(d.inSync());
        Drift other = state.check(spec(Map.of("name", "rabbitmq-server", "version", "3.12.1-1")));
        assertEquals(List.of(Change.of("rabbitmq-server", "3.10.8-1.1", "3.12.1-1")), other.changes());
    }

    @Test
    void configFilesLeftByARemovedPackageDoNotCountAsInstalled() {
        host.on(List.of("dpkg-query"), e -> ExecResult.ok("memcached\tmemcached\trc \t1.6.18-1\n"));
        host.on(List.of("apt-cache", "policy"), e -> ExecResult.ok("memcached:\n  Installed: (none)\n  Candidate: 1.6.18-1\n"));
        Drift d = state.check(spec(Map.of("name", "memcached")));
        assertEquals(List.of(Change.of("memcached", null, "1.6.18-1")), d.changes());
    }

    @Test
    void noStartDeniesServiceStartsDuringTheInstallAndRemovesThePolicyAfter() {
        host.dir("/usr").dir("/usr/sbin");
        apt.candidates.put("galera-4", "26.4.14-0+deb12u1");
        apt.indexAge = 10;
        List<String> policyDuringInstall = new ArrayList<>();
        apt.duringInstall = () -> policyDuringInstall.add(host.content("/usr/sbin/policy-rc.d").orElse("none"));
        var spec = spec(Map.of("name", "galera-4", "no_start", true));
        state.apply(spec, state.check(spec));
        assertEquals(List.of(AptBackend.DENY_ALL_POLICY), policyDuringInstall);
        assertTrue(policyDuringInstall.get(0).endsWith("exit 101\n"));
        assertEquals(List.of("write /usr/sbin/policy-rc.d", "run " + INSTALL + " galera-4", "delete /usr/sbin/policy-rc.d"), host.mutations());
        assertTrue(host.content("/usr/sbin/policy-rc.d").isEmpty());
    }

    @Test
    void noStartRestoresAnExistingPolicyEvenWhenTheInstallFails() {
        host.dir("/usr").dir("/usr/sbin");
        host.file("/usr/sbin/policy-rc.d", "#!/bin/sh\nexit 0\n", 0700, "root", "root");
        apt.candidates.put("galera-4", "26.4.14-0+deb12u1");
        apt.indexAge = 10;
        apt.failInstall = "E: Sub-process /usr/bin/dpkg returned an error code (1)";
        var spec = spec(Map.of("name", "galera-4", "no_start", true));
        HostException e = assertThrows(HostException.class, () -> state.apply(spec, state.check(spec)));
        assertTrue(e.getMessage().contains("exited 100: E: Sub-process /usr/bin/dpkg returned an error code (1)"), e.getMessage());
        assertEquals("#!/bin/sh\nexit 0\n", host.content("/usr/sbin/policy-rc.d").orElseThrow());
        assertTrue(host.tree().get(java.nio.file.Path.of("/usr/sbin/policy-rc.d")).startsWith("FILE 0700"));
    }

    @Test
    void installRecommendsIsExplicit() {
        apt.candidates.put("pacemaker", "2.1.5-1");
        apt.indexAge = 10;
        var spec = spec(Map.of("name", "pacemaker", "install_recommends", true));
        state.apply(spec, state.check(spec));
        assertTrue(host.mutations().get(0).endsWith("install --install-recommends pacemaker"), host.mutations().toString());
    }

    @Test
    void checkOnlyObserves() {
        apt.installed.put("socat", "1.7.4.4-2");
        var ro = new PkgInstalled(TestEnv.readOnly(TestEnv.debian(host)));
        Drift d = ro.check(spec(Map.of("pkgs", List.of("socat", "memcached"), "no_start", true, "refresh", true)));
        assertEquals(1, d.changes().size());
        assertTrue(host.mutations().isEmpty(), host.mutations().toString());
        assertTrue(host.commands().stream().noneMatch(c -> c.mutates()));
    }

    @Test
    void specErrorsNameTheProblem() {
        assertThrows(SpecException.class, () -> spec(Map.of("pkgs", List.of("a"), "version", "1")));
        assertTrue(assertThrows(SpecException.class, () -> spec(Map.of("pkgs", List.of("a", "a")))).getMessage().contains("twice"));
        assertThrows(SpecException.class, () -> spec(Map.of("pkgs", List.of(Map.of("a", "1", "b", "2")))));
        assertThrows(SpecException.class, () -> spec(Map.of("pkgs", List.of())));
        assertEquals("refresh", assertThrows(SpecException.class, () -> spec(Map.of("refresh", "sometimes"))).argument());
        assertTrue(assertThrows(SpecException.class, () -> spec(Map.of("no_strat", true))).getMessage().contains("no_start"));
    }

    @Test
    void anUnsupportedSystemIsAClearFailure() {
        var rhel = new PkgInstalled(new Env(host, Map.of("os_family", "RedHat"), Templates.NONE));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> rhel.check(spec(Map.of("name", "x"))));
        assertTrue(e.getMessage().contains("os_family 'RedHat'"), e.getMessage());
    }
}
