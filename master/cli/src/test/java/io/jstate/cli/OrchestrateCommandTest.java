package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.OrchestrateEvent;
import io.jstate.proto.v1.OrchestrateRequest;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jstate orchestrate} against a fake admin API over real mutual TLS. */
@Timeout(60)
class OrchestrateCommandTest extends CliFixture {
    private static OrchestrateEvent.Builder ev(OrchestrateEvent.Type type, String stage, int index) {
        return OrchestrateEvent.newBuilder().setType(type).setStage(stage).setIndex(index);
    }

    private static OrchestrateEvent job(String stage, int index, JobEvent e) {
        return ev(OrchestrateEvent.Type.JOB, stage, index).setJob(e).build();
    }

    private static List<OrchestrateEvent> deployed() {
        List<OrchestrateEvent> out = new ArrayList<>();
        out.add(OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_STARTED).setMessage("orch/ha.yaml: the backend")
                .addStageIds("install").addStageIds("elect").addStageIds("seed").build());
        out.add(ev(OrchestrateEvent.Type.STAGE_STARTED, "install", 1).setMessage("apply galera on N@controllers").build());
        out.add(job("install", 1, Canned.started("ctl1", "ctl2")));
        out.add(job("install", 1, Canned.state("ctl1", Canned.changed("galera-cnf", "file.managed"))));
        out.add(job("install", 1, Canned.state("ctl2", Canned.unchanged("galera-pkgs", "pkg.installed"))));
        out.add(job("install", 1, Canned.done("ctl1", Canned.changed("galera-cnf", "file.managed"))));
        out.add(job("install", 1, Canned.done("ctl2", Canned.unchanged("galera-pkgs", "pkg.installed"))));
        out.add(job("install", 1, Canned.jobDone(2, 2, 0, 0)));
        out.add(ev(OrchestrateEvent.Type.STAGE_DONE, "install", 1).setMessage("2 minions, 1 changed").build());
        out.add(ev(OrchestrateEvent.Type.STAGE_STARTED, "elect", 2).setMessage("elect galera on N@controllers").build());
        out.add(ev(OrchestrateEvent.Type.ELECTED, "elect", 2).setMessage("new cluster: ctl1 bootstraps").setElected(Canned.value("{\"seed\":\"ctl1\"}").getStructValue()).build());
        out.add(ev(OrchestrateEvent.Type.STAGE_DONE, "elect", 2).setMessage("new cluster: ctl1 bootstraps").build());
        out.add(ev(OrchestrateEvent.Type.STAGE_SKIPPED, "seed", 3).setMessage("skipped: galera.bootstrap is false").build());
        out.add(OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_DONE).setMessage("3 stages, 1 changes").build());
        return out;
    }

    @Test
    void showsEachStageItsNotableStatesAndTheElection() throws Exception {
        master.stream("POST", "/admin/v1/orchestrations", deployed());
        Result r = run("orchestrate", "openstack-ha");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("Orchestration orch/ha.yaml: the backend (3 stages)\n[1/3] install: apply galera on N@controllers\n"), out);
        assertTrue(out.contains("    Job " + Canned.JID + " on 2 minions: ctl1, ctl2\n"), out);
        assertTrue(out.contains("    ctl1 |           ID: galera-cnf"), out);
        assertFalse(out.contains("galera-pkgs - Function"), "unchanged states are left out: " + out);
        assertTrue(out.contains("    Summary for ctl2"), out);
        assertTrue(out.contains("[2/3] elect: done (new cluster: ctl1 bootstraps)"), out);
        assertTrue(out.contains("    values: {\"seed\":\"ctl1\"}"), out);
        assertTrue(out.contains("[3/3] seed: skipped: galera.bootstrap is false"), out);
        assertTrue(out.endsWith("Orchestration done: 3 stages, 1 changes\n"), out);
        FakeMaster.Request req = master.requests.get(0);
        assertEquals("/admin/v1/orchestrations", req.uri());
        OrchestrateRequest sent = OrchestrateRequest.parseFrom(req.body());
        assertEquals("openstack-ha", sent.getName());
        assertEquals("", sent.getSource());
        assertFalse(sent.getTest());
    }

    @Test
    void aLongStageSaysOnStderrWhereItsMinionsAre() throws Exception {
        String what = "attempt 2 of 10 in 5s after: rabbitmqctl await_startup: timed out";
        List<OrchestrateEvent> before = List.of(
                OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_STARTED).setMessage("orch/ha.yaml").addStageIds("packages")
                        .addStageIds("rabbitmq-server").build(),
                ev(OrchestrateEvent.Type.STAGE_STARTED, "packages", 1).setMessage("apply pkgs on N@controllers").build(),
                ev(OrchestrateEvent.Type.STAGE_DONE, "packages", 1).setMessage("3 minions, 0 changed").build(),
                ev(OrchestrateEvent.Type.STAGE_STARTED, "rabbitmq-server", 2).setMessage("apply rabbitmq.server on N@controllers").build(),
                job("rabbitmq-server", 2, Canned.started("ctl1", "ctl2", "ctl3")),
                job("rabbitmq-server", 2, Canned.done("ctl1", Canned.unchanged("rabbitmq-running", "service.running"))),
                job("rabbitmq-server", 2, Canned.progress("ctl2", "rabbitmq-running", "service.running", 30_500, what)),
                job("rabbitmq-server", 2, Canned.progress("ctl3", "rabbitmq-cluster", "cmd.run", 2_500, "")));
        List<OrchestrateEvent> after = List.of(
                job("rabbitmq-server", 2, Canned.done("ctl2", Canned.unchanged("rabbitmq-running", "service.running"))),
                job("rabbitmq-server", 2, Canned.done("ctl3", Canned.unchanged("rabbitmq-cluster", "cmd.run"))),
                job("rabbitmq-server", 2, Canned.jobDone(3, 3, 0, 0)),
                ev(OrchestrateEvent.Type.STAGE_DONE, "rabbitmq-server", 2).setMessage("3 minions, 0 changed").build(),
                OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_DONE).setMessage("2 stages, 0 changes").build());
        master.stream("POST", "/admin/v1/orchestrations", before, 2500, after);
        java.util.Map<String, String> env = java.util.Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", pkiDir.toString(),
                "JSTATE_PROGRESS_SECONDS", "1");
        // The fixture's clock stands still, so the states' times are the minions' own.
        Result r = run(env, java.time.Duration.ofSeconds(5), "orchestrate", "ha");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[2/2] rabbitmq-server: apply rabbitmq.server on N@controllers\n"
                + "    Job " + Canned.JID + " on 3 minions: ctl1, ctl2, ctl3\n"), r.out());
        assertTrue(r.err().contains("jstate: [2/2] rabbitmq-server running for 1 s, waiting for 2 minions (job " + Canned.JID + "):\n"
                + "  ctl2: state 'rabbitmq-running' (service.running) running for 30 s: " + what + "\n"
                + "  ctl3: state 'rabbitmq-cluster' (cmd.run) running for 2 s\n"), r.err());
        long lines = r.err().lines().filter(l -> l.contains("rabbitmq-server running for")).count();
        assertTrue(lines >= 1 && lines <= 3, "about once a second over 2.5 s: " + r.err());
        assertFalse(r.err().contains("packages running for"), "a stage that ended says nothing more: " + r.err());
        assertFalse(r.out().contains("running for"), r.out());

        master.stream("POST", "/admin/v1/orchestrations", before, 1500, after);
        Result json = run(env, java.time.Duration.ofSeconds(5), "orchestrate", "ha", "--json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.err().contains("  ctl2: state 'rabbitmq-running' (service.running) running for 30 s: " + what), json.err());
        assertFalse(json.out().contains("running for"), json.out());
        new ObjectMapper().readTree(json.out());
    }

    @Test
    void aMinionTheStageWaitsForToConnectIsSaidAtOnceAndInTheWaitingLines() throws Exception {
        List<OrchestrateEvent> before = List.of(
                OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_STARTED).setMessage("orch/ha.yaml").addStageIds("galera")
                        .build(),
                ev(OrchestrateEvent.Type.STAGE_STARTED, "galera", 1).setMessage("apply galera on N@controllers").build(),
                job("galera", 1, Canned.started("ctl1", "ctl3")),
                job("galera", 1, JobEvent.newBuilder().setType(JobEvent.Type.MINION_WAITING).setJid(Canned.JID).setMinionId("ctl3")
                        .setMessage("not connected; waiting up to 45 s for it to connect").build()),
                job("galera", 1, Canned.done("ctl1", Canned.unchanged("galera-running", "service.running"))));
        List<OrchestrateEvent> after = List.of(
                job("galera", 1, Canned.done("ctl3", Canned.unchanged("galera-running", "service.running"))),
                job("galera", 1, Canned.jobDone(2, 2, 0, 0)),
                ev(OrchestrateEvent.Type.STAGE_DONE, "galera", 1).setMessage("2 minions, 0 changed").build(),
                OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_DONE).setMessage("1 stages, 0 changes").build());
        master.stream("POST", "/admin/v1/orchestrations", before, 2500, after);
        java.util.Map<String, String> env = java.util.Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", pkiDir.toString(),
                "JSTATE_PROGRESS_SECONDS", "1");
        Result r = run(env, java.time.Duration.ofSeconds(5), "orchestrate", "ha");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("    ctl3 | not connected; waiting up to 45 s for it to connect\n"), r.out());
        // The fixture's clock stands still: waited 0 s.
        assertTrue(r.err().contains("  ctl3: not connected; waited 0 s for it to connect\n"), r.err());
    }

    @Test
    void sendsALocalFileAndTheDryRunFlag() throws Exception {
        Path file = tmp.resolve("mine.yaml");
        Files.writeString(file, "stages: []\n");
        master.stream("POST", "/admin/v1/orchestrations", List.of(OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_FAILED)
                .setMessage(file + ": the orchestration has no stages").build()));
        Result r = run("orchestrate", file.toString(), "--test", "--timeout", "90", "--choose", "galera=ctl2");
        assertEquals(1, r.code(), "refused before any stage: exit 1");
        assertTrue(r.err().contains("orchestration refused: " + file + ": the orchestration has no stages"), r.err());
        OrchestrateRequest sent = OrchestrateRequest.parseFrom(master.requests.get(0).body());
        assertEquals(file.toString(), sent.getName());
        assertEquals("stages: []\n", sent.getSource());
        assertTrue(sent.getTest());
        assertEquals(90_000, sent.getTimeoutMs());
        assertEquals(java.util.Map.of("galera", "ctl2"), sent.getChoicesMap());
        Result bad = run("orchestrate", "openstack-ha", "--choose", "galera");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--choose takes RULE=VALUE"), bad.err());
    }

    @Test
    void aFailedStageExits2AndSaysWhereTheLineStopped() throws Exception {
        List<OrchestrateEvent> events = new ArrayList<>(deployed().subList(0, 10));
        events.add(ev(OrchestrateEvent.Type.STAGE_FAILED, "elect", 2).setMessage("election 'galera' refused: ctl2 did not report").build());
        events.add(OrchestrateEvent.newBuilder().setType(OrchestrateEvent.Type.ORCH_FAILED)
                .setMessage("stopped at stage 2 of 3 (elect): election 'galera' refused: ctl2 did not report").build());
        master.stream("POST", "/admin/v1/orchestrations", events);
        Result r = run("orchestrate", "openstack-ha");
        assertEquals(2, r.code());
        assertTrue(r.out().contains("[2/3] elect: FAILED: election 'galera' refused: ctl2 did not report"), r.out());
        assertTrue(r.err().contains("orchestration failed: stopped at stage 2 of 3 (elect)"), r.err());
    }

    @Test
    void jsonIsOneDocumentWithStagesJobsAndElections() throws Exception {
        master.stream("POST", "/admin/v1/orchestrations", deployed());
        Result r = run("orchestrate", "openstack-ha", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertTrue(doc.get("ok").asBoolean());
        assertEquals(3, doc.get("stages").size());
        assertEquals("done", doc.get("stages").get(0).get("status").asText());
        assertEquals(Canned.JID, doc.get("stages").get(0).get("jobs").get(0).asText());
        assertEquals("ctl1", doc.get("stages").get(1).get("elected").get("seed").asText());
        assertEquals("skipped", doc.get("stages").get(2).get("status").asText());
    }

    @Test
    void aStreamThatEndsEarlyIsAFailureNotAHang() throws Exception {
        master.stream("POST", "/admin/v1/orchestrations", deployed().subList(0, 4));
        Result r = run("orchestrate", "openstack-ha");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("before the orchestration ended"), r.err());
        assertTrue(r.err().contains("the orchestration goes on at the master"), r.err());
    }

    /** The master killed mid-stage: its stream ends and nothing answers any more; the CLI says so, and what to do. */
    @Test
    void aMasterThatWentAwayMidOrchestrationIsNamed() throws Exception {
        master.on("POST", "/admin/v1/orchestrations", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (OrchestrateEvent e : deployed().subList(0, 4)) e.writeDelimitedTo(out);
            out.flush();
            master.close();
            out.close();
        });
        long t0 = System.nanoTime();
        Result r = run("orchestrate", "openstack-ha");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("the master does not answer any more: it went away, and the orchestration with it (cannot reach the master at "), r.err());
        assertTrue(r.err().contains("Once jstate-master runs again, run the orchestration again"), r.err());
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "ended within 20 s");
    }
}
