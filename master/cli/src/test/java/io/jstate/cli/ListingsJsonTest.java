package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.JobList;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.KeyList;
import io.jstate.proto.v1.Minion;
import io.jstate.proto.v1.MinionList;
import io.jstate.proto.v1.Quarantined;
import org.junit.jupiter.api.Test;

/**
 * {@code --json} of the listing commands ({@code minions}, {@code keys list}, {@code jobs list}):
 * one document each, with the keys their help and the guide name, in that order, for scripts such
 * as the lab's.
 */
class ListingsJsonTest extends CliFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The one document a command printed, compact, so that key order and values are compared. */
    private static String document(Result r) throws Exception {
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().endsWith("}\n"), r.out());
        return JSON.readTree(r.out()).toString();
    }

    private static String compact(String json) throws Exception {
        return JSON.readTree(json).toString();
    }

    @Test
    void minionsJson() throws Exception {
        master.reply("GET", "/admin/v1/minions?target=ctl*", MinionList.newBuilder(Canned.minions())
                .addMinions(Minion.newBuilder().setId("ctl3")).build());
        assertEquals(compact("""
                {"minions": [
                  {"id": "ctl1", "connected": true, "last_seen": "2026-11-18T11:06:36Z", "roles": ["controller", "db"],
                   "addresses": ["127.0.0.11", "::1"]},
                  {"id": "ctl2", "connected": false, "last_seen": "2026-11-18T11:01:40Z", "roles": ["controller"],
                   "addresses": ["127.0.0.12"]},
                  {"id": "ctl3", "connected": false, "last_seen": null, "roles": [], "addresses": []}],
                 "summary": {"total": 3, "connected": 1}}
                """), document(run("minions", "-t", "ctl*", "--json")));
    }

    @Test
    void noMinionIsAnEmptyListNotASentence() throws Exception {
        master.reply("GET", "/admin/v1/minions", MinionList.getDefaultInstance());
        assertEquals("No minions.\n", run("minions").out());
        assertEquals("{\"minions\":[],\"summary\":{\"total\":0,\"connected\":0}}", document(run("minions", "--json")));
    }

    @Test
    void keysListJson() throws Exception {
        master.reply("GET", "/admin/v1/keys", KeyList.newBuilder(Canned.keys())
                .addQuarantined(Quarantined.newBuilder().setFile("/d/keys/accepted/web1.pb")
                        .setMovedTo("/d/quarantine/keys/accepted/web1.pb.20261207T001500Z").setReason("is not a key record"))
                .addQuarantined(Quarantined.newBuilder().setMovedTo("/d/quarantine/minions/db1.pb.20261201T000000Z")
                        .setReason("moved aside at an earlier start"))
                .build());
        assertEquals(compact("""
                {"keys": [
                  {"minion": "web9", "state": "pending", "roles": [], "requested": "2026-11-18T11:06:30Z", "changed": null,
                   "fingerprint": "cc:dd"},
                  {"minion": "ctl1", "state": "accepted", "roles": ["controller", "db"], "requested": "2026-11-18T11:05:40Z",
                   "changed": "2026-11-18T11:06:10Z", "fingerprint": "aa:bb"},
                  {"minion": "evil", "state": "rejected", "roles": [], "requested": "2026-11-18T11:05:10Z",
                   "changed": "2026-11-18T11:05:20Z", "fingerprint": "ee:ff"}],
                 "quarantined": [
                  {"file": "/d/keys/accepted/web1.pb", "moved_to": "/d/quarantine/keys/accepted/web1.pb.20261207T001500Z",
                   "reason": "is not a key record"},
                  {"file": null, "moved_to": "/d/quarantine/minions/db1.pb.20261201T000000Z", "reason": "moved aside at an earlier start"}]}
                """), document(run("keys", "list", "--json")));
    }

    @Test
    void noKeyIsEmptyLists() throws Exception {
        master.reply("GET", "/admin/v1/keys", KeyList.getDefaultInstance());
        assertEquals("{\"keys\":[],\"quarantined\":[]}", document(run("keys", "list", "--json")));
    }

    @Test
    void jobsListJson() throws Exception {
        JobRequest apply = JobRequest.newBuilder().setTarget("G@roles:controller")
                .setApply(ApplyRequest.newBuilder().setTest(true)).build();
        JobRequest nginx = JobRequest.newBuilder().setTarget("web*")
                .setApply(ApplyRequest.newBuilder().addTargets("nginx").addTargets("users")).build();
        JobRequest ping = JobRequest.newBuilder().setTarget("*").setFunction(FunctionRequest.newBuilder().setName("cmd.run").addArgs("uptime")).build();
        master.reply("GET", "/admin/v1/jobs?limit=3", JobList.newBuilder()
                .addJobs(JobRecord.newBuilder().setJid("20261118082700000002").setRequest(nginx).setStartedUnixMs(Canned.T0 + 30_000)
                        .setError("nginx.sls:3: unknown state kind 'pkg.instaled'"))
                .addJobs(JobRecord.newBuilder().setJid("20261118082700000001").setRequest(ping).setStartedUnixMs(Canned.T0 + 20_000)
                        .addMinions("ctl1"))
                .addJobs(JobRecord.newBuilder().setJid(Canned.JID).setRequest(apply).setStartedUnixMs(Canned.T0)
                        .setFinishedUnixMs(Canned.T0 + 900).addMinions("ctl1").addMinions("ctl2").addLost("ctl2"))
                .build());
        assertEquals(compact("""
                {"jobs": [
                  {"jid": "20261118082700000002", "started": "2026-11-18T11:07:10Z", "finished": null, "target": "web*",
                   "what": "nginx users", "apply": {"sls": ["nginx", "users"], "test": false}, "function": null,
                   "minions": [], "lost": [], "state": "failed_to_start", "error": "nginx.sls:3: unknown state kind 'pkg.instaled'"},
                  {"jid": "20261118082700000001", "started": "2026-11-18T11:07:00Z", "finished": null, "target": "*",
                   "what": "cmd.run uptime", "apply": null, "function": {"name": "cmd.run", "args": ["uptime"]},
                   "minions": ["ctl1"], "lost": [], "state": "running", "error": null},
                  {"jid": "%s", "started": "2026-11-18T11:06:40Z", "finished": "2026-11-18T11:06:40.900Z",
                   "target": "G@roles:controller", "what": "highstate (test)", "apply": {"sls": [], "test": true}, "function": null,
                   "minions": ["ctl1", "ctl2"], "lost": ["ctl2"], "state": "done", "error": null}]}
                """.formatted(Canned.JID)), document(run("jobs", "list", "--limit", "3", "--json")));
        // The table says the same in words.
        String table = run("jobs", "list", "--limit", "3").out();
        assertTrue(table.contains("failed to start") && table.contains("running") && table.contains("done, 1 lost"), table);
    }

    @Test
    void noJobIsAnEmptyList() throws Exception {
        master.reply("GET", "/admin/v1/jobs?limit=20", JobList.getDefaultInstance());
        assertEquals("No jobs.\n", run("jobs", "list").out());
        assertEquals("{\"jobs\":[]}", document(run("jobs", "list", "--json")));
    }

    @Test
    void jsonIsOnlyForListings() {
        assertEquals(1, run("keys", "accept", "web9", "--json").code(), "keys accept has no --json");
        assertEquals(0, master.requests.size());
    }
}
