package io.jstate.states.kinds.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.FakeHost;
import io.jstate.states.kinds.TestEnv;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostPresentTest {

    static final String DEBIAN = """
            127.0.0.1\tlocalhost
            127.0.1.1\tctl1.lab ctl1

            # The following lines are desirable for IPv6 capable hosts
            ::1     localhost ip6-localhost ip6-loopback
            ff02::1 ip6-allnodes
            """;

    final FakeHost host = new FakeHost().dir("/etc");
    final HostPresent state = new HostPresent(TestEnv.debian(host));

    static HostPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(HostPresent.Spec.class, "ctl1", args);
    }

    @Test
    void movesTheHostnameOffTheLoopbackAliasKeepingEverythingElse() {
        host.file("/etc/hosts", DEBIAN, 0644, "root", "root");
        var spec = spec(Map.of("ip", "10.77.0.11", "names", List.of("ctl1.lab", "ctl1")));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("ctl1.lab", "127.0.1.1", "10.77.0.11"), Change.of("ctl1", "127.0.1.1", "10.77.0.11")), d.changes());
        state.apply(spec, d);
        assertEquals("""
                127.0.0.1\tlocalhost

                # The following lines are desirable for IPv6 capable hosts
                ::1     localhost ip6-localhost ip6-loopback
                ff02::1 ip6-allnodes
                10.77.0.11\tctl1.lab ctl1
                """, host.content("/etc/hosts").orElseThrow());
        assertEquals(List.of("write /etc/hosts"), host.mutations());
        assertTrue(state.check(spec).inSync());
        host.clear();
        state.apply(spec, Drift.NONE);
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void addsNamesToTheLineOfTheAddressAndStripsThemFromOthersKeepingTheirComments() {
        host.file("/etc/hosts", """
                127.0.0.1 localhost
                10.77.0.12 ctl2 rabbit-mgmt # set by hand
                10.77.0.11 ctl1 # this host
                """);
        var spec = SpecBinder.bind(HostPresent.Spec.class, "x", Map.of("ip", "10.77.0.11", "names", List.of("ctl1", "RABBIT-MGMT")));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("RABBIT-MGMT", "10.77.0.12", "10.77.0.11")), d.changes());
        state.apply(spec, d);
        assertEquals("""
                127.0.0.1 localhost
                10.77.0.12\tctl2 # set by hand
                10.77.0.11\tctl1 RABBIT-MGMT # this host
                """, host.content("/etc/hosts").orElseThrow());
    }

    @Test
    void theOtherAddressFamilyIsNoConflict() {
        host.file("/etc/hosts", "fd00::11 ctl1\n");
        var spec = spec(Map.of("ip", "10.77.0.11"));
        assertEquals(List.of(Change.of("ctl1", null, "10.77.0.11")), state.check(spec).changes());
        state.apply(spec, state.check(spec));
        assertEquals("fd00::11 ctl1\n10.77.0.11\tctl1\n", host.content("/etc/hosts").orElseThrow());
    }

    @Test
    void aNameOnTwoLinesOfTheRightAddressIsInSyncButAnExtraAddressIsNot() {
        host.file("/etc/hosts", "10.77.0.11 ctl1\n10.77.0.11 ctl1 other\n");
        assertTrue(state.check(spec(Map.of("ip", "10.77.0.11"))).inSync());
        host.file("/etc/hosts", "10.77.0.11 ctl1\n10.77.0.99 ctl1\n");
        assertEquals(List.of(Change.of("ctl1", "10.77.0.11,10.77.0.99", "10.77.0.11")), state.check(spec(Map.of("ip", "10.77.0.11"))).changes());
    }

    @Test
    void createsAMissingFile() {
        var spec = spec(Map.of("ip", "10.77.0.11"));
        state.apply(spec, state.check(spec));
        assertEquals("10.77.0.11\tctl1\n", host.content("/etc/hosts").orElseThrow());
        assertTrue(host.tree().get(Path.of("/etc/hosts")).startsWith("FILE 0644"));
    }

    @Test
    void checkOnlyObserves() {
        host.file("/etc/hosts", DEBIAN);
        var ro = new HostPresent(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(1, ro.check(spec(Map.of("ip", "10.77.0.11"))).changes().size());
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void badAddressesAndNamesAreRejected() {
        assertThrows(SpecException.class, () -> spec(Map.of()));
        assertThrows(SpecException.class, () -> spec(Map.of("ip", "ctl1")));
        assertThrows(SpecException.class, () -> spec(Map.of("ip", "10.0.0.1", "names", List.of("a b"))));
        assertThrows(SpecException.class, () -> spec(Map.of("ip", "10.0.0.1", "names", List.of())));
    }
}
