package io.jstate.states.kinds.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.Step;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.TestEnv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceRunningTest {

    final FakeHost host = new FakeHost();
    final FakeInit memcached = new FakeInit(host, "memcached");
    final ServiceRunning state = new ServiceRunning(TestEnv.debian(host));

    static ServiceRunning.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(ServiceRunning.Spec.class, "memcached", args);
    }

    @Test
    void aRunningServiceIsInSyncAndEnableNullLeavesBootAlone() {
        memcached.running = true;
        assertTrue(state.check(spec(Map.of())).inSync());
        assertEquals(List.of("/etc/init.d/memcached status"), host.commandLines());
    }

    @Test
    void startsAndEnablesAStoppedServiceThenIsInSync() {
        var spec = spec(Map.of("enable", true));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("running", false, true), Change.of("enabled", false, true)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run /etc/init.d/memcached start", "run update-rc.d memcached defaults"), host.mutations());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void aServiceDisabledBeforeIsReEnabledNotGivenDefaults() {
        memcached.running = true;
        memcached.disabled();
        var spec = spec(Map.of("enable", true));
        state.apply(spec, state.check(spec));
        assertEquals(List.of("run update-rc.d memcached enable"), host.mutations());
    }

    @Test
    void enableFalseDisables() {
        memcached.running = true;
        memcached.enabled();
        var spec = spec(Map.of("enable", false));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("enabled", true, false)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run update-rc.d memcached disable"), host.mutations());
    }

    @Test
    void aMissingInitScriptShowsAsDriftAndFailsClearlyOnApply() {
        var state = new ServiceRunning(TestEnv.debian(new FakeHost()));
        var spec = SpecBinder.bind(ServiceRunning.Spec.class, "rabbitmq-server", Map.of());
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("running", false, true)), d.changes());
        HostException e = assertThrows(HostException.class, () -> state.apply(spec, d));
        assertEquals("service 'rabbitmq-server' has no init script /etc/init.d/rabbitmq-server; is the package that provides it installed?", e.getMessage());
    }

    @Test
    void aFailedStartQuotesTheScript() {
        memcached.failStart = "memcached: cannot bind 127.0.0.1:11211";
        var spec = spec(Map.of());
        HostException e = assertThrows(HostException.class, () -> state.apply(spec, state.check(spec)));
        assertEquals("'/etc/init.d/memcached start' exited 1: memcached: cannot bind 127.0.0.1:11211", e.getMessage());
    }

    /** RabbitMQ with its VM up and app stopped: the init script's status and start are the wrong tools. */
    @Test
    void aStatusAndAStartCommandReplaceTheInitScripts() {
        boolean[] up = {false};
        host.on(List.of("/bin/sh", "-c", "rabbitmq-node status"), e -> up[0] ? ExecResult.ok("running") : ExecResult.fail(1, "app-stopped"));
        host.on(List.of("/bin/sh", "-c", "rabbitmq-node start"), e -> {
            up[0] = true;
            return ExecResult.ok("");
        });
        var spec = SpecBinder.bind(ServiceRunning.Spec.class, "memcached", Map.of("status", "rabbitmq-node status", "start", "rabbitmq-node start"));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("running", false, true)), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run /bin/sh -c rabbitmq-node start"), host.mutations());
        assertTrue(state.check(spec).inSync());
        assertTrue(host.commandLines().stream().noneMatch(c -> c.startsWith("/etc/init.d/")), host.commandLines().toString());
    }

    @Test
    void aStartThatHangsIsStoppedAtItsBoundWithTheEndOfTheLog() {
        host.file("/var/log/memcached.log", "line 1\nline 2\n".repeat(10) + "waiting for peers\n");
        host.on(List.of("/etc/init.d/memcached", "start"), e -> {
            assertEquals(java.time.Duration.ofSeconds(30), e.timeout());
            return new ExecResult(-1, "", "", true);
        });
        var spec = SpecBinder.bind(ServiceRunning.Spec.class, "memcached", Map.of("start_timeout", 30, "log", "/var/log/memcached.log"));
        HostException e = assertThrows(HostException.class, () -> state.apply(spec, state.check(spec)));
        assertTrue(e.getMessage().startsWith("'/etc/init.d/memcached start' timed out after 30s; the last lines of /var/log/memcached.log:\n"), e.getMessage());
        assertTrue(e.getMessage().endsWith("line 2\nwaiting for peers"), e.getMessage());
        assertEquals(ServiceRunning.LOG_LINES + 1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void anUnknownStatusIsAnErrorNotAGuess() {
        memcached.statusCode = 4;
        HostException e = assertThrows(HostException.class, () -> state.check(spec(Map.of())));
        assertTrue(e.getMessage().contains("exited 4 (LSB: status unknown), asked 9 times over 2.0 s"), e.getMessage());
    }

    @Test
    void anUnknownStatusForAMomentIsAskedAgain() {
        // keepalived just started: its pid file exists but is still empty, and start-stop-daemon answers 4.
        host.file("/etc/init.d/keepalived", "#!/bin/sh\nDAEMON=/usr/sbin/keepalived\nNAME=keepalived\n"
                + "case \"$1\" in\n start) start-stop-daemon --start --quiet --pidfile /var/run/$NAME.pid --exec $DAEMON ;;\nesac\n", 0755, "root", "root");
        List<String> ask = List.of("start-stop-daemon", "--status", "--pidfile", "/var/run/keepalived.pid", "--exec", "/usr/sbin/keepalived");
        int[] asked = {0};
        host.on(ask, e -> ++asked[0] < 3 ? ExecResult.fail(4, "") : ExecResult.ok(""));
        assertTrue(state.check(SpecBinder.bind(ServiceRunning.Spec.class, "keepalived", Map.of())).inSync());
        assertEquals(3, asked[0]);
    }

    @Test
    void aScriptWithoutAStatusActionIsAskedAboutThroughStartStopDaemon() {
        // keepalived's init script: start, stop, reload, restart, but no status (it prints its usage and exits 1).
        host.file("/etc/init.d/keepalived", "#!/bin/sh\nDAEMON=/usr/sbin/keepalived\nNAME=keepalived\n"
                + "case \"$1\" in\n start) start-stop-daemon --start --quiet --pidfile /var/run/$NAME.pid --exec $DAEMON ;;\n"
                + " *) echo \"Usage: /etc/init.d/keepalived {start|stop|restart|reload|force-reload}\"; exit 1 ;;\nesac\n", 0755, "root", "root");
        List<String> ask = List.of("start-stop-daemon", "--status", "--pidfile", "/var/run/keepalived.pid", "--exec", "/usr/sbin/keepalived");
        host.on(ask, e -> ExecResult.fail(3, ""));
        ServiceRunning keepalived = new ServiceRunning(TestEnv.debian(new io.jstate.states.engine.ReadOnlyHost(host)));
        ServiceRunning.Spec spec = SpecBinder.bind(ServiceRunning.Spec.class, "keepalived", Map.of());
        assertEquals(List.of(Change.of("running", false, true)), keepalived.check(spec).changes());
        host.on(ask, e -> ExecResult.ok(""));
        assertTrue(keepalived.check(spec).inSync());
        assertTrue(host.commandLines().stream().noneMatch(c -> c.startsWith("/etc/init.d/keepalived status")), host.commandLines().toString());
    }

    @Test
    void applyStartsOnceWithoutWaitingAndLeavesTheWaitToTheEngine() {
        host.on(List.of("/etc/init.d/memcached", "status"), e -> new ExecResult(3, "", "", false));
        Drift d = state.check(spec(Map.of()));
        state.apply(spec(Map.of()), d);
        assertEquals(List.of("/etc/init.d/memcached status", "/etc/init.d/memcached start"), host.commandLines());
        assertEquals(0L, host.nanoTime(), "apply never sleeps");
        assertEquals(new Step.Retry(50, Duration.ofMillis(200)), state.settle(spec(Map.of())));
    }

    @Test
    void aServiceThatSaysItRunsOnlyAMomentAfterItsStartIsWaitedForByTheEngine() {
        // The script returns at once; the daemon writes its pid file a little later (two more status calls).
        int[] calls = {0};
        host.on(List.of("/etc/init.d/memcached", "status"), e -> new ExecResult(memcached.running && ++calls[0] > 2 ? 0 : 3, "", "", false));
        Changed c = assertInstanceOf(Changed.class, TestEnv.run(TestEnv.debian(host), "service.running", spec(Map.of())));
        assertEquals("in sync after 3 checks over 0.4s", c.comment());
        assertEquals(List.of("run /etc/init.d/memcached start"), host.mutations(), "started once");
    }

    @Test
    void aServiceThatNeverSaysItRunsFailsAfterTheEnginesTenSeconds() {
        host.on(List.of("/etc/init.d/memcached", "status"), e -> new ExecResult(3, "", "", false));
        Failed f = assertInstanceOf(Failed.class, TestEnv.run(TestEnv.debian(host), "service.running", spec(Map.of())));
        assertEquals("still differs after apply (50 checks over 9.8s): running false -> true", f.error());
        assertEquals(List.of("run /etc/init.d/memcached start"), host.mutations(), "started once");
    }

    @Test
    void staleLockOrPidFilesMeanStopped() {
        memcached.statusCode = 1;
        assertEquals(List.of(Change.of("running", false, true)), state.check(spec(Map.of())).changes());
    }

    @Test
    void systemdNamesWorkWithInitScripts() {
        memcached.running = true;
        assertTrue(state.check(SpecBinder.bind(ServiceRunning.Spec.class, "memcached.service", Map.of())).inSync());
    }

    @Test
    void aWatchedChangeRestartsARunningService() throws Exception {
        memcached.running = true;
        assertEquals(List.of(Change.of("service", "running", "restarted")), state.react(spec(Map.of()), false));
        assertEquals(List.of("run /etc/init.d/memcached restart"), host.mutations());
    }

    @Test
    void reloadReloadsInstead() throws Exception {
        memcached.running = true;
        assertEquals(List.of(Change.of("service", "running", "reloaded")), state.react(spec(Map.of("reload", true)), false));
        assertEquals(List.of("run /etc/init.d/memcached reload"), host.mutations());
    }

    @Test
    void aServiceJustStartedInThisRunIsNotRestarted() throws Exception {
        var spec = spec(Map.of());
        state.apply(spec, state.check(spec));
        host.clear();
        assertEquals(List.of(), state.react(spec, true));
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void onlyBeingEnabledStillRestartsOnAWatchedChange() throws Exception {
        memcached.running = true;
        var spec = spec(Map.of("enable", true));
        state.apply(spec, state.check(spec));
        host.clear();
        assertEquals(List.of(Change.of("service", "running", "restarted")), state.react(spec, true));
        assertEquals(List.of("run /etc/init.d/memcached restart"), host.mutations());
    }

    @Test
    void aWatchedChangeStartsAStoppedService() throws Exception {
        assertEquals(List.of(Change.of("running", false, true)), state.react(spec(Map.of()), false));
        assertEquals(List.of("run /etc/init.d/memcached start"), host.mutations());
    }

    @Test
    void checkAndWouldReactOnlyObserve() {
        var ro = new ServiceRunning(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(2, ro.check(spec(Map.of("enable", true))).changes().size());
        assertEquals(List.of(), ro.wouldReact(spec(Map.of())));
        memcached.running = true;
        assertEquals(List.of(Change.of("service", "running", "restarted")), ro.wouldReact(spec(Map.of())));
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void systemdUsesSystemctl() throws Exception {
        FakeHost h = new FakeHost();
        boolean[] active = {false};
        h.on(List.of("systemctl", "--no-pager", "--quiet", "is-active"), e -> active[0] ? ExecResult.ok("") : ExecResult.fail(3, ""));
        h.on(List.of("systemctl", "--no-pager", "--quiet", "is-enabled"), e -> ExecResult.fail(1, ""));
        h.on(List.of("systemctl", "--no-pager", "--quiet", "start"), e -> {
            active[0] = true;
            return ExecResult.ok("");
        });
        h.on(List.of("systemctl", "--no-pager", "--quiet", "enable"), e -> ExecResult.ok(""));
        h.on(List.of("systemctl", "--no-pager", "--quiet", "restart"), e -> ExecResult.ok(""));
        var state = new ServiceRunning(TestEnv.systemd(h));
        var spec = SpecBinder.bind(ServiceRunning.Spec.class, "haproxy", Map.of("enable", true));
        Drift d = state.check(spec);
        assertEquals(2, d.changes().size());
        state.apply(spec, d);
        state.react(new ServiceRunning.Spec("haproxy", null, false), false);
        assertEquals(List.of(
                "run systemctl --no-pager --quiet start haproxy",
                "run systemctl --no-pager --quiet enable haproxy",
                "run systemctl --no-pager --quiet restart haproxy"), h.mutations());
        assertEquals(List.of(
                "systemctl --no-pager --quiet is-active haproxy",
                "systemctl --no-pager --quiet is-enabled haproxy"), h.commandLines().subList(0, 2));
    }

    @Test
    void aNameThatIsNoServiceNameIsRejected() {
        assertThrows(SpecException.class, () -> SpecBinder.bind(ServiceRunning.Spec.class, "../../bin/sh", Map.of()));
        assertThrows(SpecException.class, () -> spec(Map.of("enable", "maybe")));
    }
}
