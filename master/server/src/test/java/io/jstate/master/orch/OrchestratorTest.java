package io.jstate.master.orch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.common.wire.Structs;
import io.jstate.master.FakeMinion;
import io.jstate.master.events.Event;
import io.jstate.master.events.EventForm;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.Failed;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.JobSummary;
import io.jstate.proto.v1.OrchestrateEvent;
import io.jstate.proto.v1.OrchestrateRequest;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import io.jstate.proto.v1.Unchanged;
import io.jstate.states.lang.TreeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrchestratorTest {
    private static final List<String> ALL = List.of("ctl1", "ctl2", "ctl3");

    @TempDir
    Path states;

    /** Picks the lowest id whose facts say "up", or refuses when none is. */
    static final class FirstUp implements Election {
        @Override
        public String function() {
            return "probe.up";
        }

        @Override
        public Elected decide(List<String> targeted, Map<String, Map<String, Object>> facts, Map<String, String> failures) {
            for (String id : targeted) {
                if (facts.containsKey(id) && Boolean.TRUE.equals(facts.get(id).get("up"))) {
                    return new Elected(Map.of("seed", id, "bootstrap", true), id + " is the first that is up");
                }
            }
            throw new ElectionRefused("no minion is up: " + failures);
        }
    }

    /** Answers every job from a script; records the requests. */
    static final class FakeJobs implements Orchestrator.JobSubmitter {
        final List<JobRequest> requests = new ArrayList<>();
        Function<JobRequest, Map<String, JobResult>> answer;
        int next;

        @Override
        public List<String> match(String target) {
            return target.equals("N@nobody") ? List.of() : ALL;
        }

        @Override
        public String submit(JobRequest request, java.util.function.Consumer<JobEvent> listener) {
            requests.add(request);
            String jid = "2026112200000000000" + (next++);
            List<String> minions = request.getTarget().startsWith("ctl") ? List.of(request.getTarget()) : ALL;
            listener.accept(JobEvent.newBuilder().setType(JobEvent.Type.JOB_STARTED).setJid(jid).addAllMinions(minions).build());
            Map<String, JobResult> results = answer.apply(request);
            int lost = 0;
            int failed = 0;
            for (String id : minions) {
                JobResult r = results.get(id);
                if (r == null) {
                    lost++;
                    listener.accept(JobEvent.newBuilder().setType(JobEvent.Type.MINION_LOST).setJid(jid).setMinionId(id).setMessage("not connected").build());
                } else {
                    if (r.hasReport() && r.getReport().getStatesList().stream().anyMatch(StateResult::hasFailed)) failed++;
                    listener.accept(JobEvent.newBuilder().setType(JobEvent.Type.MINION_DONE).setJid(jid).setMinionId(id).setResult(r).build());
                }
            }
            listener.accept(JobEvent.newBuilder().setType(JobEvent.Type.JOB_DONE).setJid(jid)
                    .setSummary(JobSummary.newBuilder().setMinions(minions.size()).setReturned(minions.size() - lost).setLost(lost).setFailedMinions(failed)).build());
            return jid;
        }
    }

    static JobResult report(String id, StateResult... states) {
        return JobResult.newBuilder().setMinionId(id).setReport(RunReport.newBuilder().addAllStates(List.of(states))).build();
    }

    static StateResult changed(String id) {
        return StateResult.newBuilder().setId(id).setKind("file.managed").setChanged(Changed.getDefaultInstance()).build();
    }

    static StateResult unchanged(String id) {
        return StateResult.newBuilder().setId(id).setKind("file.managed").setUnchanged(Unchanged.getDefaultInstance()).build();
    }

    static JobResult facts(String id, String json) {
        return JobResult.newBuilder().setMinionId(id).setFunction(FunctionReturn.newBuilder().setSuccess(true).setValue(FakeMinion.value(json))).build();
    }

    private List<OrchestrateEvent> run(FakeJobs jobs, String name, boolean test) {
        List<OrchestrateEvent> events = new ArrayList<>();
        new Orchestrator(jobs, states, Map.of("firstup", new FirstUp())).run(OrchestrateRequest.newBuilder().setName(name).setTest(test).build(), events::add);
        return events;
    }

    private void write(String name, String text) throws Exception {
        Path p = states.resolve("orch").resolve(name + ".yaml");
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static List<String> types(List<OrchestrateEvent> events) {
        return events.stream().filter(e -> e.getType() != OrchestrateEvent.Type.JOB).map(e -> e.getType() + (e.getStage().isEmpty() ? "" : " " + e.getStage())).toList();
    }

    private static final String FLOW = """
            stages:
              - id: install
                target: N@controllers
                apply: [pkg]
              - id: elect
                target: N@controllers
                elect: firstup
              - id: seed
                target: "{{firstup.seed}}"
                when: firstup.bootstrap
                apply: seed
                gate: seed.health
              - id: rest
                target: N@controllers
                when: not firstup.bootstrap
                apply: rest
              - id: join
                target: N@controllers
                batch: 1
                apply: join
                pillar: {join: {slow: true}}
              - id: uptime
                target: N@controllers
                run: cmd.run
                args: [uptime]
            """;

    @Test
    void runsStagesInOrderPassingTheElectionToLaterJobs() throws Exception {
        write("ha", FLOW);
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> {
            if (r.hasFunction() && r.getFunction().getName().equals("probe.up")) {
                return Map.of("ctl1", facts("ctl1", "{\"up\":false}"), "ctl2", facts("ctl2", "{\"up\":true}"), "ctl3", facts("ctl3", "{\"up\":true}"));
            }
            if (r.hasFunction()) return Map.of("ctl1", facts("ctl1", "\"x\""), "ctl2", facts("ctl2", "\"x\""), "ctl3", facts("ctl3", "\"x\""));
            if (r.getTarget().startsWith("ctl")) return Map.of(r.getTarget(), report(r.getTarget(), changed("a")));
            return Map.of("ctl1", report("ctl1", changed("a"), unchanged("b")), "ctl2", report("ctl2", unchanged("a")), "ctl3", report("ctl3", unchanged("a")));
        };
        List<OrchestrateEvent> events = run(jobs, "ha", false);
        assertEquals(List.of("ORCH_STARTED", "STAGE_STARTED install", "STAGE_DONE install", "STAGE_STARTED elect", "ELECTED elect", "STAGE_DONE elect",
                "STAGE_STARTED seed", "STAGE_DONE seed", "STAGE_SKIPPED rest", "STAGE_STARTED join", "STAGE_DONE join",
                "STAGE_STARTED uptime", "STAGE_DONE uptime", "ORCH_DONE"), types(events));
        assertEquals(List.of("install", "elect", "seed", "join", "uptime"), events.get(0).getStageIdsList().stream().filter(s -> !s.equals("rest")).toList());
        OrchestrateEvent elected = events.stream().filter(e -> e.getType() == OrchestrateEvent.Type.ELECTED).findFirst().orElseThrow();
        assertEquals(Map.of("bootstrap", true, "seed", "ctl2"), Structs.map(elected.getElected()));
        // The jobs: install, the election's function, the seed on ctl2 and its gate, join one at a time, the function.
        List<JobRequest> r = jobs.requests;
        assertEquals(6, r.size());
        assertEquals(Map.of(), Structs.map(r.get(0).getPillar()));
        assertEquals("probe.up", r.get(1).getFunction().getName());
        assertEquals("ctl2", r.get(2).getTarget());
        assertEquals(List.of("seed"), r.get(2).getApply().getTargetsList());
        assertEquals(Map.of("orch", Map.of("firstup", Map.of("seed", "ctl2", "bootstrap", true))), Structs.map(r.get(2).getPillar()));
        assertEquals(List.of("seed.health"), r.get(3).getApply().getTargetsList());
        assertEquals("ctl2", r.get(3).getTarget());
        assertEquals("1", r.get(4).getBatch());
        assertTrue(r.get(4).getStopOnFailure());
        assertEquals(Map.of("slow", true), Structs.map(r.get(4).getPillar()).get("join"));
        assertEquals("cmd.run", r.get(5).getFunction().getName());
        OrchestrateEvent done = events.get(events.size() - 1);
        assertEquals("6 stages, 3 changes", done.getMessage());
    }

    @Test
    void eachStagesStartAndEndArePublishedAsTypedEvents() throws Exception {
        write("opt", "stages:\n  - id: garbd\n    target: N@nobody\n    optional: true\n    apply: x\n"
                + "  - id: after\n    target: N@controllers\n    apply: y\n  - id: last\n    target: N@controllers\n    apply: z\n");
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> r.getApply().getTargets(0).equals("z") ? Map.of("ctl1", report("ctl1", unchanged("a")))
                : Map.of("ctl1", report("ctl1"), "ctl2", report("ctl2"), "ctl3", report("ctl3"));
        List<Event> published = new ArrayList<>();
        List<OrchestrateEvent> events = new ArrayList<>();
        new Orchestrator(jobs, TreeFiles.of(states), Map.of(), published::add).run(OrchestrateRequest.newBuilder().setName("opt").build(), events::add);
        assertEquals("ORCH_FAILED", types(events).get(types(events).size() - 1));
        assertEquals(List.of(
                new Event.StageDone("orch/opt.yaml", "garbd", 1, 3, Event.StageDone.Outcome.SKIPPED, 0),
                new Event.StageStarted("orch/opt.yaml", "after", 2, 3, "N@controllers"),
                "done after",
                new Event.StageStarted("orch/opt.yaml", "last", 3, 3, "N@controllers"),
                "failed last"), published.stream().map(e -> e instanceof Event.StageDone d && d.index() > 1
                        ? (Object) (EventForm.word(d.outcome()) + " " + d.stage()) : e).toList());
        Event.StageDone failed = (Event.StageDone) published.get(published.size() - 1);
        assertTrue(failed.durationMs() >= 0 && failed.durationMs() < 10_000, failed.toString());
    }

    @Test
    void aFailedStateStopsTheLineNamingMinionAndState() throws Exception {
        write("ha", FLOW);
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> {
            if (r.hasFunction()) return Map.of("ctl1", facts("ctl1", "{\"up\":true}"), "ctl2", facts("ctl2", "{\"up\":true}"), "ctl3", facts("ctl3", "{\"up\":true}"));
            if (r.getTarget().startsWith("ctl")) {
                return Map.of(r.getTarget(), report(r.getTarget(), StateResult.newBuilder().setId("synced").setKind("wait.for")
                        .setFailed(Failed.newBuilder().setError("not Synced after 60 s\nmore")).build()));
            }
            return Map.of("ctl1", report("ctl1", unchanged("a")), "ctl2", report("ctl2", unchanged("a")), "ctl3", report("ctl3", unchanged("a")));
        };
        List<OrchestrateEvent> events = run(jobs, "ha", false);
        assertEquals(List.of("ORCH_STARTED", "STAGE_STARTED install", "STAGE_DONE install", "STAGE_STARTED elect", "ELECTED elect", "STAGE_DONE elect",
                "STAGE_STARTED seed", "STAGE_FAILED seed", "ORCH_FAILED"), types(events));
        String why = events.get(events.size() - 1).getMessage();
        assertTrue(why.startsWith("stopped at stage 3 of 6 (seed): ctl1: wait.for synced failed: not Synced after 60 s …"), why);
        assertEquals(3, jobs.requests.size(), "no job after the failed stage, not even its gate");
    }

    @Test
    void anOptionalStageWhoseTargetMatchesNobodyIsSkipped() throws Exception {
        write("opt", "stages:\n  - id: garbd\n    target: N@nobody\n    optional: true\n    apply: x\n  - id: after\n    target: N@controllers\n    apply: y\n");
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> Map.of("ctl1", report("ctl1"), "ctl2", report("ctl2"), "ctl3", report("ctl3"));
        List<OrchestrateEvent> events = run(jobs, "opt", false);
        assertEquals(List.of("ORCH_STARTED", "STAGE_SKIPPED garbd", "STAGE_STARTED after", "STAGE_DONE after", "ORCH_DONE"), types(events));
        assertEquals("skipped: no minion matches N@nobody", events.get(1).getMessage());
        assertEquals(1, jobs.requests.size());
    }

    @Test
    void aLostMinionFailsTheStage() throws Exception {
        write("one", "stages:\n  - id: only\n    target: N@controllers\n    apply: x\n");
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> Map.of("ctl1", report("ctl1", unchanged("a")), "ctl3", report("ctl3", unchanged("a")));
        List<OrchestrateEvent> events = run(jobs, "one", false);
        assertEquals("ORCH_FAILED", types(events).get(types(events).size() - 1));
        assertTrue(events.get(events.size() - 1).getMessage().contains("ctl2 did not answer: not connected"), events.get(events.size() - 1).getMessage());
    }

    @Test
    void anElectionThatRefusesStopsTheLine() throws Exception {
        write("ha", FLOW);
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> r.hasFunction() ? Map.of("ctl1", facts("ctl1", "{\"up\":false}"))
                : Map.of("ctl1", report("ctl1"), "ctl2", report("ctl2"), "ctl3", report("ctl3"));
        List<OrchestrateEvent> events = run(jobs, "ha", false);
        String why = events.get(events.size() - 1).getMessage();
        assertTrue(why.contains("election 'firstup' refused: no minion is up"), why);
        assertTrue(why.contains("ctl2=did not answer: not connected"), why);
    }

    @Test
    void theOperatorsChoiceReplacesTheRulesDecision() throws Exception {
        write("ha", FLOW);
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> r.hasFunction() && r.getFunction().getName().equals("probe.up") ? Map.of("ctl1", facts("ctl1", "{\"up\":false}"))
                : Map.of("ctl1", report("ctl1"), "ctl2", report("ctl2"), "ctl3", report("ctl3"));
        List<OrchestrateEvent> events = new ArrayList<>();
        new Orchestrator(jobs, states, Map.of("firstup", new FirstUp())).run(OrchestrateRequest.newBuilder().setName("ha")
                .putChoices("firstup", "ctl3").build(), events::add);
        assertEquals("ORCH_FAILED", types(events).get(types(events).size() - 1));
        assertTrue(events.get(events.size() - 1).getMessage().contains("election 'firstup' refused: this election takes no operator choice"),
                events.get(events.size() - 1).getMessage());
    }

    @Test
    void aDryRunAppliesInTestModeRunsElectionsAndNeitherFunctionsNorGates() throws Exception {
        write("ha", FLOW);
        FakeJobs jobs = new FakeJobs();
        jobs.answer = r -> {
            if (r.hasFunction()) return Map.of("ctl1", facts("ctl1", "{\"up\":true}"), "ctl2", facts("ctl2", "{\"up\":true}"), "ctl3", facts("ctl3", "{\"up\":true}"));
            if (r.getTarget().startsWith("ctl")) return Map.of(r.getTarget(), report(r.getTarget()));
            return Map.of("ctl1", report("ctl1"), "ctl2", report("ctl2"), "ctl3", report("ctl3"));
        };
        List<OrchestrateEvent> events = run(jobs, "ha", true);
        assertEquals("STAGE_SKIPPED uptime", types(events).get(types(events).size() - 2));
        assertTrue(jobs.requests.stream().filter(JobRequest::hasApply).allMatch(r -> r.getApply().getTest()));
        assertFalse(jobs.requests.stream().anyMatch(r -> r.hasApply() && r.getApply().getTargetsList().contains("seed.health")));
        assertTrue(jobs.requests.stream().anyMatch(r -> r.hasFunction() && r.getFunction().getName().equals("probe.up")));
        assertFalse(jobs.requests.stream().anyMatch(r -> r.hasFunction() && r.getFunction().getName().equals("cmd.run")));
        assertTrue(events.get(events.size() - 1).getMessage().endsWith("changes would be made"));
    }

    /** A first deploy's dry run: the SQL users cannot be checked before the server the earlier stages would install. */
    @Test
    void aDryRunGoesOnPastAStageThatCannotBeCheckedBeforeTheChangesAboveButStopsWithoutThem() throws Exception {
        write("ha", FLOW);
        for (boolean installWouldChange : new boolean[] {true, false}) {
            FakeJobs jobs = new FakeJobs();
            jobs.answer = r -> {
                if (r.hasFunction()) return Map.of("ctl1", facts("ctl1", "{\"up\":true}"), "ctl2", facts("ctl2", "{\"up\":true}"), "ctl3", facts("ctl3", "{\"up\":true}"));
                if (r.getTarget().startsWith("ctl")) {
                    return Map.of(r.getTarget(), report(r.getTarget(), StateResult.newBuilder().setId("sst-user").setKind("mysql_user.present")
                            .setFailed(Failed.newBuilder().setError("cannot run 'mariadb': No such file or directory")).build()));
                }
                StateResult pkg = installWouldChange ? changed("pkg") : unchanged("pkg");
                return Map.of("ctl1", report("ctl1", pkg), "ctl2", report("ctl2", pkg), "ctl3", report("ctl3", pkg));
            };
            List<OrchestrateEvent> events = run(jobs, "ha", true);
            OrchestrateEvent elected = events.stream().filter(e -> e.getType() == OrchestrateEvent.Type.ELECTED).findFirst().orElseThrow();
            assertTrue(elected.getMessage().startsWith("dry run, the stages below would act on it: "), elected.getMessage());
            OrchestrateEvent seed = events.stream().filter(e -> e.getStage().equals("seed") && e.getType() != OrchestrateEvent.Type.JOB
                    && e.getType() != OrchestrateEvent.Type.STAGE_STARTED).findFirst().orElseThrow();
            if (installWouldChange) {
                assertFalse(jobs.requests.stream().anyMatch(JobRequest::getStopOnFailure), "a dry run's batches do not stop at a failure");
                assertEquals(OrchestrateEvent.Type.STAGE_DONE, seed.getType(), seed.toString());
                assertTrue(seed.getMessage().contains("; dry run: cannot be checked before the changes of the stages above are made: "), seed.getMessage());
                assertTrue(seed.getMessage().contains(": mysql_user.present sst-user failed: cannot run 'mariadb'"), seed.getMessage());
                assertEquals(OrchestrateEvent.Type.ORCH_DONE, events.get(events.size() - 1).getType());
            } else {
                assertEquals(OrchestrateEvent.Type.STAGE_FAILED, seed.getType(), "nothing above would change: the failure is real");
                assertEquals(OrchestrateEvent.Type.ORCH_FAILED, events.get(events.size() - 1).getType());
            }
        }
    }

    @Test
    void refusesAMissingOrBadFileBeforeAnyJob() throws Exception {
        FakeJobs jobs = new FakeJobs();
        List<OrchestrateEvent> missing = run(jobs, "nope", false);
        assertEquals(1, missing.size());
        assertTrue(missing.get(0).getMessage().contains("no orch/nope.yaml"), missing.get(0).getMessage());
        assertTrue(run(jobs, "../etc/passwd", false).get(0).getMessage().contains("not an orchestration name"));
        write("bad", "stages:\n  - id: a\n    target: '*'\n    elect: raft\n");
        List<OrchestrateEvent> bad = run(jobs, "bad", false);
        assertTrue(bad.get(0).getMessage().contains("orch/bad.yaml"), bad.get(0).getMessage());
        assertTrue(bad.get(0).getMessage().contains("unknown election rule 'raft'"), bad.get(0).getMessage());
        assertTrue(jobs.requests.isEmpty());
    }
}
