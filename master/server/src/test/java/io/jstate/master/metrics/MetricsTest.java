package io.jstate.master.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.jstate.master.FakeMinion;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.master.events.Event;
import io.jstate.master.events.EventBus;
import io.jstate.master.events.EventForm;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.Failed;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateEvent;
import io.jstate.proto.v1.StateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A master with fake minions on its in-process gateway: enrollments (one refused), a minion up and
 * down, an apply with states and a job a minion refuses. The events on the bus and the scraped
 * metrics are checked against what happened.
 */
@Timeout(60)
class MetricsTest {
    TestMaster tm;
    Master master;
    ManagedChannel ch;
    EventBus.Subscription all;
    final List<Shown> seen = new ArrayList<>();

    /** An event in its outside form, as the admin stream shows it. */
    record Shown(String tag, Map<String, Object> data) {
        static Shown of(Event e) {
            return new Shown(EventForm.tag(e), EventForm.data(e));
        }
    }

    @BeforeEach
    void up() {
        tm = new TestMaster("enrollment: {token: tok}\n");
        TestMaster.files(tm.states, Map.of(
                "top.sls", "base:\n  '*':\n    - app\n",
                "app.sls", "motd:\n  file.managed:\n    - name: /tmp/jstate-never-written/motd\n    - contents: \"{{pillar.key}}\"\n"));
        TestMaster.files(tm.pillar, Map.of("top.sls", "base:\n  '*':\n    - one\n", "one.sls", "key: !secret topsecret-value\n"));
        master = tm.start();
        all = master.events().open("test", EventForm.matching("jstate/*"));
        ch = tm.channel();
    }

    @AfterEach
    void down() {
        all.close();
        ch.shutdownNow();
        tm.close();
    }

