package io.jstate.master.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.jstate.common.wire.Structs;
import io.jstate.master.FakeMinion;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.Failed;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import io.jstate.proto.v1.Unchanged;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every value a minion supplies (its id as a job result names it, grains, state results, comments,
 * diff lines, function values, health answers) reaches the rendered pages escaped, quotes included:
 * the templates escape by default and these values are never inserted raw.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PagesEscapingTest {
    /** Also a minion id in job results, so no slash: the job store names files after result ids. */
    static final String HOSTILE = "<script>\"evil\"";
    static final String ESCAPED = "&lt;script&gt;&quot;evil&quot;";

    /** No value came through raw, and each of the {@code values} places that show one shows it escaped. */
    static void assertEscaped(String page, int values, String what) {
        assertFalse(page.contains("<script"), what + ":\n" + page);
        assertFalse(page.contains("\"evil\""), what + ":\n" + page);
        assertEquals(values, page.split(java.util.regex.Pattern.quote(ESCAPED), -1).length - 1, what + ": escaped values in\n" + page);
    }

    @Test
    void minionSuppliedValuesAreEscapedOnEveryPage() throws Exception {
        try (TestMaster tm = new TestMaster("enrollment: {token: tok}\n")) {
            Master master = tm.start();
            ManagedChannel channel = tm.channel();
            try {
                FakeMinion minion = new FakeMinion("web1");
                assertEquals(EnrollReply.Status.ACCEPTED, minion.enroll(channel, "tok").getStatus());
                String json = HOSTILE.replace("\"", "\\\"");
                minion.connect(channel, "{\"os\":\"" + json + "\",\"osrelease\":\"12\",\"note\":\"" + json + "\",\"nested\":{\"k\":\"" + json + "\"}}");
                for (int i = 0; i < 100 && !master.connections().connected("web1"); i++) Thread.sleep(20);
                Pages pages = new Pages(master);
                long now = System.currentTimeMillis();

                // The minions list shows the OS grains; the minion's page shows every grain, structured ones as JSON.
                assertEscaped(pages.minions(HOSTILE, now), 2, "minions page (user name, OS)");
                assertEscaped(pages.minion(HOSTILE, "web1", now).orElseThrow(), 3, "minion page (user name, grains os and note)");

                String jid = "20260301100000000009";
                master.store().create(JobRecord.newBuilder().setJid(jid).setStartedUnixMs(now).addMinions(HOSTILE)
                        .setRequest(JobRequest.newBuilder().setTarget(HOSTILE).setApply(ApplyRequest.newBuilder().addTargets(HOSTILE))).build());
                master.store().appendPartial(jid, "p" + HOSTILE, StateResult.newBuilder().setId(HOSTILE).setKind("cmd.run")
                        .setUnchanged(Unchanged.newBuilder().setComment(HOSTILE)).build());
                master.store().addLost(jid, "l" + HOSTILE);
                StateResult changed = StateResult.newBuilder().setId(HOSTILE).setName("n" + HOSTILE).setFile(HOSTILE).setKind(HOSTILE)
                        .setChanged(Changed.newBuilder().setComment(HOSTILE).addChanges(Change.newBuilder().setAttribute(HOSTILE)
                                .setBefore(HOSTILE).setAfter(HOSTILE).setDiff("--- a\n+++ b\n@@ -1 +1 @@\n-" + HOSTILE + "\n+" + HOSTILE + "\n " + HOSTILE + "\n")))
                        .build();
                StateResult failed = StateResult.newBuilder().setId("svc").setKind("service.running")
                        .setFailed(Failed.newBuilder().setError(HOSTILE)).build();
                master.store().saveResult(JobResult.newBuilder().setJid(jid).setMinionId(HOSTILE)
                        .setReport(RunReport.newBuilder().addStates(changed).addStates(failed).setCompileError(HOSTILE)).build());
                master.store().saveResult(JobResult.newBuilder().setJid(jid).setMinionId("f1")
                        .setFunction(FunctionReturn.newBuilder().setError(HOSTILE).setValue(Structs.value(java.util.Map.of("v", HOSTILE)))).build());
                master.store().saveResult(JobResult.newBuilder().setJid(jid).setMinionId("r1")
                        .setRefused(Refusal.newBuilder().setReason(Refusal.Reason.EXPIRED).setMessage(HOSTILE)).build());
                master.store().saveResult(JobResult.newBuilder().setJid(jid).setMinionId("n1").build());
                String job = pages.job(HOSTILE, jid).orElseThrow();
                // User, target, what, minions, result id and heading, compile error, state id/name/file/kind, change
                // attribute/before/after, three diff lines, comment, failure, function error, refusal, partial minion/state/comment, lost
                // minion. (Values inside pretty-printed JSON carry JSON's own backslashes, so they are not counted.)
                assertEscaped(job, 25, "job page");
                assertTrue(job.contains("<span class=\"d\">-" + ESCAPED + "</span>\n<span class=\"a\">+" + ESCAPED + "</span>\n"), job);
                assertEscaped(pages.jobs(HOSTILE, 10), 3, "jobs page (user, target, what)");

                Health health = new Health(master, Duration.ofSeconds(1), Duration.ofSeconds(10), System::currentTimeMillis);
                Map<String, Object> galera = Map.of("running", true, "wsrep_local_state_comment", HOSTILE, "wsrep_cluster_status", HOSTILE,
                        "wsrep_cluster_size", HOSTILE, "wsrep_ready", HOSTILE, "wsrep_last_committed", HOSTILE);
                Map<String, Object> rabbit = Map.of("running", true, "running_nodes", List.of(HOSTILE), "partitions", List.of(HOSTILE),
                        "alarms", List.of(HOSTILE), "error", HOSTILE);
                Map<String, Object> memcached = Map.of("instances", List.of(Map.of("address", HOSTILE, "reachable", false, "error", HOSTILE,
                        "uptime", HOSTILE, "curr_connections", HOSTILE, "version", HOSTILE)));
                Map<String, Object> haproxy = Map.of("backends", List.of(Map.of("name", HOSTILE, "status", HOSTILE,
                        "servers", List.of(Map.of("name", HOSTILE, "status", HOSTILE)))));
                Map<String, Object> noHaproxy = Map.of("running", false, "error", HOSTILE);
                List<Health.Result> results = List.of(
                        new Health.Result(Health.PROBES.get(0), jid, Map.of(HOSTILE, new Health.Answer(true, galera, ""),
                                "x" + HOSTILE, new Health.Answer(false, Map.of(), HOSTILE)), Map.of(HOSTILE, HOSTILE), null),
                        new Health.Result(Health.PROBES.get(1), jid, Map.of(HOSTILE, new Health.Answer(true, rabbit, "")), Map.of(), null),
                        new Health.Result(Health.PROBES.get(2), jid, Map.of(HOSTILE, new Health.Answer(true, memcached, ""),
                                "z" + HOSTILE, new Health.Answer(true, Map.of("error", HOSTILE), "")), Map.of(), null),
                        new Health.Result(Health.PROBES.get(3), jid, Map.of(HOSTILE, new Health.Answer(true, haproxy, ""),
                                "y" + HOSTILE, new Health.Answer(true, noHaproxy, "")), Map.of(), null),
                        new Health.Result(new Health.Probe(HOSTILE, "galera.facts", List.of()), jid, Map.of(), Map.of(), HOSTILE));
                String page = health.page(HOSTILE, new Health.Snapshot(now, results));
                // user; galera: id ×2, state, status, size, ready, committed, failure id + why, missing id + why; rabbitmq: id ×2,
                // error, nodes, partitions, alarms; memcached: id ×2, address, error, uptime, connections, version, and id ×2 and error of one without instances; haproxy: ids ×4,
                // backend ×2, status, server, server status, error; the failed probe's title and error.
                assertEscaped(page, 40, "health page");
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
