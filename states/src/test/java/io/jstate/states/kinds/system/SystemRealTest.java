package io.jstate.states.kinds.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system kinds against this machine's real tools: accounts and kernel parameters only read,
 * files written only below a temporary root (so the real /etc/hosts and sysctl.d stay untouched).
 */
@Tag("real")
@Timeout(30)
class SystemRealTest {

    @TempDir
    Path root;

    final io.jstate.states.engine.Env readOnly = TestEnv.readOnly(TestEnv.debian(LocalHost.system()));

    @Test
    void rootAccountIsReadThroughGetentAndId() {
        assertTrue(new UserPresent(readOnly).check(SpecBinder.bind(UserPresent.Spec.class, "root",
                Map.of("uid", 0, "gid", "root", "groups", List.of("root"), "home", "/root"))).inSync());
        assertTrue(new GroupPresent(readOnly).check(SpecBinder.bind(GroupPresent.Spec.class, "root", Map.of("gid", 0))).inSync());
        Drift d = new UserPresent(readOnly).check(SpecBinder.bind(UserPresent.Spec.class, "jstate-no-such-user", Map.of()));
        assertEquals(List.of(Change.of("user", null, "jstate-no-such-user")), d.changes());
        assertEquals(List.of(Change.of("group", null, "jstate-no-such-group")),
                new GroupPresent(readOnly).check(SpecBinder.bind(GroupPresent.Spec.class, "jstate-no-such-group", Map.of())).changes());
    }

    @Test
    void sysctlReadsTheLiveKernelAndPersistsBelowATemporaryRoot() throws Exception {
        var env = TestEnv.debian(LocalHost.under(root));
        var spec = SpecBinder.bind(SysctlPresent.Spec.class, "kernel.ostype", Map.of("value", "Linux"));
        Drift d = new SysctlPresent(TestEnv.readOnly(env)).check(spec);
        assertEquals(List.of(Change.of("config", null, "Linux")), d.changes());
        new SysctlPresent(env).apply(spec, d);
        assertEquals("kernel.ostype = Linux\n", Files.readString(root.resolve("etc/sysctl.d/99-jstate.conf")));
        assertTrue(new SysctlPresent(TestEnv.readOnly(env)).check(spec).inSync());
    }

    @Test
    void hostsFileIsRewrittenAtomicallyBelowATemporaryRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n127.0.1.1 ctl1\n");
        var env = TestEnv.debian(LocalHost.under(root));
        var spec = SpecBinder.bind(HostPresent.Spec.class, "ctl1", Map.of("ip", "10.77.0.11"));
        Drift d = new HostPresent(TestEnv.readOnly(env)).check(spec);
        assertEquals(List.of(Change.of("ctl1", "127.0.1.1", "10.77.0.11")), d.changes());
        new HostPresent(env).apply(spec, d);
        assertEquals("127.0.0.1 localhost\n10.77.0.11\tctl1\n", Files.readString(root.resolve("etc/hosts")));
        assertTrue(new HostPresent(TestEnv.readOnly(env)).check(spec).inSync());
    }
}