    @Test
    void eventsAndMetricsFollowARealRun() throws Exception {
        FakeMinion m1 = new FakeMinion("m1");
        FakeMinion m2 = new FakeMinion("m2");
        m1.enroll(ch, "tok");
        m2.enroll(ch, "");
        // A second key for an accepted id, and an id that is not one: both are turned away.
        new FakeMinion("m1").enroll(ch, "");
        assertThrows(StatusRuntimeException.class, () -> new FakeMinion("-bad").enroll(ch, ""));

        assertEvent("jstate/key/request/m1", d -> d.get("auto_accept").equals(true));
        assertEvent("jstate/key/accepted/m1", d -> d.get("was").equals("pending"));
        assertEvent("jstate/key/request/m2", d -> d.get("auto_accept").equals(false));
        assertEvent("jstate/enroll/refused/m1", d -> d.get("reason").equals("key_conflict"));
        Shown bad = next(e -> e.tag().startsWith("jstate/enroll/refused/") && "bad_id".equals(e.data().get("reason")));
        assertFalse(bad.tag().contains("-bad"), bad.tag());
        assertFalse(bad.data().containsKey("id"), "an id that is not one is not echoed as one");

        master.keys().setRoles("m1", List.of("frontend"));
        FakeMinion.Stream s1 = m1.connect(ch, "{\"roles\": [\"web\"]}");
        assertEvent("jstate/minion/up/m1", d -> d.get("roles").equals(List.of("frontend")));

        BlockingQueue<JobEvent> job = new LinkedBlockingQueue<>();
        String jid = master.jobs().submit(JobRequest.newBuilder().setTarget("m1").setTimeoutMs(60_000)
                .setApply(ApplyRequest.newBuilder().addTargets("highstate")).build(), job::add);
        assertEvent("jstate/job/" + jid + "/start", d -> d.get("kind").equals("apply") && d.get("minions").equals(List.of("m1")));
        assertNotNull(envelope(s1));
        StateResult changed = StateResult.newBuilder().setId("motd").setKind("file.managed").setDurationUs(30_000)
                .setChanged(Changed.newBuilder().addChanges(Change.newBuilder().setAttribute("content").setBefore("old").setAfter("topsecret-value")))
                .build();
        StateResult failed = StateResult.newBuilder().setId("svc").setKind("cmd.run").setDurationUs(2_500_000)
                .setFailed(Failed.newBuilder().setError("exit 1")).build();
        for (StateResult s : List.of(changed, failed)) {
            s1.send(MinionMessage.newBuilder().setState(StateEvent.newBuilder().setJid(jid).setResult(s)).build());
        }
        s1.send(MinionMessage.newBuilder().setResult(JobResult.newBuilder().setJid(jid).setStartedUnixMs(1000).setFinishedUnixMs(3600)
                .setReport(RunReport.newBuilder().addStates(changed).addStates(failed))).build());
        Shown state = assertEvent("jstate/job/" + jid + "/state/m1", d -> d.get("id").equals("motd"));
        assertEquals(Map.of("jid", jid, "minion", "m1", "id", "motd", "kind", "file.managed", "sls", "", "outcome", "changed",
                "duration_ms", 30.0, "changes", 1), state.data());
        assertEvent("jstate/job/" + jid + "/state/m1", d -> d.get("outcome").equals("failed") && d.get("kind").equals("cmd.run"));
        assertEvent("jstate/job/" + jid + "/return/m1", d -> d.get("outcome").equals("failed") && d.get("duration_ms").equals(2600L)
                && d.get("states").equals(2) && d.get("changed").equals(1L) && d.get("failed").equals(1L));
        assertEvent("jstate/job/" + jid + "/done", d -> d.get("outcome").equals("failed") && d.get("returned").equals(1)
                && d.get("failed_minions").equals(1));

        String ping = master.jobs().submit(JobRequest.newBuilder().setTarget("m1").setTimeoutMs(60_000)
                .setFunction(FunctionRequest.newBuilder().setName("test.ping")).build(), job::add);
        assertNotNull(envelope(s1));
        s1.send(MinionMessage.newBuilder().setResult(JobResult.newBuilder().setJid(ping)
                .setRefused(Refusal.newBuilder().setReason(Refusal.Reason.BAD_SIGNATURE).setMessage("bad"))).build());
        assertEvent("jstate/job/" + ping + "/start", d -> d.get("function").equals("test.ping"));
        assertEvent("jstate/job/" + ping + "/refused/m1", d -> d.get("reason").equals("BAD_SIGNATURE"));
        assertEvent("jstate/job/" + ping + "/return/m1", d -> d.get("outcome").equals("refused"));
        assertEvent("jstate/job/" + ping + "/done", d -> d.get("outcome").equals("failed"));
        String none = master.jobs().submit(JobRequest.newBuilder().setTarget("nobody").setFunction(FunctionRequest.newBuilder().setName("test.ping")).build(),
                job::add);
        assertEvent("jstate/job/" + none + "/done", d -> d.get("outcome").equals("not_started"));

        PromText before = scrapeWhen(p -> p.get("jstate_jobs_total{outcome=\"not_started\"}") == 1);
        assertEquals(1, before.get("jstate_minions_connected"));

        s1.end();
        assertEvent("jstate/minion/down/m1", d -> d.get("reason").equals("the stream ended"));

        // Nothing secret travelled: not the pillar value, not a change's contents.
        for (Shown e : seen) assertFalse(e.data().toString().contains("topsecret"), e.toString());

        PromText p = scrapeWhen(x -> x.get("jstate_minions_connected") == 0);
        assertEquals("gauge", p.types.get("jstate_minions_connected"));
        assertEquals(1, p.get("jstate_keys{state=\"accepted\"}"));
        assertEquals(1, p.get("jstate_keys{state=\"pending\"}"));
        assertEquals(0, p.get("jstate_keys{state=\"rejected\"}"));
        assertEquals("counter", p.types.get("jstate_jobs_total"));
        assertEquals(2, p.get("jstate_jobs_total{outcome=\"failed\"}"));
        assertEquals(0, p.get("jstate_jobs_total{outcome=\"succeeded\"}"));
        assertEquals(1, p.get("jstate_states_total{kind=\"file.managed\",outcome=\"changed\"}"));
        assertEquals(1, p.get("jstate_states_total{kind=\"cmd.run\",outcome=\"failed\"}"));
        assertEquals("histogram", p.types.get("jstate_state_duration_seconds"));
        assertEquals(0, p.get("jstate_state_duration_seconds_bucket{kind=\"cmd.run\",le=\"1.0\"}"));
        assertEquals(1, p.get("jstate_state_duration_seconds_bucket{kind=\"cmd.run\",le=\"2.5\"}"));
        assertEquals(1, p.get("jstate_state_duration_seconds_bucket{kind=\"file.managed\",le=\"0.05\"}"));
        assertEquals(0, p.get("jstate_state_duration_seconds_bucket{kind=\"file.managed\",le=\"0.025\"}"));
        assertEquals(1, p.get("jstate_state_duration_seconds_count{kind=\"cmd.run\"}"));
        assertEquals(2.5, p.get("jstate_state_duration_seconds_sum{kind=\"cmd.run\"}"), 1e-9);
        assertEquals(1, p.get("jstate_enrollment_refusals_total{reason=\"key_conflict\"}"));
        assertEquals(1, p.get("jstate_enrollment_refusals_total{reason=\"bad_id\"}"));
        assertEquals(1, p.get("jstate_signature_refusals_total"));
        assertEquals(1, p.get("jstate_job_refusals_total{reason=\"BAD_SIGNATURE\"}"));
        assertEquals(1, p.get("jstate_minion_returns_total{outcome=\"refused\"}"));
        assertEquals(0, p.get("jstate_events_dropped_total"));
        assertTrue(p.get("process_start_time_seconds") > 1.6e9);
    }

