package io.jstate.states.formulas;

import static io.jstate.states.formulas.Formulas.compile;
import static io.jstate.states.formulas.Formulas.ids;
import static io.jstate.states.formulas.Formulas.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jstate.states.engine.Plan;
import io.jstate.states.kinds.system.HostPresent;
import io.jstate.states.kinds.system.SysctlPresent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFormulaTest {

    @Test
    void everyControllerMapsEveryClusterNodeToItsManagementAddressAndAllowsNonLocalBinds() {
        for (String minion : List.of("ctl1", "ctl2", "ctl3")) {
            Plan plan = compile(minion, "hosts").plan();
            assertEquals("hosts-ctl1 hosts-ctl2 hosts-ctl3 hosts-ip-nonlocal-bind", ids(plan), minion);
            assertEquals(new HostPresent.Spec("hosts-ctl1", "10.77.0.11", List.of("ctl1")), spec(plan, "hosts-ctl1", HostPresent.Spec.class));
            assertEquals(new HostPresent.Spec("hosts-ctl2", "10.77.0.12", List.of("ctl2")), spec(plan, "hosts-ctl2", HostPresent.Spec.class));
            assertEquals(new HostPresent.Spec("hosts-ctl3", "10.77.0.13", List.of("ctl3")), spec(plan, "hosts-ctl3", HostPresent.Spec.class));
            assertEquals(new SysctlPresent.Spec("net.ipv4.ip_nonlocal_bind", "1", "/etc/sysctl.d/99-jstate.conf"),
                    spec(plan, "hosts-ip-nonlocal-bind", SysctlPresent.Spec.class));
        }
    }

    @Test
    void aTwoNodeClusterHasTwoEntries(@TempDir Path dir) {
        Plan plan = compile(Formulas.twoNodePillar(dir), "ctl1", "hosts").plan();
        assertEquals("hosts-ctl1 hosts-ctl2 hosts-ip-nonlocal-bind", ids(plan));
    }
}
