package io.jstate.states.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.PlanException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrchestrationTest {
    private static final Set<String> RULES = Set.of("galera");

    private static Orchestration parse(String text) {
        return Orchestration.parse("orch/t.yaml", text, RULES);
    }

    private static PlanException refused(String text) {
        return assertThrows(PlanException.class, () -> parse(text));
    }

    @Test
    void readsEveryKindOfStage() {
        Orchestration o = parse("""
                description: the backend
                stages:
                  - id: install
                    target: N@controllers
                    apply: galera
                  - id: elect
                    target: N@controllers
                    elect: galera
                  - id: seed
                    target: "{{galera.seed}}"
                    when: galera.bootstrap
                    apply: [galera.bootstrap, galera.users]
                    batch: 1
                    timeout: 900
                    pillar: {galera: {mode: "0644", on: ON}}
                    gate: galera.health
                  - id: uptime
                    target: '*'
                    when: not galera.bootstrap
                    run: cmd.run
                    args: [uptime, -p]
                """);
        assertEquals("the backend", o.description());
        assertEquals(List.of("install", "elect", "seed", "uptime"), o.stages().stream().map(Orchestration.Stage::id).toList());
        Orchestration.Stage install = o.stages().get(0);
        assertEquals(List.of("galera"), install.apply());
        assertEquals("", install.batch());
        assertNull(install.when());
        Orchestration.Stage seed = o.stages().get(2);
        assertEquals(9, seed.line());
        assertEquals(List.of("galera.bootstrap", "galera.users"), seed.apply());
        assertEquals("1", seed.batch());
        assertEquals(900_000, seed.timeoutMs());
        assertEquals(Map.of("galera", Map.of("mode", "0644", "on", "ON")), seed.pillar());
        assertEquals(List.of("galera.health"), seed.gate());
        assertEquals(new Orchestration.When("galera", "bootstrap", false), seed.when());
        Orchestration.Stage uptime = o.stages().get(3);
        assertEquals("cmd.run", uptime.function());
        assertEquals(List.of("uptime", "-p"), uptime.args());
        assertTrue(uptime.when().negated());
        assertEquals("elect galera", o.stages().get(1).describe());
        assertEquals("run cmd.run uptime -p", uptime.describe());
    }

    @Test
    void resolvesTargetsAndConditionsFromElections() {
        Map<String, Map<String, Object>> elected = Map.of("galera", Map.of("seed", "ctl2", "bootstrap", true, "order", List.of("ctl1", "ctl3")));
        assertEquals("ctl2", Orchestration.resolveTarget("{{galera.seed}}", elected));
        assertEquals("L@ctl1,ctl3 and G@roles:controller", Orchestration.resolveTarget("L@{{ galera.order }} and G@roles:controller", elected));
        assertTrue(Orchestration.holds(new Orchestration.When("galera", "bootstrap", false), elected));
        assertFalse(Orchestration.holds(new Orchestration.When("galera", "bootstrap", true), elected));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Orchestration.resolveTarget("{{galera.nope}}", elected));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Orchestration.holds(new Orchestration.When("galera", "seed", false), elected));
    }

    @Test
    void refusesWithFileLineAndStageId() {
        PlanException e = refused("""
                stages:
                  - id: one
                    target: '*'
                    aply: [x]
                """);
        assertTrue(e.getMessage().contains("orch/t.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains("4"), e.getMessage());
        assertTrue(e.getMessage().contains("one"), e.getMessage());
        assertTrue(e.getMessage().contains("apply"), "did you mean: " + e.getMessage());
    }

    @Test
    void refusesBadStages() {
        assertTrue(refused("stages: []").getMessage().contains("no stages"));
        assertTrue(refused("stages:\n  - id: a\n    apply: x\n").getMessage().contains("no 'target'"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n").getMessage().contains("exactly one of"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    apply: x\n    run: test.ping\n").getMessage().contains("exactly one of"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    apply: x\n  - id: a\n    target: '*'\n    apply: y\n")
                .getMessage().contains("duplicate stage id"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    elect: raft\n").getMessage().contains("unknown election rule 'raft'"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    apply: x\n    batch: 0\n").getMessage().contains("batch"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    apply: x\n    timeout: -1\n").getMessage().contains("timeout"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    apply: x\n    when: bootstrap\n").getMessage().contains("RULE.VALUE"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    apply: x\n    args: [y]\n").getMessage().contains("'args'"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    elect: galera\n    gate: x\n").getMessage().contains("no gate"));
        assertTrue(refused("stages: [\n").getMessage().contains("orch/t.yaml"));
        assertTrue(refused("stages:\n  - id: a\n    target: '*'\n    apply: x\n    optional: maybe\n").getMessage().contains("optional must be true or false"));
        assertTrue(parse("stages:\n  - id: a\n    target: '*'\n    apply: x\n    optional: true\n").stages().get(0).optional());
    }

    @Test
    void refusesAReferenceToAnElectionNoEarlierStageHolds() {
        PlanException e = refused("""
                stages:
                  - id: seed
                    target: "{{galera.seed}}"
                    apply: galera.bootstrap
                  - id: elect
                    target: '*'
                    elect: galera
                """);
        assertTrue(e.getMessage().contains("no earlier stage"), e.getMessage());
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        PlanException w = refused("stages:\n  - id: a\n    target: '*'\n    when: galera.bootstrap\n    apply: x\n");
        assertTrue(w.getMessage().contains("election 'galera'"), w.getMessage());
    }
}