    @Test
    void labelValuesAreEscapedAndAnEmptyMasterStillScrapes() {
        Metrics m = master.metrics();
        PromText empty = PromText.parse(m.scrape());
        assertEquals(0, empty.get("jstate_jobs_total{outcome=\"succeeded\"}"));
        assertEquals(0, empty.get("jstate_signature_refusals_total"));
        m.accept(new Event.StateDone("1", "m1", "s", "odd\"kind\\with\nbreak", "", "changed", 1200.0, 0));
        String text = m.scrape();
        assertTrue(text.contains("\njstate_states_total{kind=\"odd\\\"kind\\\\with\\nbreak\",outcome=\"changed\"} 1.0\n"), text);
        PromText p = PromText.parse(text);
        assertEquals(1, p.get("jstate_state_duration_seconds_bucket{kind=\"odd\\\"kind\\\\with\\nbreak\",le=\"+Inf\"}"));
        assertEquals(1.2, p.get("jstate_state_duration_seconds_sum{kind=\"odd\\\"kind\\\\with\\nbreak\"}"), 1e-9);
        assertEquals(0, p.get("jstate_state_duration_seconds_bucket{kind=\"odd\\\"kind\\\\with\\nbreak\",le=\"1.0\"}"));
    }

    private PromText scrapeWhen(Predicate<PromText> ready) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            PromText p = PromText.parse(master.metrics().scrape());
            try {
                if (ready.test(p)) return p;
            } catch (AssertionError notYet) {
                // The series is not there yet: the metrics follow the bus on a thread of their own.
            }
            if (System.nanoTime() > deadline) throw new AssertionError("metrics never got there:\n" + master.metrics().scrape());
            Thread.sleep(20);
        }
    }

    private static MasterMessage envelope(FakeMinion.Stream s) throws InterruptedException {
        MasterMessage m = s.next(5000);
        while (m != null && m.hasAck()) m = s.next(5000);
        assertTrue(m != null && m.hasJob(), "no envelope: " + m);
        return m;
    }

    private Shown assertEvent(String tag, Predicate<Map<String, Object>> data) throws InterruptedException {
        Shown e = next(x -> x.tag().equals(tag) && data.test(x.data()));
        assertNotNull(e);
        return e;
    }

    /** The first event so far (or within 5 s) that {@code p} accepts, in order of publication. */
    private Shown next(Predicate<Shown> p) throws InterruptedException {
        for (Shown e : seen) if (p.test(e)) return e;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            EventBus.Published published = all.poll(100, TimeUnit.MILLISECONDS);
            if (published == null) continue;
            Shown e = Shown.of(published.event());
            seen.add(e);
            if (p.test(e)) return e;
        }
        throw new AssertionError("no such event; seen: " + seen);
    }
}
