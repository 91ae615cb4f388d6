package io.jstate.master.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.master.events.Event.Job;
import io.jstate.master.events.Event.JobDone;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.Skipped;
import io.jstate.proto.v1.StateResult;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The outside form of every event, as {@code jstate events --json} and scripts read it: tags and
 * data keys, their order and their values, written as the admin stream writes them.
 */
class EventFormTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Job APPLY = Job.of("j1", JobRequest.newBuilder().setTarget("web*")
            .setApply(ApplyRequest.newBuilder().addTargets("app").setTest(true)).build());
    static final Job PING = Job.of("j2", JobRequest.newBuilder().setTarget("*")
            .setFunction(FunctionRequest.newBuilder().setName("test.ping")).build());

    /** The kinds of event the tests below render; every kind there is must be among them. */
    static final Set<Class<?>> RENDERED = ConcurrentHashMap.newKeySet();

    static void shown(Event e, String tag, String json) throws Exception {
        RENDERED.add(e.getClass());
        assertEquals(tag, EventForm.tag(e));
        assertEquals(json, JSON.writeValueAsString(EventForm.data(e)));
    }

    @Test
    void jobEvents() throws Exception {
        shown(new Event.JobStarted(APPLY, List.of("web1", "web2"), 1), "jstate/job/j1/start",
                "{\"jid\":\"j1\",\"target\":\"web*\",\"kind\":\"apply\",\"sls\":[\"app\"],\"test\":true,\"minions\":[\"web1\",\"web2\"],\"batch\":1}");
        shown(new Event.JobStarted(PING, List.of("a"), 1), "jstate/job/j2/start",
                "{\"jid\":\"j2\",\"target\":\"*\",\"kind\":\"function\",\"function\":\"test.ping\",\"minions\":[\"a\"],\"batch\":1}");
        StateResult changed = StateResult.newBuilder().setId("motd").setKind("file.managed").setSls("app").setDurationUs(1500)
                .setChanged(Changed.newBuilder().addChanges(Change.newBuilder().setAttribute("content").setAfter("secret"))).build();
        shown(Event.StateDone.of("j1", "web1", changed), "jstate/job/j1/state/web1",
                "{\"jid\":\"j1\",\"minion\":\"web1\",\"id\":\"motd\",\"kind\":\"file.managed\",\"sls\":\"app\",\"outcome\":\"changed\",\"duration_ms\":1.5,\"changes\":1}");
        StateResult blocked = StateResult.newBuilder().setId("svc").setKind("service.running").setSkipped(Skipped.newBuilder().setBlocked(true)).build();
        assertEquals("blocked", Event.StateDone.of("j1", "web1", blocked).outcome());
        shown(new Event.MinionLost("j1", "web2", "did not return within 5s"), "jstate/job/j1/lost/web2",
                "{\"jid\":\"j1\",\"minion\":\"web2\",\"reason\":\"did not return within 5s\"}");
        shown(new Event.JobRefused("j2", "a", "BAD_SIGNATURE"), "jstate/job/j2/refused/a",
                "{\"jid\":\"j2\",\"minion\":\"a\",\"reason\":\"BAD_SIGNATURE\"}");
    }

    @Test
    void progressAndStageEvents() throws Exception {
        shown(new Event.StateRunning("j1", "ctl2", "galera-joined", "wait.for", 45_000, "check 3 of 60 in 5s"), "jstate/job/j1/running/ctl2",
                "{\"jid\":\"j1\",\"minion\":\"ctl2\",\"id\":\"galera-joined\",\"kind\":\"wait.for\",\"running_ms\":45000,"
                        + "\"waiting\":\"check 3 of 60 in 5s\"}");
        shown(new Event.StateRunning("j1", "ctl2", "pkgs", "pkg.installed", 1000, null), "jstate/job/j1/running/ctl2",
                "{\"jid\":\"j1\",\"minion\":\"ctl2\",\"id\":\"pkgs\",\"kind\":\"pkg.installed\",\"running_ms\":1000}");
        shown(new Event.StageStarted("orch/openstack-ha.yaml", "rabbitmq-server", 5, 18, "G@roles:controller"),
                "jstate/orch/stage/start/rabbitmq-server",
                "{\"orchestration\":\"orch/openstack-ha.yaml\",\"stage\":\"rabbitmq-server\",\"index\":5,\"stages\":18,"
                        + "\"target\":\"G@roles:controller\"}");
        shown(new Event.StageDone("orch/openstack-ha.yaml", "rabbitmq-server", 5, 18, Event.StageDone.Outcome.FAILED, 61_000),
                "jstate/orch/stage/failed/rabbitmq-server",
                "{\"orchestration\":\"orch/openstack-ha.yaml\",\"stage\":\"rabbitmq-server\",\"index\":5,\"stages\":18,"
                        + "\"outcome\":\"failed\",\"duration_ms\":61000}");
    }

    @Test
    void returnsSayWhatTheMinionRan() throws Exception {
        JobResult report = JobResult.newBuilder().setStartedUnixMs(1000).setFinishedUnixMs(1250)
                .setReport(RunReport.newBuilder().setTest(true).setCompileError("bad")
                        .addStates(StateResult.newBuilder().setId("a").setChanged(Changed.getDefaultInstance()))).build();
        shown(Event.MinionReturned.of("j1", "web1", report, false), "jstate/job/j1/return/web1",
                "{\"jid\":\"j1\",\"minion\":\"web1\",\"outcome\":\"failed\",\"duration_ms\":250,\"states\":1,\"changed\":1,\"failed\":0,\"test\":true,\"compile_error\":true}");
        JobResult ping = JobResult.newBuilder().setFunction(FunctionReturn.newBuilder().setSuccess(true)).build();
        shown(Event.MinionReturned.of("j2", "a", ping, true), "jstate/job/j2/return/a",
                "{\"jid\":\"j2\",\"minion\":\"a\",\"outcome\":\"ok\",\"success\":true,\"late\":true}");
        JobResult refused = JobResult.newBuilder().setRefused(Refusal.newBuilder().setReason(Refusal.Reason.BAD_SIGNATURE)).build();
        shown(Event.MinionReturned.of("j2", "a", refused, false), "jstate/job/j2/return/a",
                "{\"jid\":\"j2\",\"minion\":\"a\",\"outcome\":\"refused\",\"reason\":\"BAD_SIGNATURE\"}");
    }

    @Test
    void everyDoneEventHasTheSameKeys() throws Exception {
        String counts = "\"minions\":2,\"returned\":2,\"lost\":0,\"failed_minions\":1,\"skipped\":0";
        String apply = "\"jid\":\"j1\",\"target\":\"web*\",\"kind\":\"apply\",\"sls\":[\"app\"],\"test\":true";
        shown(JobDone.ran(APPLY, 90, 2, 2, 0, 1, 0, false), "jstate/job/j1/done",
                "{" + apply + ",\"outcome\":\"failed\",\"duration_ms\":90," + counts + "}");
        shown(JobDone.ran(APPLY, 90, 2, 2, 0, 1, 0, true), "jstate/job/j1/done",
                "{" + apply + ",\"outcome\":\"failed\",\"duration_ms\":90," + counts + ",\"resumed\":true}");
        assertEquals(JobDone.Outcome.SUCCEEDED, JobDone.ran(APPLY, 1, 2, 2, 0, 0, 0, false).outcome());
        assertEquals(JobDone.Outcome.FAILED, JobDone.ran(APPLY, 1, 2, 1, 1, 0, 0, false).outcome());
        Job none = Job.of("j3", JobRequest.newBuilder().setTarget("nobody").build());
        shown(JobDone.notStarted(none), "jstate/job/j3/done",
                "{\"jid\":\"j3\",\"target\":\"nobody\",\"outcome\":\"not_started\",\"duration_ms\":0,\"minions\":0,\"returned\":0,\"lost\":0,\"failed_minions\":0,\"skipped\":0}");
    }

    @Test
    void keyMinionAndEnrollmentEvents() throws Exception {
        shown(new Event.KeyRequested("m1", "fp", true), "jstate/key/request/m1", "{\"id\":\"m1\",\"fingerprint\":\"fp\",\"auto_accept\":true}");
        shown(new Event.KeyChanged(Event.KeyChanged.Change.ACCEPTED, "m1", "fp", Key.State.PENDING), "jstate/key/accepted/m1",
                "{\"id\":\"m1\",\"fingerprint\":\"fp\",\"was\":\"pending\"}");
        shown(new Event.KeyChanged(Event.KeyChanged.Change.DELETED, "m1", "fp", Key.State.REJECTED), "jstate/key/deleted/m1",
                "{\"id\":\"m1\",\"fingerprint\":\"fp\",\"was\":\"rejected\"}");
        shown(new Event.KeyRoles("m1", List.of("db", "web")), "jstate/key/roles/m1", "{\"id\":\"m1\",\"roles\":[\"db\",\"web\"]}");
        shown(new Event.MinionUp("m1", "10.0.0.1:5000", List.of("web"), true), "jstate/minion/up/m1",
                "{\"id\":\"m1\",\"address\":\"10.0.0.1:5000\",\"roles\":[\"web\"],\"replaced\":true}");
        shown(new Event.MinionUp("m1", "", List.of(), false), "jstate/minion/up/m1", "{\"id\":\"m1\",\"address\":\"\",\"roles\":[]}");
        shown(new Event.MinionDown("m1", "the stream ended", 42), "jstate/minion/down/m1",
                "{\"id\":\"m1\",\"reason\":\"the stream ended\",\"connected_ms\":42}");
        shown(new Event.EnrollmentRefused("m1", "10.0.0.1:5000", "key_conflict"), "jstate/enroll/refused/m1",
                "{\"id\":\"m1\",\"address\":\"10.0.0.1:5000\",\"reason\":\"key_conflict\"}");
        shown(new Event.EnrollmentRefused(null, "10.0.0.9:6000", "bad_id"), "jstate/enroll/refused/10.0.0.9:6000",
                "{\"address\":\"10.0.0.9:6000\",\"reason\":\"bad_id\"}");
        assertEquals("jstate/enroll/refused/unknown", EventForm.tag(new Event.EnrollmentRefused(null, "", "bad_id")));
        shown(new Event.EventsLost(7, "jstate/job/*"), "jstate/events/lost", "{\"lost\":7,\"pattern\":\"jstate/job/*\"}");
    }

    @AfterAll
    static void everyKindOfEventHasAnOutsideForm() {
        assertEquals(Set.of(Event.class.getPermittedSubclasses()), RENDERED);
    }

    @Test
    void globsMatchTheRenderedTag() {
        assertTrue(EventForm.matching("jstate/key/*").test(new Event.KeyRoles("m1", List.of())));
        assertFalse(EventForm.matching("jstate/key/*").test(new Event.MinionDown("m1", "", 0)));
        assertTrue(EventForm.matching("jstate/job/*/done").test(JobDone.notStarted(PING)));
    }
}
