package io.jstate.states.kinds.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Plan;
import io.jstate.states.engine.Requisite;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.Runner;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.Step;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.kinds.TestEnv;
import io.jstate.states.kinds.file.FileManaged;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CmdRunTest {

    static final String CMD = "galera_new_cluster";

    final FakeHost host = new FakeHost();
    final CmdRun state = new CmdRun(TestEnv.debian(host));

    static CmdRun.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(CmdRun.Spec.class, CMD, args);
    }

    static List<String> sh(String command) {
        return List.of("/bin/sh", "-c", command);
    }

    @Test
    void withoutGuardsTheCommandAlwaysRunsAndReportsItsOutput() {
        host.on(sh(CMD), e -> new ExecResult(0, "bootstrapped\n", "warning\n", false));
        var spec = spec(Map.of());
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("command", null, CMD)), d.changes());
        assertTrue(host.commands().isEmpty());
        Applied a = state.apply(spec, d);
        assertEquals(Map.of("retcode", "0", "stdout", "bootstrapped\n", "stderr", "warning\n"), a.data());
        assertEquals(List.of("run /bin/sh -c " + CMD), host.mutations());
        assertFalse(state.recheck());
    }

    @Test
    void createsSkipsWhenEveryPathExists() {
        host.dir("/var").dir("/var/lib").file("/var/lib/galera-bootstrapped", "");
        assertTrue(state.check(spec(Map.of("creates", "/var/lib/galera-bootstrapped"))).inSync());
        assertFalse(state.check(spec(Map.of("creates", List.of("/var/lib/galera-bootstrapped", "/var/lib/other")))).inSync());
        assertTrue(host.commands().isEmpty());
    }

    @Test
    void unlessSkipsWhenEveryGuardSucceeds() {
        host.on(sh("test -d /var/lib/mysql/mysql"), e -> ExecResult.ok(""));
        host.on(sh("pidof mariadbd"), e -> ExecResult.fail(1, ""));
        assertTrue(state.check(spec(Map.of("unless", "test -d /var/lib/mysql/mysql"))).inSync());
        assertFalse(state.check(spec(Map.of("unless", List.of("test -d /var/lib/mysql/mysql", "pidof mariadbd")))).inSync());
        assertEquals(List.of("/bin/sh -c test -d /var/lib/mysql/mysql", "/bin/sh -c test -d /var/lib/mysql/mysql", "/bin/sh -c pidof mariadbd"),
                host.commandLines());
        assertTrue(host.commands().stream().noneMatch(Exec::mutates));
    }

    @Test
    void onlyifSkipsWhenAnyGuardFails() {
        host.on(sh("true"), e -> ExecResult.ok(""));
        host.on(sh("false"), e -> ExecResult.fail(1, ""));
        assertFalse(state.check(spec(Map.of("onlyif", "true"))).inSync());
        assertTrue(state.check(spec(Map.of("onlyif", List.of("true", "false")))).inSync());
    }

    @Test
    void cwdEnvAndRunasReachTheCommandAndItsGuards() {
        host.on(sh("rabbitmqctl await_startup"), e -> ExecResult.fail(1, ""));
        host.on(sh(CMD), e -> ExecResult.ok(""));
        var spec = spec(Map.of("cwd", "/var/lib/rabbitmq", "env", Map.of("HOME", "/var/lib/rabbitmq", "N", 2),
                "runas", "rabbitmq", "unless", "rabbitmqctl await_startup"));
        state.apply(spec, state.check(spec));
        for (Exec e : host.commands()) {
            assertEquals(Path.of("/var/lib/rabbitmq"), e.cwd());
            assertEquals(Map.of("HOME", "/var/lib/rabbitmq", "N", "2"), e.env());
            assertEquals("rabbitmq", e.runas());
        }
        assertEquals(2, host.commands().size());
    }

    @Test
    void aFailingCommandFailsTheStateQuotingTheEndOfItsErrors() {
        host.on(sh(CMD), e -> ExecResult.fail(1, "x".repeat(5000) + "\nERROR: wsrep_cluster_address is not set\n"));
        HostException e = assertThrows(HostException.class, () -> state.apply(spec(Map.of()), Drift.NONE));
        assertTrue(e.getMessage().startsWith("command exited 1: ..."), e.getMessage());
        assertTrue(e.getMessage().endsWith("ERROR: wsrep_cluster_address is not set"), e.getMessage());
        assertTrue(e.getMessage().length() < CmdRun.TAIL_CHARS + 40);
    }

    @Test
    void successRetcodesWidenSuccess() {
        host.on(sh(CMD), e -> new ExecResult(2, "partial\n", "", false));
        Applied a = state.apply(spec(Map.of("success_retcodes", List.of(0, 2))), Drift.NONE);
        assertEquals("2", a.data().get("retcode"));
        HostException e = assertThrows(HostException.class, () -> state.apply(spec(Map.of()), Drift.NONE));
        assertEquals("command exited 2: partial", e.getMessage());
    }

    @Test
    void aTimeoutIsAFailure() {
        host.on(sh(CMD), e -> new ExecResult(-1, "", "", true));
        HostException e = assertThrows(HostException.class, () -> state.apply(spec(Map.of()), Drift.NONE));
        assertEquals("command timed out after 600s", e.getMessage());
    }

    @Test
    void aWatchedChangeRunsTheCommandOnceAndHonoursGuards() {
        host.on(sh(CMD), e -> ExecResult.ok(""));
        var spec = spec(Map.of());
        assertEquals(List.of(), state.react(spec, true));
        assertTrue(host.commands().isEmpty());
        assertEquals(List.of(Change.of("command", null, CMD)), state.react(spec, false));
        assertEquals(List.of("run /bin/sh -c " + CMD), host.mutations());

        host.clear();
        host.file("/done", "");
        assertEquals(List.of(), state.react(spec(Map.of("creates", "/done")), false));
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void checkAndWouldReactOnlyObserve() {
        host.on(sh("test -f /etc/ready"), e -> ExecResult.fail(1, ""));
        var ro = new CmdRun(TestEnv.readOnly(TestEnv.debian(host)));
        var spec = spec(Map.of("unless", "test -f /etc/ready", "creates", "/nope"));
        assertEquals(1, ro.check(spec).changes().size());
        assertEquals(List.of(), ro.wouldReact(spec), "the reaction repeats check and apply, which the dry run shows already");
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void aDryRunShowsAWatchingCommandOnceAsTheRealRunRunsItOnce() {
        host.dir("/etc");
        host.on(sh(CMD), e -> ExecResult.ok(""));
        Step conf = new Step(0, "conf", "file.managed", SpecBinder.bind(FileManaged.Spec.class, "/etc/galera.cnf", Map.of("contents", "x\n")),
                new Source("test", "test.sls", 1), List.of(), null);
        Step cmd = new Step(1, "bootstrap", "cmd.run", spec(Map.of()), new Source("test", "test.sls", 5),
                List.of(new Step.Edge(Requisite.WATCH, 0)), null);
        Plan plan = new Plan(List.of(conf, cmd), Secrets.NONE);
        Runner runner = new Runner(Kinds.registry(), TestEnv.debian(host), RunListener.NONE);
        Outcome dry = runner.run(plan, true).results().get(1).outcome();
        assertEquals(List.of(Change.of("command", null, CMD)), dry.changeList());
        Outcome real = runner.run(plan, false).results().get(1).outcome();
        assertEquals(List.of(Change.of("command", null, CMD)), real.changeList());
        assertEquals(1, host.commandLines().stream().filter(c -> c.equals("/bin/sh -c " + CMD)).count());
    }

    @Test
    void specErrorsNameTheProblem() {
        assertThrows(SpecException.class, () -> spec(Map.of("cwd", "relative/dir")));
        assertThrows(SpecException.class, () -> spec(Map.of("creates", "relative")));
        // The state's time limit is the engine's `timeout` option, which also kills the command.
        assertEquals("timeout", assertThrows(SpecException.class, () -> spec(Map.of("timeout", 5))).argument());
        assertEquals("env", assertThrows(SpecException.class, () -> spec(Map.of("env", "A=1"))).argument());
    }
}
