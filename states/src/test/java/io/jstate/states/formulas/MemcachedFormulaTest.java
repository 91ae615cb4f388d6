package io.jstate.states.formulas;

import static io.jstate.states.formulas.Formulas.compile;
import static io.jstate.states.formulas.Formulas.ids;
import static io.jstate.states.formulas.Formulas.rendered;
import static io.jstate.states.formulas.Formulas.requisites;
import static io.jstate.states.formulas.Formulas.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jstate.states.engine.Plan;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.kinds.wait.WaitFor;
import io.jstate.states.lang.Compiled;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemcachedFormulaTest {

    private static String conf(String listen) {
        return """
                # Managed by jstate (formula memcached): local edits are overwritten.
                -d
                logfile /var/log/memcached.log
                -m %s
                -p 11211
                -u memcache
                -l %s
                -c 4096
                -U 0
                -P /var/run/memcached/memcached.pid
                """.formatted(listen.startsWith("127.0.0.1,") ? "256" : "128", listen);
    }

    @Test
    void inTheLabEachControllerListensOnLoopbackAndItsOwnManagementAddress() {
        for (String n : List.of("1", "2", "3")) {
            Compiled c = compile("ctl" + n, "memcached");
            Plan plan = c.plan();
            assertEquals("memcached-pkg memcached-conf memcached-service memcached-listening", ids(plan));
            assertEquals(conf("127.0.0.1,10.77.0.1" + n), rendered(c, "memcached-conf"));
            PkgInstalled.Spec pkg = spec(plan, "memcached-pkg", PkgInstalled.Spec.class);
            assertEquals("memcached", pkg.name());
            assertNull(pkg.refresh(), "the lab refreshes apt's index only when needed");
            assertEquals(new ServiceRunning.Spec("memcached", true, false), spec(plan, "memcached-service", ServiceRunning.Spec.class));
            assertEquals(List.of("watch:memcached-conf"), requisites(plan, "memcached-service"));
            assertEquals("tcp 127.0.0.1:11211", spec(plan, "memcached-listening", WaitFor.Spec.class).condition());
        }
    }

    @Test
    void theHealthGateProbesTheManagementAddress() {
        Plan plan = compile("ctl3", "memcached.health").plan();
        assertEquals("memcached-listening-management", ids(plan));
        WaitFor.Spec w = spec(plan, "memcached-listening-management", WaitFor.Spec.class);
        assertEquals("tcp 10.77.0.13:11211", w.condition());
        assertEquals(20, w.attempts());
    }

    @Test
    void theQuickstartPillarKeepsMemcachedOnLoopbackOnly() {
        Compiled c = Formulas.compile(Formulas.REPO.resolve("examples/quickstart/pillar"), "quickstart", "memcached");
        assertEquals("memcached-pkg memcached-conf memcached-service memcached-listening", ids(c.plan()));
        assertEquals(conf("127.0.0.1"), rendered(c, "memcached-conf"));
        assertEquals(Boolean.FALSE, spec(c.plan(), "memcached-pkg", PkgInstalled.Spec.class).refresh());
    }
}
