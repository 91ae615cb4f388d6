package io.jstate.states.kinds.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.HostException;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real shell commands confined to a temporary directory. */
@Tag("real")
@Timeout(30)
class CmdRunRealTest {

    @TempDir
    Path dir;

    final CmdRun state = new CmdRun(TestEnv.debian(LocalHost.system()));
    final CmdRun readOnly = new CmdRun(TestEnv.readOnly(TestEnv.debian(LocalHost.system())));

    CmdRun.Spec spec(String command, Map<String, Object> args) {
        return SpecBinder.bind(CmdRun.Spec.class, command, args);
    }

    @Test
    void createsMakesTheCommandIdempotent() {
        Path marker = dir.resolve("marker");
        var spec = spec("echo made > marker && echo \"$GREETING\"", Map.of("cwd", dir.toString(), "creates", marker.toString(),
                "env", Map.of("GREETING", "hello")));
        assertFalse(readOnly.check(spec).inSync());
        Applied a = state.apply(spec, state.check(spec));
        assertEquals("hello\n", a.data().get("stdout"));
        assertTrue(Files.exists(marker));
        assertTrue(readOnly.check(spec).inSync());
    }

    @Test
    void unlessAndOnlyifRunForReal() {
        Path flag = dir.resolve("flag");
        var unless = spec("true", Map.of("unless", "test -f " + flag));
        var onlyif = spec("true", Map.of("onlyif", List.of("true", "test -f " + flag)));
        assertFalse(readOnly.check(unless).inSync());
        assertTrue(readOnly.check(onlyif).inSync());
        state.apply(spec("touch " + flag, Map.of()), null);
        assertTrue(readOnly.check(unless).inSync());
        assertFalse(readOnly.check(onlyif).inSync());
    }

    @Test
    void failuresAndTimeoutsFailTheState() {
        HostException failed = assertThrows(HostException.class, () -> state.apply(spec("echo boom >&2; exit 3", Map.of()), null));
        assertEquals("command exited 3: boom", failed.getMessage());
        assertEquals("3", state.apply(spec("exit 3", Map.of("success_retcodes", List.of(0, 3))), null).data().get("retcode"));
    }

    @Test
    void theEnginesTimeoutInterruptKillsTheCommand() throws Exception {
        // At a state's `timeout` the engine interrupts the state's worker; the command must not outlive it.
        Path pidFile = dir.resolve("pid");
        var spec = spec("echo $$ > " + pidFile + "; exec sleep 20", Map.of());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                state.apply(spec, null);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) Thread.sleep(20);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the command runs");
        worker.interrupt();
        worker.join(10_000);
        assertFalse(worker.isAlive());
        assertTrue(thrown.get() instanceof HostException && thrown.get().getMessage().startsWith("interrupted while running"),
                String.valueOf(thrown.get()));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the command was killed");
    }
}
