package io.jstate.states.kinds.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checks against this machine's real dpkg and apt index, through the read-only view: nothing is installed. */
@Tag("real")
@Timeout(60)
class PkgRealTest {

    final PkgInstalled installed = new PkgInstalled(TestEnv.readOnly(TestEnv.debian(LocalHost.system())));
    final PkgRemoved removed = new PkgRemoved(TestEnv.readOnly(TestEnv.debian(LocalHost.system())));

    @Test
    void anInstalledPackageIsInSync() {
        assertTrue(installed.check(SpecBinder.bind(PkgInstalled.Spec.class, "coreutils", Map.of())).inSync());
        Drift d = removed.check(SpecBinder.bind(PkgRemoved.Spec.class, "coreutils", Map.of()));
        assertEquals("coreutils", d.changes().get(0).attribute());
        assertNotNull(d.changes().get(0).before());
    }

    @Test
    void aPackageThatIsNotInstalledIsDrift() {
        Drift d = installed.check(SpecBinder.bind(PkgInstalled.Spec.class, "x",
                Map.of("pkgs", List.of("coreutils", "jstate-no-such-package"))));
        assertEquals(1, d.changes().size());
        assertEquals("jstate-no-such-package", d.changes().get(0).attribute());
        assertEquals(null, d.changes().get(0).before());
        assertEquals(PkgInstalled.LATEST, d.changes().get(0).after());
        assertTrue(removed.check(SpecBinder.bind(PkgRemoved.Spec.class, "jstate-no-such-package", Map.of())).inSync());
    }

    @Test
    void theIndexAgeIsReadable() {
        var apt = new AptBackend(LocalHost.system());
        // This machine has fetched its index at some time in the last thousand years: proves the stat output parses.
        assertEquals(false, apt.indexOlderThan(java.time.Duration.ofDays(365_000)));
        assertTrue(apt.candidates(List.of("coreutils")).containsKey("coreutils"));
    }
}
