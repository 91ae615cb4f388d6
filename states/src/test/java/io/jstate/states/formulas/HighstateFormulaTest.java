package io.jstate.states.formulas;

import static io.jstate.states.formulas.Formulas.requisites;
import static io.jstate.states.formulas.Formulas.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Plan;
import io.jstate.states.engine.Step;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.kinds.cmd.CmdRun;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled tree's top.sls, compiled for a lab controller as `jstate apply highstate` does. */
class HighstateFormulaTest {

    private static Plan highstate(String minion) {
        Map<String, Object> grains = new HashMap<>(Formulas.GRAINS);
        grains.put("roles", List.of("controller"));
        return new Compiler(Kinds.registry()).compile(new CompileRequest(Formulas.STATES, Formulas.LAB_PILLAR, grains, minion,
                List.of(), List.of("highstate"), Map.of())).plan();
    }

    private static List<String> ids(Plan plan) {
        return plan.steps().stream().map(Step::id).toList();
    }

    @Test
    void aControllerGetsItsNodeStatesButNoClusterWideObjects() {
        List<String> ids = ids(highstate("ctl2"));
        for (String id : List.of("hosts-ctl1", "galera-cnf", "galera-service", "clustercheck-packages", "haproxy-service", "keepalived-conf",
                "rabbitmq-service", "rabbitmq-cluster-joined", "memcached-conf", "galera-cluster-runs", "rabbitmq-cluster-runs")) {
            assertTrue(ids.contains(id), id + " in " + ids);
        }
        // Set once on one node by the orchestration: never by a per-node highstate.
        for (String id : List.of("galera-bootstrap-service", "galera-sst-user", "rabbitmq-vhost", "rabbitmq-user", "openstack-db-keystone")) {
            assertFalse(ids.contains(id), id + " in " + ids);
        }
        assertTrue(ids.indexOf("galera-service") < ids.indexOf("rabbitmq-service"), "Galera first, as the orchestration");
    }

    /** A node whose daemon is down starts only when a peer of its cluster runs: a highstate never starts a new cluster. */
    @Test
    void theDaemonsStartOnlyWhenTheirClusterRuns() {
        Plan plan = highstate("ctl1");
        assertTrue(requisites(plan, "galera-service").contains("require:galera-cluster-runs"), requisites(plan, "galera-service").toString());
        assertTrue(requisites(plan, "galera-restart-for-config").contains("require:galera-cluster-runs"));
        assertTrue(requisites(plan, "rabbitmq-service").contains("require:rabbitmq-cluster-runs"), requisites(plan, "rabbitmq-service").toString());
        assertTrue(requisites(plan, "rabbitmq-cluster-name").contains("require:rabbitmq-cluster-runs"), requisites(plan, "rabbitmq-cluster-name").toString());
        CmdRun.Spec galera = spec(plan, "galera-cluster-runs", CmdRun.Spec.class);
        assertEquals(List.of("/usr/local/sbin/galera-status running"
                + " || timeout 3 bash -c '</dev/tcp/10.77.0.11/4567' 2>/dev/null"
                + " || timeout 3 bash -c '</dev/tcp/10.77.0.12/4567' 2>/dev/null"
                + " || timeout 3 bash -c '</dev/tcp/10.77.0.13/4567' 2>/dev/null"), galera.unless());
        assertTrue(galera.name().contains("run jstate orchestrate openstack-ha"), galera.name());
        CmdRun.Spec rabbit = spec(plan, "rabbitmq-cluster-runs", CmdRun.Spec.class);
        assertTrue(rabbit.unless().get(0).startsWith("/usr/local/sbin/rabbitmq-node status >/dev/null || timeout 3 bash -c '</dev/tcp/10.77.0.11/5672'"),
                rabbit.unless().toString());
    }
}
