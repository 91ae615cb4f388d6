package io.jstate.states.formulas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.lang.Orchestration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every bundled orchestration parses, and every SLS its stages and gates apply compiles for every
 * lab controller with the lab pillar: a stage can never fail on a missing or broken SLS.
 */
class OrchestrationsCompileTest {
    private static final Set<String> RULES = Set.of("galera");

    private static List<Path> orchestrations() throws Exception {
        try (Stream<Path> s = Files.list(Formulas.STATES.resolve("orch"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyStageOfEveryBundledOrchestrationCompilesOnEveryController() throws Exception {
        List<Path> files = orchestrations();
        assertTrue(files.stream().anyMatch(p -> p.endsWith("openstack-ha.yaml")), files.toString());
        List<String> compiled = new ArrayList<>();
        for (Path f : files) {
            Orchestration o = Orchestration.parse("orch/" + f.getFileName(), Files.readString(f), RULES);
            for (Orchestration.Stage s : o.stages()) {
                List<String> sls = new ArrayList<>();
                if (s.apply() != null) sls.addAll(s.apply());
                sls.addAll(s.gate());
                if (sls.isEmpty()) continue;
                for (String id : List.of("ctl1", "ctl2", "ctl3")) {
                    assertFalse(Formulas.compile(id, sls.toArray(String[]::new)).plan().steps().isEmpty(), s.id() + " on " + id);
                }
                compiled.add(f.getFileName() + ":" + s.id());
            }
        }
        assertTrue(compiled.contains("openstack-ha.yaml:galera-join"), compiled.toString());
    }

    @Test
    void theOpenstackOrchestrationElectsBeforeItBootstrapsAndJoinsOneAtATime() throws Exception {
        Orchestration o = Orchestration.parse("orch/openstack-ha.yaml", Files.readString(Formulas.STATES.resolve("orch/openstack-ha.yaml")), RULES);
        List<String> ids = o.stages().stream().map(Orchestration.Stage::id).toList();
        assertTrue(ids.indexOf("galera-elect") < ids.indexOf("galera-bootstrap"));
        assertTrue(ids.indexOf("galera-bootstrap") < ids.indexOf("galera-join"));
        Orchestration.Stage join = o.stages().get(ids.indexOf("galera-join"));
        assertEquals("1", join.batch());
        Orchestration.Stage seed = o.stages().get(ids.indexOf("galera-bootstrap"));
        assertEquals("{{galera.seed}}", seed.target());
        assertEquals(new Orchestration.When("galera", "bootstrap", false), seed.when());
    }
}
