package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobList;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.KeyList;
import io.jstate.proto.v1.MinionStateEvent;
import io.jstate.proto.v1.Refusal;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a fake admin API over real mutual TLS. */
@Timeout(60)
class CliTest extends CliFixture {
    JobRequest lastJob() throws Exception {
        FakeMaster.Request r = master.requests.get(master.requests.size() - 1);
        assertEquals("POST", r.method());
        assertEquals("/admin/v1/jobs", r.uri());
        return JobRequest.parseFrom(r.body());
    }

    // ---- apply

    @Test
    void applyShowsLiveStatesThenSummariesAndTotals() throws Exception {
        master.stream("POST", "/admin/v1/jobs", Canned.applyOk());
        Result r = run("apply", "-t", "G@roles:controller", "--batch", "50%", "--timeout", "120");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        String out = r.out();
        assertTrue(out.startsWith("Job " + Canned.JID + " on 2 minions: ctl1, ctl2\n"), out);
        // Live lines carry the minion's id, in the order the events came.
        int changedBlock = out.indexOf("ctl1 |           ID: nginx");
        int ctl2Line = out.indexOf("ctl2 |   Name: nginx - Function: pkg.installed - Result: Unchanged");
        assertTrue(changedBlock >= 0 && ctl2Line > changedBlock, out);
        assertTrue(out.contains("ctl1 | " + " ".repeat(14) + "version: (none) -> 1.24.0"), out);
        assertTrue(out.contains("Started: 11:06:40.000"), out);
        // Each state once: the final results repeat what the live stream showed.
        assertEquals(1, count(out, "ctl1 |   Name: /etc/nginx/nginx.conf"), out);
        int s1 = out.indexOf("Summary for ctl1");
        int s2 = out.indexOf("Summary for ctl2");
        assertTrue(s1 > ctl2Line && s2 > s1, out);
        assertTrue(out.contains("Succeeded: 2 (changed=1)"), out);
        assertTrue(out.endsWith("\nMinions: 2 targeted, 2 returned, 0 lost, 0 failed\n"), out);

        JobRequest req = lastJob();
        assertEquals("G@roles:controller", req.getTarget());
        assertEquals(ApplyRequest.newBuilder().addTargets("highstate").build(), req.getApply());
        assertEquals("50%", req.getBatch());
        assertEquals(120_000, req.getTimeoutMs());
    }

    @Test
    void applySendsSlsNamesAndTestFlag() throws Exception {
        master.stream("POST", "/admin/v1/jobs", Canned.applyOk());
        Result r = run("apply", "nginx", "users", "-t", "ctl*", "--test");
        assertEquals(0, r.code(), r.err());
        JobRequest req = lastJob();
        assertEquals(List.of("nginx", "users"), req.getApply().getTargetsList());
        assertTrue(req.getApply().getTest());
        assertEquals("", req.getBatch());
        assertEquals(0, req.getTimeoutMs(), "no --timeout leaves the master's default");
    }

    @Test
    void aFailedStateALostAndARefusingMinionExit2() {
        master.stream("POST", "/admin/v1/jobs", List.of(
                Canned.started("ctl1", "ctl2", "ctl3", "ctl4"),
                Canned.state("ctl1", Canned.failed("nginx", "service.running")),
                Canned.done("ctl1", Canned.failed("nginx", "service.running")),
                Canned.done("ctl2", Canned.unchanged("nginx", "pkg.installed")),
                Canned.refused("ctl3", Refusal.Reason.EXPIRED, "the job expired at 2026-11-18T08:00:00Z"),
                Canned.lost("ctl4", "did not return within 600 s"),
                Canned.jobDone(4, 3, 1, 2)));
        Result r = run("apply", "-t", "ctl*");
        assertEquals(2, r.code());
        String out = r.out();
        assertTrue(out.contains("ctl1 |       Result: Failed"), out);
        assertTrue(out.contains("ctl1 |      Comment: exit status 1: unit not found"), out);
        assertTrue(out.contains("ctl3 | refused the job (EXPIRED): the job expired"), out);
        assertTrue(out.contains("ctl4 | lost: did not return within 600 s"), out);
        assertTrue(out.contains("Summary for ctl1"), out);
        assertTrue(out.contains("Failed: 1"), out);
        assertFalse(out.contains("Summary for ctl3"), out);
        assertTrue(out.contains("Minions: 4 targeted, 3 returned, 1 lost, 2 failed\n"
                + "  failed: ctl1 (service.running nginx failed: exit status 1: unit not found)\n"
                + "  failed: ctl3 (refused the job (EXPIRED): the job expired at 2026-11-18T08:00:00Z)\n"
                + "  lost: ctl4 (did not return within 600 s)\n"), out);
    }

    /** A job stream that stays silent for a while after the minions started, as a long state does. */
    private void slowStream(long silentMs) {
        master.on("POST", "/admin/v1/jobs", (ex, b) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            for (JobEvent e : List.of(Canned.started("ctl1", "ctl2", "ctl3"),
                    JobEvent.newBuilder().setType(JobEvent.Type.MINION_ACCEPTED).setJid(Canned.JID).setMinionId("ctl1").build(),
                    JobEvent.newBuilder().setType(JobEvent.Type.MINION_ACCEPTED).setJid(Canned.JID).setMinionId("ctl2").build(),
                    Canned.state("ctl2", Canned.unchanged("nginx", "pkg.installed")),
                    Canned.done("ctl3", Canned.unchanged("nginx", "pkg.installed")))) {
                e.writeDelimitedTo(o);
                o.flush();
            }
            Thread.sleep(silentMs);
            for (JobEvent e : List.of(Canned.done("ctl1", Canned.unchanged("nginx", "pkg.installed")),
                    Canned.done("ctl2", Canned.unchanged("nginx", "pkg.installed")), Canned.jobDone(3, 3, 0, 0))) {
                e.writeDelimitedTo(o);
                o.flush();
            }
            o.close();
        });
    }

    @Test
    void aLongWaitSaysOnStderrWhichMinionsItWaitsForAndWhere() {
        slowStream(2500);
        Map<String, String> env = Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", pkiDir.toString(), "JSTATE_PROGRESS_SECONDS", "1");
        Result r = run(env, Duration.ofSeconds(5), "apply", "-t", "ctl*");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("jstate: job " + Canned.JID + " still waiting after 1 s for 2 minions:\n"
                + "  ctl1: running for 0 s, no state finished yet\n"
                + "  ctl2: after state 'nginx', which finished 0 s ago\n"), r.err());
        long lines = r.err().lines().filter(l -> l.contains("still waiting")).count();
        assertTrue(lines >= 1 && lines <= 3, "about once a second over 2.5 s: " + r.err());
        assertFalse(r.out().contains("still waiting"), r.out());

        slowStream(1500);
        Result json = run(env, Duration.ofSeconds(5), "apply", "-t", "ctl*", "--json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.err().contains("still waiting after 1 s for 2 minions"), json.err());
        assertFalse(json.out().contains("still waiting"), json.out());
    }

    @Test
    void aLongWaitNamesTheStateEachMinionRunsAndWhatItWaitsFor() {
        String what = "check 3 of 60 in 5s, waiting for: tcp 10.77.0.12:4567 not met -> met";
        List<JobEvent> before = List.of(Canned.started("ctl1", "ctl2"),
                JobEvent.newBuilder().setType(JobEvent.Type.MINION_ACCEPTED).setJid(Canned.JID).setMinionId("ctl1").build(),
                JobEvent.newBuilder().setType(JobEvent.Type.MINION_ACCEPTED).setJid(Canned.JID).setMinionId("ctl2").build(),
                Canned.progress("ctl1", "mariadb-pkgs", "pkg.installed", 1500, ""),
                Canned.progress("ctl2", "galera-joined", "wait.for", 45_500, what));
        List<JobEvent> after = List.of(Canned.done("ctl1", Canned.unchanged("mariadb-pkgs", "pkg.installed")),
                Canned.done("ctl2", Canned.unchanged("galera-joined", "wait.for")), Canned.jobDone(2, 2, 0, 0));
        master.stream("POST", "/admin/v1/jobs", before, 2500, after);
        Map<String, String> env = Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", pkiDir.toString(), "JSTATE_PROGRESS_SECONDS", "1");
        // The fixture's clock stands still, so the times are the minions' own.
        Result r = run(env, Duration.ofSeconds(5), "apply", "-t", "ctl*");
        assertEquals(0, r.code(), r.err());
        // Which progress line first has the states depends on when the events arrive (after 1 s on a loaded machine).
        assertTrue(java.util.regex.Pattern.compile("jstate: job " + Canned.JID + " still waiting after \\d+ s for 2 minions:\n"
                + "  ctl1: state 'mariadb-pkgs' \\(pkg.installed\\) running for 1 s\n"
                + "  ctl2: state 'galera-joined' \\(wait.for\\) running for 45 s: " + java.util.regex.Pattern.quote(what) + "\n")
                .matcher(r.err()).find(), r.err());
        assertFalse(r.out().contains("running for"), r.out());

        // A state's result ends what was said of it: the minion is after that state again.
        master.stream("POST", "/admin/v1/jobs", List.of(Canned.started("ctl2"), Canned.progress("ctl2", "galera-joined", "wait.for", 45_000, what),
                Canned.state("ctl2", Canned.unchanged("galera-joined", "wait.for"))), 1500,
                List.of(Canned.done("ctl2", Canned.unchanged("galera-joined", "wait.for")), Canned.jobDone(1, 1, 0, 0)));
        Result next = run(env, Duration.ofSeconds(5), "apply", "-t", "ctl2");
        assertTrue(next.err().contains("  ctl2: after state 'galera-joined', which finished "), next.err());

        master.stream("POST", "/admin/v1/jobs", before, 1500, after);
        Result json = run(env, Duration.ofSeconds(5), "apply", "-t", "ctl*", "--json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.err().contains("  ctl2: state 'galera-joined' (wait.for) running for 45 s: " + what), json.err());
        assertFalse(json.out().contains("running for") || json.out().contains("waiting for"), json.out());
    }

    @Test
    void aMinionThatCouldNotCompileFails() {
        master.stream("POST", "/admin/v1/jobs", List.of(Canned.started("ctl1"),
                Canned.returned(Canned.report("ctl1").toBuilder()
                        .setReport(Canned.report("ctl1").getReport().toBuilder().setCompileError("nginx.sls:3: no such kind 'pkg.instaled'"))
                        .build()),
                Canned.jobDone(1, 1, 0, 1)));
        Result r = run("apply", "-t", "ctl1");
        assertEquals(2, r.code());
        // One minion: no prefix.
        assertTrue(r.out().contains("\ncould not compile its states: nginx.sls:3: no such kind 'pkg.instaled'\n"), r.out());
        assertTrue(r.out().contains("failed: ctl1 (could not compile its states: nginx.sls:3: no such kind 'pkg.instaled')"), r.out());
    }

    @Test
    void aJobThatCannotStartExits1WithTheMastersMessage() {
        String message = "nginx/init.sls:12: state 'nginx-conf': unknown requisite 'pkg: ngnix' (did you mean 'nginx'?)";
        master.stream("POST", "/admin/v1/jobs", List.of(Canned.jobFailed(message)));
        Result r = run("apply", "-t", "*");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals("jstate: the job could not start: " + message + "\n", r.err());
    }

    @Test
    void noMatchingMinionExits1() {
        master.stream("POST", "/admin/v1/jobs", List.of(Canned.started(), Canned.jobDone(0, 0, 0, 0)));
        Result r = run("apply", "-t", "nothing*");
        assertEquals(1, r.code());
        assertTrue(r.out().contains("no minion matched the target 'nothing*'"), r.out());
    }

    @Test
    void jsonIsOneDocumentWithEveryMinionAndTheLostOnes() throws Exception {
        List<JobEvent> events = new ArrayList<>(Canned.applyOk());
        events.add(events.size() - 1, Canned.lost("ctl3", "disconnected"));
        events.set(0, Canned.started("ctl1", "ctl2", "ctl3"));
        master.stream("POST", "/admin/v1/jobs", events);
        Result r = run("apply", "-t", "*", "--json");
        assertEquals(2, r.code());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(Canned.JID, doc.get("jid").asText());
        assertTrue(doc.get("complete").asBoolean());
        assertEquals(2, doc.get("minions").size());
        JsonNode ctl1 = doc.get("minions").get(0);
        assertEquals("ctl1", ctl1.get("minion").asText());
        assertEquals(1, ctl1.get("summary").get("changed").asInt());
        assertEquals("changed", ctl1.get("states").get(0).get("result").asText());
        assertEquals("1.24.0", ctl1.get("states").get(0).get("changes").get(0).get("after").asText());
        assertTrue(ctl1.get("compile_error").isNull());
        assertEquals("ctl3", doc.get("lost").get(0).get("minion").asText());
        assertEquals("disconnected", doc.get("lost").get(0).get("message").asText());
        assertEquals(3, doc.get("summary").get("minions").asInt());
        assertEquals(2, doc.get("summary").get("returned").asInt());
        assertEquals(1, doc.get("summary").get("lost").asInt());
        assertEquals(0, doc.get("summary").get("failed").asInt());
    }

    // ---- run

    @Test
    void runPrintsEachMinionsReturnAsPrettyJson() throws Exception {
        master.stream("POST", "/admin/v1/jobs", List.of(Canned.started("ctl1", "ctl2"),
                Canned.returned(Canned.function("ctl1", "{\"retcode\":0,\"stdout\":\"up 3 days\",\"stderr\":\"\"}")),
                Canned.returned(Canned.function("ctl2", "{\"retcode\":0,\"stdout\":\"up 5 days\",\"stderr\":\"\"}")),
                Canned.jobDone(2, 2, 0, 0)));
        Result r = run("run", "-t", "L@ctl1,ctl2", "cmd.run", "uptime", "-p");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ctl1:\n    {\n      \"retcode\" : 0,\n      \"stdout\" : \"up 3 days\",\n"), r.out());
        assertTrue(r.out().contains("ctl2:\n    {\n"), r.out());
        assertEquals(FunctionRequest.newBuilder().setName("cmd.run").addArgs("uptime").addArgs("-p").build(), lastJob().getFunction());
    }

    @Test
    void runJsonAndAFailedFunction() throws Exception {
        master.stream("POST", "/admin/v1/jobs", List.of(Canned.started("ctl1", "ctl2"),
                Canned.returned(Canned.function("ctl1", "true")),
                Canned.returned(Canned.function("ctl2", "").toBuilder()
                        .setFunction(io.jstate.proto.v1.FunctionReturn.newBuilder().setSuccess(false).setError("no such function")).build()),
                Canned.jobDone(2, 2, 0, 1)));
        Result r = run("run", "-t", "*", "--json", "test.ping");
        assertEquals(2, r.code());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertTrue(doc.get("returns").get("ctl1").asBoolean());
        assertEquals("no such function", doc.get("errors").get("ctl2").asText());
    }

    // ---- keys, minions

    @Test
    void keysListShowsPendingFirst() {
        master.reply("GET", "/admin/v1/keys", Canned.keys());
        Result r = run("keys", "list");
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                MINION  STATE     ROLES          REQUESTED            CHANGED              FINGERPRINT
                web9    pending   -              2026-11-18 11:06:30  -                    cc:dd
                ctl1    accepted  controller,db  2026-11-18 11:05:40  2026-11-18 11:06:10  aa:bb
                evil    rejected  -              2026-11-18 11:05:10  2026-11-18 11:05:20  ee:ff
                """, r.out());
    }

    @Test
    void keysListShowsStoreFilesTheMasterMovedAside() {
        master.reply("GET", "/admin/v1/keys", KeyList.newBuilder()
                .addQuarantined(io.jstate.proto.v1.Quarantined.newBuilder().setFile("/d/keys/accepted/web1.pb")
                        .setMovedTo("/d/quarantine/keys/accepted/web1.pb.20261207T001500Z").setReason("is not a key record"))
                .addQuarantined(io.jstate.proto.v1.Quarantined.newBuilder().setMovedTo("/d/quarantine/minions/db1.pb.20261201T000000Z")
                        .setReason("moved aside at an earlier start"))
                .build());
        Result r = run("keys", "list");
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                No minion keys.

                Needs attention: the master could not read these store files and moved them aside; restore or delete them:
                  /d/quarantine/keys/accepted/web1.pb.20261207T001500Z: was /d/keys/accepted/web1.pb, is not a key record
                  /d/quarantine/minions/db1.pb.20261201T000000Z: moved aside at an earlier start
                """, r.out());
    }

    @Test
    void keysAcceptRejectDelete() throws Exception {
        KeyList web9 = KeyList.newBuilder().addKeys(Key.newBuilder().setMinionId("web9").setState(Key.State.ACCEPTED).setFingerprint("cc:dd")).build();
        master.reply("POST", "/admin/v1/keys/web9/accept", web9);
        master.reply("POST", "/admin/v1/keys/accept-all", KeyList.getDefaultInstance());
        master.reply("POST", "/admin/v1/keys/evil/reject", KeyList.newBuilder().addKeys(Key.newBuilder().setMinionId("evil")).build());
        master.reply("DELETE", "/admin/v1/keys/ctl1", KeyList.newBuilder().addKeys(Key.newBuilder().setMinionId("ctl1")).build());
        master.error("POST", "/admin/v1/keys/nobody/accept", 404, "no key for minion 'nobody'");

        assertEquals(new Result(0, "Accepted the key of web9 (cc:dd)\n", ""), run("keys", "accept", "web9"));
        assertEquals(new Result(0, "No pending keys.\n", ""), run("keys", "accept", "--all"));
        assertEquals(new Result(0, "Rejected the key of evil\n", ""), run("keys", "reject", "evil"));
        assertEquals(new Result(0, "Deleted the key of ctl1\n", ""), run("keys", "delete", "ctl1"));
        Result missing = run("keys", "accept", "nobody");
        assertEquals(1, missing.code());
        assertEquals("jstate: the master refused POST /admin/v1/keys/nobody/accept (HTTP 404): no key for minion 'nobody'\n", missing.err());
        assertEquals(1, run("keys", "accept").code(), "neither ID nor --all");
        // The id rule is the master's: a bad id is refused before anything is sent.
        Result badId = run("keys", "delete", "m".repeat(io.jstate.common.wire.MinionIds.MAX_LENGTH + 1));
        assertEquals(1, badId.code());
        assertTrue(badId.err().contains("is not allowed: " + io.jstate.common.wire.MinionIds.RULE), badId.err());
        assertEquals(1, run("keys").code(), "a subcommand is required");
    }

    @Test
    void keysAcceptWithRolesAndKeysRolesSendTheRolesToAssign() throws Exception {
        KeyList db1 = KeyList.newBuilder().addKeys(Key.newBuilder().setMinionId("db1").setFingerprint("cc:dd").addRoles("backup").addRoles("db")).build();
        master.reply("POST", "/admin/v1/keys/db1/accept", db1);
        master.reply("POST", "/admin/v1/keys/db1/roles", db1);
        assertEquals(new Result(0, "Accepted the key of db1 (cc:dd), roles backup,db\n", ""), run("keys", "accept", "db1", "--role", "db, backup"));
        assertEquals(List.of("db", "backup"), Key.parseFrom(master.requests.get(0).body()).getRolesList());
        assertEquals(new Result(0, "Set roles on the key of db1 (cc:dd), roles backup,db\n", ""), run("keys", "roles", "db1", "backup,db"));
        assertEquals("/admin/v1/keys/db1/roles", master.requests.get(1).uri());
        assertEquals(List.of("backup", "db"), Key.parseFrom(master.requests.get(1).body()).getRolesList());
        run("keys", "roles", "db1", "");
        assertEquals(List.of(), Key.parseFrom(master.requests.get(2).body()).getRolesList(), "'' clears the roles");
        assertEquals(1, run("keys", "accept", "--all", "--role", "db").code(), "--role needs one minion");
        assertEquals(1, run("keys", "roles", "db1").code(), "ROLES is required");
        assertEquals(3, master.requests.size());
    }

    @Test
    void minionsListsConnectedAndLastSeen() {
        master.reply("GET", "/admin/v1/minions?target=G%40roles%3Acontroller%20and%20not%20db*", Canned.minions());
        Result r = run("minions", "-t", "G@roles:controller and not db*");
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                MINION  CONNECTED  LAST SEEN                     ROLES          ADDRESSES
                ctl1    yes        2026-11-18 11:06:36 (4s ago)  controller,db  127.0.0.11,::1
                ctl2    no         2026-11-18 11:01:40 (5m ago)  controller     127.0.0.12
                2 minions, 1 connected
                """, r.out());
    }

    @Test
    void optionsBeforeTheCommandWorkToo() {
        master.reply("GET", "/admin/v1/minions", Canned.minions());
        Result r = run(Map.of(), Duration.ofSeconds(5), "--master", master.url(), "--pki", pkiDir.toString(), "minions");
        assertEquals(0, r.code(), r.err());
        Result after = run(Map.of(), Duration.ofSeconds(5), "minions", "--master", master.url(), "--pki", pkiDir.toString());
        assertEquals(r, after);
    }

    // ---- jobs

    @Test
    void jobsListAndShow() {
        JobRequest apply = JobRequest.newBuilder().setTarget("G@roles:controller")
                .setApply(ApplyRequest.newBuilder().addTargets("highstate").setTest(true)).build();
        JobRequest ping = JobRequest.newBuilder().setTarget("*").setFunction(FunctionRequest.newBuilder().setName("cmd.run").addArgs("uptime")).build();
        master.reply("GET", "/admin/v1/jobs?limit=20", JobList.newBuilder()
                .addJobs(JobRecord.newBuilder().setJid("20261118082700000001").setRequest(ping).setStartedUnixMs(Canned.T0 + 20_000)
                        .addMinions("ctl1"))
                .addJobs(JobRecord.newBuilder().setJid(Canned.JID).setRequest(apply).setStartedUnixMs(Canned.T0)
                        .setFinishedUnixMs(Canned.T0 + 900).addMinions("ctl1").addMinions("ctl2").addLost("ctl2"))
                .build());
        Result list = run("jobs", "list");
        assertEquals(0, list.code(), list.err());
        assertEquals("""
                JID                   STARTED              TARGET              WHAT              MINIONS  STATE
                20261118082700000001  2026-11-18 11:07:00  *                   cmd.run uptime    1        running
                20261122115530123456  2026-11-18 11:06:40  G@roles:controller  highstate (test)  2        done, 1 lost
                """, list.out());

        master.reply("GET", "/admin/v1/jobs/" + Canned.JID, JobRecord.newBuilder().setJid(Canned.JID).setRequest(apply)
                .setStartedUnixMs(Canned.T0).setFinishedUnixMs(Canned.T0 + 900).addMinions("ctl1").addMinions("ctl2")
                .addResults(Canned.report("ctl1", Canned.changed("nginx", "pkg.installed"))).addLost("ctl2").build());
        Result show = run("jobs", "show", Canned.JID);
        assertEquals(2, show.code(), show.err());
        String out = show.out();
        assertTrue(out.startsWith("Job " + Canned.JID + ": highstate (test) on 'G@roles:controller', started 2026-11-18 11:06:40,"
                + " finished 2026-11-18 11:06:40\n"), out);
        assertTrue(out.contains("ctl1 |           ID: nginx"), out);
        assertTrue(out.contains("ctl2 | lost: "), out);
        assertTrue(out.contains("Summary for ctl1"), out);
        assertTrue(out.endsWith("Minions: 2 targeted, 1 returned, 1 lost, 0 failed\n  lost: ctl2 (did not return)\n"), out);
    }

    @Test
    void jobsShowOfARunningJobShowsPartialStates() throws Exception {
        JobRequest apply = JobRequest.newBuilder().setTarget("*").setApply(ApplyRequest.newBuilder().addTargets("highstate")).build();
        master.reply("GET", "/admin/v1/jobs/" + Canned.JID, JobRecord.newBuilder().setJid(Canned.JID).setRequest(apply)
                .setStartedUnixMs(Canned.T0).addMinions("ctl1").addMinions("ctl2")
                .addResults(Canned.report("ctl1", Canned.unchanged("nginx", "pkg.installed")))
                .addPartial(MinionStateEvent.newBuilder().setMinionId("ctl2").setResult(Canned.changed("nginx", "pkg.installed")))
                .putRunning("ctl2", Canned.progress("ctl2", "nginx-up", "wait.for", 12_000, "check 2 of 10 in 1s, waiting for: tcp 127.0.0.1:80")
                        .getProgress())
                .build());
        Result show = run("jobs", "show", Canned.JID);
        assertEquals(2, show.code());
        assertTrue(show.out().contains("ctl2 |           ID: nginx"), show.out());
        assertTrue(show.out().contains("1 without a result yet\n  no result yet: ctl2\n"), show.out());
        assertTrue(show.err().contains("still running; run this again for the rest.\n"
                + "  ctl2: state 'nginx-up' (wait.for) running for 12 s: check 2 of 10 in 1s, waiting for: tcp 127.0.0.1:80\n"), show.err());
        assertFalse(show.out().contains("running for"), show.out());

        Result json = run("jobs", "show", Canned.JID, "--json");
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertFalse(doc.get("complete").asBoolean());
        assertEquals("ctl2", doc.get("pending").get(0).asText());
    }

    @Test
    void jobsShowOfAnUnknownJob() {
        master.error("GET", "/admin/v1/jobs/123", 404, "no job 123");
        Result r = run("jobs", "show", "123");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no job 123"), r.err());
    }

    // ---- failures

    @Test
    void aDroppedStreamNamesTheJid() {
        master.stream("POST", "/admin/v1/jobs", List.of(Canned.started("ctl1", "ctl2"),
                Canned.state("ctl1", Canned.unchanged("nginx", "pkg.installed"))));
        Result r = run("apply", "-t", "*");
        assertEquals(2, r.code());
        assertTrue(r.out().contains("ctl1 |   Name: nginx"), r.out());
        assertTrue(r.out().contains("2 without a result yet"), r.out());
        assertEquals("jstate: job " + Canned.JID + " did not finish while the CLI waited (the master closed the stream)."
                + " The master keeps its results: jstate jobs show " + Canned.JID + "\n", r.err());
    }

    @Test
    void aStreamCutMidMessageNamesTheJid() {
        master.on("POST", "/admin/v1/jobs", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            Canned.started("ctl1").writeDelimitedTo(out);
            byte[] next = Canned.state("ctl1", Canned.changed("nginx", "pkg.installed")).toByteArray();
            out.write(next.length);
            out.write(next, 0, next.length / 2);
            out.close();
        });
        Result r = run("apply", "-t", "*");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("jstate jobs show " + Canned.JID), r.err());
        assertTrue(r.err().contains("the stream broke"), r.err());
    }

    @Test
    void aStalledStreamIsGivenUpAfterTheTimeoutAndMargin() {
        master.on("POST", "/admin/v1/jobs", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            Canned.started("ctl1").writeDelimitedTo(out);
            out.flush();
            release.await(30, TimeUnit.SECONDS);
            out.close();
        });
        long t0 = System.nanoTime();
        Result r = run(Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", pkiDir.toString()), Duration.ofMillis(500),
                "apply", "-t", "*", "--timeout", "1");
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals(2, r.code());
        assertTrue(ms >= 1400 && ms < 5000, "gave up after " + ms + " ms");
        assertTrue(r.err().contains("gave up waiting after 1 s"), r.err());
        assertTrue(r.err().contains("jstate jobs show " + Canned.JID), r.err());
    }

    @Test
    void aMasterThatFallsSilentIsGivenUpLongBeforeTheJobsTimeout() {
        // The job may take 600 s, but a master that sends not even a keepalive for 15 s (its period)
        // plus the margin has stopped: the operator is told at once, with the jid.
        master.on("POST", "/admin/v1/jobs", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            JobEvent.getDefaultInstance().writeDelimitedTo(out);
            Canned.started("ctl1").writeDelimitedTo(out);
            out.flush();
            release.await(60, TimeUnit.SECONDS);
            out.close();
        });
        long t0 = System.nanoTime();
        Result r = run(Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", pkiDir.toString()), Duration.ofMillis(500),
                "apply", "-t", "*", "--timeout", "600");
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals(2, r.code(), r::toString);
        assertTrue(ms >= 15_000 && ms < 30_000, "gave up after " + ms + " ms");
        assertTrue(r.err().contains("the master sent nothing for 15 s"), r.err());
        assertTrue(r.err().contains("jstate jobs show " + Canned.JID), r.err());
    }

    @Test
    void anUnreachableMasterIsSaidSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, TestPki.loopback())) {
            port = s.getLocalPort();
        }
        Result r = run(Map.of("JSTATE_MASTER", "https://127.0.0.1:" + port, "JSTATE_PKI", pkiDir.toString()), Duration.ofSeconds(5),
                "apply", "-t", "*");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals("jstate: cannot reach the master at https://127.0.0.1:" + port
                + ": connection refused (is jstate-master running? check --master or JSTATE_MASTER)\n", r.err());
    }

    @Test
    void anotherClientCertificateIsRefused() throws Exception {
        // Issued by the same CA, so only the master's "exactly the admin certificate" rule stops it.
        Path other = pki.write(tmp.resolve("other"), pki.client("admin"), true);
        master.reply("GET", "/admin/v1/keys", Canned.keys());
        Result r = run(Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", other.toString()), Duration.ofSeconds(5), "keys", "list");
        assertEquals(1, r.code(), r.out());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("jstate: TLS with the master at " + master.url() + " failed: "), r.err());
        assertTrue(r.err().contains("admin.crt"), r.err());
        assertTrue(master.requests.isEmpty(), "the request never reached the API");
    }

    @Test
    void aMasterWithACertificateFromAnotherCaIsNotTrusted() throws Exception {
        TestPki impostor = new TestPki("jstate master CA");
        try (FakeMaster fake = new FakeMaster(impostor, impostor.server(), admin.cert())) {
            fake.reply("GET", "/admin/v1/keys", Canned.keys());
            Result r = run(Map.of("JSTATE_MASTER", fake.url(), "JSTATE_PKI", pkiDir.toString()), Duration.ofSeconds(5), "keys", "list");
            assertEquals(1, r.code());
            assertTrue(r.err().startsWith("jstate: TLS with the master at " + fake.url() + " failed: "), r.err());
            assertTrue(fake.requests.isEmpty());
        }
    }

    @Test
    void aMasterCertificateForAnotherNameIsNotTrusted() throws Exception {
        TestPki.Identity elsewhere = pki.server(new org.bouncycastle.asn1.x509.GeneralName(
                org.bouncycastle.asn1.x509.GeneralName.dNSName, "master.example.org"));
        try (FakeMaster fake = new FakeMaster(pki, elsewhere, admin.cert())) {
            fake.reply("GET", "/admin/v1/keys", Canned.keys());
            Result r = run(Map.of("JSTATE_MASTER", fake.url(), "JSTATE_PKI", pkiDir.toString()), Duration.ofSeconds(5), "keys", "list");
            assertEquals(1, r.code());
            assertTrue(r.err().startsWith("jstate: TLS with the master at " + fake.url() + " failed: "), r.err());
            assertTrue(r.err().contains("the master's certificate does not name '127.0.0.1' (it names master.example.org)"), r.err());
            assertTrue(fake.requests.isEmpty());
        }
    }

    @Test
    void aMasterDialledByANameItsCertificateHoldsIsTrusted() throws Exception {
        TestPki.Identity named = pki.server(new org.bouncycastle.asn1.x509.GeneralName(
                org.bouncycastle.asn1.x509.GeneralName.dNSName, "localhost"));
        try (FakeMaster fake = new FakeMaster(pki, named, admin.cert())) {
            fake.reply("GET", "/admin/v1/keys", Canned.keys());
            String url = fake.url().replace("127.0.0.1", "localhost");
            Result r = run(Map.of("JSTATE_MASTER", url, "JSTATE_PKI", pkiDir.toString()), Duration.ofSeconds(5), "keys", "list");
            assertEquals(0, r.code(), r.err());
            assertEquals(1, fake.requests.size());
        }
    }

    @Test
    void aMissingAdminKeyIsNamed() {
        Result r = run(Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", tmp.resolve("nowhere").toString()), Duration.ofSeconds(5),
                "minions");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("jstate: cannot read " + tmp.resolve("nowhere").resolve("ca.crt") + ": no such file"), r.err());
    }

    @Test
    void usageErrorsExit1BeforeAnythingIsSent() {
        Result noTarget = run("apply");
        assertEquals(1, noTarget.code());
        assertEquals("jstate apply: a target is required: -t TARGET, e.g. -t '*'\nTry 'jstate apply --help'.\n", noTarget.err());
        Result badBatch = run("apply", "-t", "*", "--batch", "0");
        assertEquals(1, badBatch.code());
        assertTrue(badBatch.err().contains("--batch takes a number of minions"), badBatch.err());
        assertEquals(1, run("apply", "-t", "*", "--batch", "150%").code());
        assertEquals(1, run("apply", "-t", "*", "--timeout", "0").code());
        assertEquals(1, run("run", "-t", "*").code());
        assertEquals(1, run().code());
        assertTrue(master.requests.isEmpty());
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }
}
