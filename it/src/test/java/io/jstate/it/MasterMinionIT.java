package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jstate.proto.v1.ApplyJob;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.BundleFile;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.SignedJob;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One master and three minion daemons as separate processes on distinct loopback addresses,
 * driven through the jstate CLI, as an operator would: enrollment, an apply by role, a rejected
 * and a deleted key, forged envelopes, and a master and a minion killed in the middle of a job.
 * The tests share the processes and run in order; each says what state it leaves behind.
 * Throughout, {@code jstate events --json} follows the master's event stream, and each scenario
 * also checks the events it caused.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MasterMinionIT {
    private static final Duration CLI_LIMIT = Duration.ofSeconds(60);
    private static final List<String> CONTROLLERS = List.of("ctl1", "ctl2", "ctl3");
    /** The pillar top: the database secret goes to minions the master gives the role dbserver. */
    private static final String PILLAR_TOP = "base:\n  '*':\n    - common\n  'R@dbserver':\n    - dbsecret\n";
    private static final Pattern RUNNING_JOB = Pattern.compile("running job (\\d{20}) ");

    @TempDir
    static Path tmp;

    private Path repo;
    private Procs procs;
    private Path masterYaml;
    private Path out;
    private Procs.Proc master;
    private int masterStarts;
    private final Map<String, Procs.Proc> minions = new LinkedHashMap<>();
    /** {@code jstate events --json} for the current master process (a new one after a restart). */
    private Procs.Proc events;
    private int gatewayPort;

    @BeforeAll
    void startMaster() throws Exception {
        repo = Path.of(System.getProperty("jstate.repo", "..")).toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(repo.resolve("packaging/bin/jstate-master")), "no launchers under " + repo);
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        procs = new Procs(logs);
        out = Files.createDirectories(tmp.resolve("out"));
        writeTrees();
        int gateway = freePort();
        gatewayPort = gateway;
        int admin = freePort();
        masterYaml = tmp.resolve("master/master.yaml");
        Files.createDirectories(masterYaml.getParent());
        Files.writeString(masterYaml, """
                data_dir: data
                gateway: {listen: "127.0.0.1:%d"}
                admin: {listen: "127.0.0.1:%d"}
                web: {listen: "127.0.0.1:0"}
                states: ../states
                pillar: ../pillar
                nodegroups: {controllers: 'G@roles:controller'}
                roles: {controller: 'L@ctl1,ctl2,ctl3'}
                jobs: {retention_days: 7, default_timeout_seconds: 60}
                """.formatted(gateway, admin));
        startMasterProcess();
        for (String id : CONTROLLERS) writeMinionConfig(id, "127.0.0.1:" + gateway, dataDir(id));
        writeMinionConfig("ctl4", "127.0.0.1:" + gateway, dataDir("ctl4"));
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        if (procs == null) return;
        String keep = System.getProperty("jstate.itLogs");
        procs.closeAndKeep(keep == null ? null : Path.of(keep));
    }

    // ---- the scenarios, in order ----

    /** Leaves ctl1..ctl3 accepted and connected. */
    @Test
    @Order(1)
    void minionsEnrollAndConnectOnceAccepted() throws Exception {
        for (String id : CONTROLLERS) minions.put(id, procs.start(id, minionCommand(id)));
        for (String id : CONTROLLERS) {
            minions.get(id).awaitLine(l -> l.contains("waiting for master") && l.contains("jstate keys accept " + id), Duration.ofSeconds(40),
                    "request to enroll");
        }
        Procs.Ran keys = cli("keys", "list");
        assertEquals(0, keys.exit(), keys::toString);
        for (String id : CONTROLLERS) assertTrue(row(keys.out(), id).contains("pending"), keys::toString);
        assertEquals(3, keys.out().lines().filter(l -> l.contains("pending")).count(), keys::toString);

        Procs.Ran accept = cli("keys", "accept", "--all");
        assertEquals(0, accept.exit(), accept::toString);
        for (String id : CONTROLLERS) assertTrue(accept.out().contains("Accepted the key of " + id), accept::toString);

        // A pending minion asks again every 10 to 12 s; then it connects with its new certificate.
        for (String id : CONTROLLERS) awaitConnections(id, 1, Duration.ofSeconds(40));
        Procs.Ran list = cli("minions");
        assertEquals(0, list.exit(), list::toString);
        for (String id : CONTROLLERS) {
            String row = row(list.out(), id);
            assertTrue(row.matches(id + "\\s+yes\\s+.*controller\\s+127\\.0\\.0\\.1" + id.charAt(3) + "\\b.*"), list::toString);
        }
        assertTrue(list.out().contains("3 minions, 3 connected"), list::toString);

        for (String id : CONTROLLERS) {
            awaitEvent("jstate/key/request/" + id, d -> d.get("id").asText().equals(id) && !d.get("auto_accept").asBoolean()
                    && d.get("fingerprint").asText().matches("[0-9a-f:]{95}"));
            awaitEvent("jstate/key/accepted/" + id, d -> d.get("was").asText().equals("pending"));
            // The master's roles (roles: of master.yaml), whatever the minion claims: ctl3 also claims dbserver.
            awaitEvent("jstate/minion/up/" + id, d -> d.get("address").asText().equals("127.0.0.1" + id.charAt(3))
                    && d.get("roles").toString().equals("[\"controller\"]"));
        }
    }

    /** The template sees the other controllers as peers and the minion's own pillar. */
    @Test
    @Order(2)
    void applyToARoleRendersPeersAndPillar() throws Exception {
        Procs.Ran apply = cli("apply", "-t", "G@roles:controller");
        assertEquals(0, apply.exit(), apply::toString);
        assertTrue(apply.out().contains("Minions: 3 targeted, 3 returned, 0 lost, 0 failed"), apply::toString);
        List<String> jobs = startedJobs();
        assertEquals(1, jobs.size(), events::output);
        String jid = jobs.get(0);
        awaitEvent("jstate/job/" + jid + "/start", d -> d.get("kind").asText().equals("apply") && d.get("target").asText().equals("G@roles:controller")
                && d.get("minions").size() == 3);
        for (String id : CONTROLLERS) {
            JsonNode state = awaitEvent("jstate/job/" + jid + "/state/" + id, d -> d.get("id").asText().equals("peers-file"));
            assertEquals("file.managed", state.get("data").get("kind").asText(), state::toString);
            assertEquals("changed", state.get("data").get("outcome").asText(), state::toString);
            assertTrue(state.get("data").get("duration_ms").asDouble() >= 0, state::toString);
            assertFalse(state.toString().contains("hello from pillar"), "no pillar and no change contents in events: " + state);
            awaitEvent("jstate/job/" + jid + "/return/" + id, d -> d.get("outcome").asText().equals("ok") && d.get("states").asInt() == 1
                    && d.get("changed").asInt() == 1 && d.get("failed").asInt() == 0);
        }
        awaitEvent("jstate/job/" + jid + "/done", d -> d.get("outcome").asText().equals("succeeded") && d.get("returned").asInt() == 3
                && d.get("lost").asInt() == 0 && d.get("duration_ms").asLong() >= 0);
        for (String id : CONTROLLERS) {
            Path file = out.resolve(id).resolve("peers.txt");
            assertTrue(Files.isRegularFile(file), "no " + file + "\n" + apply);
            List<String> lines = Files.readAllLines(file);
            assertEquals("me=" + id + " greeting=hello from pillar roles=controller", lines.get(0), lines::toString);
            List<String> peers = lines.subList(1, lines.size());
            List<String> expected = new ArrayList<>();
            for (String other : CONTROLLERS) {
                if (other.equals(id)) continue;
                expected.add("peer " + other + " at 127.0.0.1" + other.charAt(3) + " roles=controller connected=true");
            }
            assertEquals(expected, peers.stream().map(l -> l.replaceAll(" at (\\S+)( \\S+)* roles", " at $1 roles")).toList(), lines::toString);
        }

        // The nodegroup names the same minions; a dry run of the converged tree changes nothing.
        Procs.Ran again = cli("apply", "-t", "N@controllers", "--test");
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("Minions: 3 targeted, 3 returned, 0 lost, 0 failed"), again::toString);
        assertFalse(again.out().contains("Would change") || again.out().contains("WouldChange"), again::toString);
    }

    /**
     * ctl3 claims the role dbserver in its grains, ctl2 is given it on the master: only ctl2 receives
     * the database secret, and a pillar top targeting the grain is refused with its file and line.
     */
    @Test
    @Order(3)
    void onlyARoleAssignedOnTheMasterReceivesItsPillar() throws Exception {
        Procs.Ran assign = cli("keys", "roles", "ctl2", "dbserver");
        assertEquals(0, assign.exit(), assign::toString);
        assertTrue(assign.out().startsWith("Set roles on the key of ctl2 (") && assign.out().endsWith("), roles dbserver\n"), assign::toString);
        assertTrue(row(cli("keys", "list").out(), "ctl2").contains(" dbserver "), "keys list shows the role");
        Procs.Ran byRole = cli("minions", "-t", "R@dbserver");
        assertEquals(List.of("ctl2"), byRole.out().lines().filter(l -> l.startsWith("ctl")).map(l -> l.split("\\s+")[0]).toList(), byRole::toString);
        Procs.Ran byGrain = cli("minions", "-t", "G@roles:dbserver");
        assertTrue(row(byGrain.out(), "ctl3").contains("controller") && !byGrain.out().contains("ctl2"), byGrain::toString);

        Procs.Ran apply = cli("apply", "-t", "L@ctl2,ctl3", "secret");
        assertEquals(0, apply.exit(), apply::toString);
        assertFalse(apply.out().contains("hunter2-db"), apply::toString);
        assertEquals("password=hunter2-db", Files.readString(out.resolve("ctl2/secret.txt")).strip());
        assertEquals("password=none", Files.readString(out.resolve("ctl3/secret.txt")).strip(), "the grain claim gets no secret");

        Path top = tmp.resolve("pillar/top.sls");
        Files.writeString(top, "base:\n  '*':\n    - common\n  'G@roles:dbserver':\n    - dbsecret\n");
        try {
            Procs.Ran refused = cli("apply", "-t", "ctl3", "secret");
            assertEquals(1, refused.exit(), refused::toString);
            String all = refused.out() + refused.err();
            assertTrue(all.contains("top.sls:4: pillar target 'G@roles:dbserver' at position 3: 'G@roles:dbserver' matches what the minion says about itself"), refused::toString);
            assertTrue(all.contains("and write 'R@dbserver'") && !all.contains("Exception") && !all.contains("\tat "), refused::toString);
        } finally {
            Files.writeString(top, PILLAR_TOP);
        }
        assertEquals("password=none", Files.readString(out.resolve("ctl3/secret.txt")).strip(), "nothing was applied");
    }

    /** ctl4 asks to enroll, its key is rejected: it never connects and no job reaches it. */
    @Test
    @Order(4)
    void aRejectedKeyGetsNothing() throws Exception {
        Procs.Proc ctl4 = procs.start("ctl4", minionCommand("ctl4"));
        ctl4.awaitLine(l -> l.contains("waiting for master"), Duration.ofSeconds(40), "request to enroll");
        Procs.Ran reject = cli("keys", "reject", "ctl4");
        assertEquals(0, reject.exit(), reject::toString);
        Procs.Ran keys = cli("keys", "list");
        assertTrue(row(keys.out(), "ctl4").contains("rejected"), keys::toString);

        Procs.Ran direct = cli("run", "-t", "ctl4", "test.ping");
        assertEquals(1, direct.exit(), direct::toString);
        assertTrue(direct.err().contains("no accepted minion matches target 'ctl4'"), direct::toString);
        Procs.Ran all = cli("run", "-t", "ctl*", "test.ping");
        assertEquals(0, all.exit(), all::toString);
        assertTrue(all.out().contains("on 3 minions: ctl1, ctl2, ctl3"), all::toString);
        Procs.Ran list = cli("minions");
        assertTrue(row(list.out(), "ctl4").isEmpty(), list::toString);

        // It learns of the rejection when it asks again, and still never gets a stream or a job.
        ctl4.awaitLine(l -> l.contains("rejected this minion's key"), Duration.ofSeconds(30), "word of the rejection");
        // Both lines name the minion's own key, so an operator can compare it with what `jstate keys` lists.
        java.util.regex.Matcher fp = java.util.regex.Pattern.compile("to accept this minion's key ((?:[0-9a-f]{2}:){31}[0-9a-f]{2})")
                .matcher(ctl4.output());
        assertTrue(fp.find(), ctl4::output);
        assertTrue(ctl4.output().contains("rejected this minion's key " + fp.group(1)), ctl4::output);
        awaitEvent("jstate/key/request/ctl4", d -> !d.get("auto_accept").asBoolean());
        awaitEvent("jstate/key/rejected/ctl4", d -> d.get("was").asText().equals("pending"));
        awaitEvent("jstate/enroll/refused/ctl4", d -> d.get("reason").asText().equals("key_rejected") && d.get("address").asText().equals("127.0.0.14"));
        assertTrue(events.output().lines().noneMatch(l -> l.contains("jstate/minion/up/ctl4")), events::output);
        assertEquals(0, ctl4.count("connected to master"), ctl4::output);
        assertEquals(0, ctl4.count("running job"), ctl4::output);
        procs.stop(ctl4, Duration.ofSeconds(10));
    }

    /**
     * A real minion (a copy of ctl1's identity) connected to a stand-in gateway that has the
     * master's certificates and signing key: each forged envelope is refused for its own reason
     * and renders nothing, while the genuine one runs.
     */
    @Test
    @Order(5)
    void forgedEnvelopesAreRefusedWithTheirReason() throws Exception {
        Path copy = tmp.resolve("minions/forged/data");
        Files.createDirectories(copy.resolve("pki"));
        try (Stream<Path> s = Files.list(dataDir("ctl1").resolve("pki"))) {
            for (Path f : s.toList()) Files.copy(f, copy.resolve("pki").resolve(f.getFileName()));
        }
        try (EnvelopeGateway gw = new EnvelopeGateway(tmp.resolve("master/data/pki"))) {
            Path config = tmp.resolve("minions/forged/minion.yaml");
            Files.writeString(config, """
                    id: ctl1
                    master: ["127.0.0.1:%d"]
                    data_dir: data
                    bind_address: 127.0.0.14
                    grains: {roles: [controller]}
                    """.formatted(gw.port()));
            Procs.Proc forged = procs.start("ctl1-forged", List.of(launcher("jstate-minion"), "run", "--config", config.toString()));
            gw.awaitConnected(Duration.ofSeconds(30));

            long now = System.currentTimeMillis();
            long hour = Duration.ofHours(1).toMillis();
            Path genuine = out.resolve("forged-genuine");
            SignedJob valid = gw.sign(job("20260101000000000001", "ctl1", now, now + hour, genuine).toByteArray());
            gw.send(valid);
            JobResult first = gw.awaitResult(1, Duration.ofSeconds(30));
            assertEquals(JobResult.OutcomeCase.REPORT, first.getOutcomeCase(), first::toString);
            assertTrue(Files.isRegularFile(genuine), "the genuine envelope did not run");
            Files.delete(genuine);

            gw.send(valid);
            assertRefused(gw.awaitResult(2, Duration.ofSeconds(20)), "20260101000000000001", Refusal.Reason.REPLAYED);
            assertFalse(Files.exists(genuine), "the replayed envelope ran");

            Path tampered = out.resolve("forged-tampered");
            byte[] bytes = job("20260101000000000002", "ctl1", now, now + hour, tampered).toByteArray();
            SignedJob signed = gw.sign(bytes);
            bytes[bytes.length - 1] ^= 0x01;
            gw.send(signed.toBuilder().setJob(ByteString.copyFrom(bytes)).build());
            assertRefused(gw.awaitResult(3, Duration.ofSeconds(20)), "20260101000000000002", Refusal.Reason.BAD_SIGNATURE);

            Path expired = out.resolve("forged-expired");
            gw.send(gw.sign(job("20260101000000000003", "ctl1", now - 2 * hour, now - hour, expired).toByteArray()));
            assertRefused(gw.awaitResult(4, Duration.ofSeconds(20)), "20260101000000000003", Refusal.Reason.EXPIRED);

            Path other = out.resolve("forged-other");
            gw.send(gw.sign(job("20260101000000000004", "ctl2", now, now + hour, other).toByteArray()));
            assertRefused(gw.awaitResult(5, Duration.ofSeconds(20)), "20260101000000000004", Refusal.Reason.WRONG_TARGET);

            for (Path p : List.of(genuine, tampered, expired, other)) assertFalse(Files.exists(p), p + " was written");
            assertEquals(4, forged.count("refused job"), forged::output);
            assertEquals(1, forged.count("running job"), forged::output);
            procs.stop(forged, Duration.ofSeconds(10));
        }
    }

    /** The master dies while ctl1 runs a 4 s state; after a restart the spooled result is in the job. */
    @Test
    @Order(6)
    void aResultSurvivesTheMastersDeathMidJob() throws Exception {
        Procs.Proc ctl1 = minions.get("ctl1");
        long jobsBefore = ctl1.count("running job");
        Map<String, Long> connectionsBefore = new LinkedHashMap<>();
        for (String id : CONTROLLERS) connectionsBefore.put(id, minions.get(id).count("connected to master"));

        Procs.Proc apply = procs.start("apply-master-killed", cli_command("apply", "slow", "-t", "ctl1"));
        String jid = awaitNewJob(ctl1, jobsBefore);
        Thread.sleep(1000);
        master.kill9();

        // The CLI loses its stream and says where the results will be, without hanging.
        assertTrue(apply.process().waitFor(20, TimeUnit.SECONDS), "the CLI hangs after the master died:\n" + apply.output());
        assertEquals(2, apply.process().exitValue(), apply::output);
        assertTrue(apply.output().contains("jstate jobs show " + jid), apply::output);

        startMasterProcess();
        ctl1.awaitLine(l -> l.contains("resent 1 spooled result(s)"), Duration.ofSeconds(60), "resending its spooled result");
        for (String id : CONTROLLERS) awaitConnections(id, connectionsBefore.get(id) + 1, Duration.ofSeconds(60));

        Procs.Ran show = cli("jobs", "show", jid);
        assertTrue(show.out().contains("stdout: slept"), show::toString);
        assertTrue(show.out().contains("Minions: 1 targeted, 1 returned, 0 lost, 0 failed"), show::toString);
        assertEquals(0, show.exit(), show::toString);
        assertFalse(show.out().contains("still running"), show::toString);
    }

    /** Deleting ctl3's key cuts its stream at once and it gets no job; it can enroll again and be accepted anew. */
    @Test
    @Order(7)
    void deletingAKeyCutsTheLiveStream() throws Exception {
        Procs.Proc ctl3 = minions.get("ctl3");
        long jobsBefore = ctl3.count("running job");
        Procs.Ran delete = cli("keys", "delete", "ctl3");
        assertEquals(0, delete.exit(), delete::toString);
        ctl3.awaitLine(l -> l.contains("refused this minion (PERMISSION_DENIED"), Duration.ofSeconds(3), "the cut stream");
        awaitEvent("jstate/key/deleted/ctl3", d -> d.get("was").asText().equals("accepted"));
        awaitEvent("jstate/minion/down/ctl3", d -> d.get("reason").asText().contains("was deleted"));

        Procs.Ran list = cli("minions");
        assertTrue(row(list.out(), "ctl3").isEmpty() || row(list.out(), "ctl3").matches("ctl3\\s+no\\b.*"), list::toString);
        Procs.Ran direct = cli("run", "-t", "ctl3", "test.ping");
        assertEquals(1, direct.exit(), direct::toString);
        Procs.Ran all = cli("run", "-t", "ctl*", "test.ping");
        assertEquals(0, all.exit(), all::toString);
        assertTrue(all.out().contains("on 2 minions: ctl1, ctl2"), all::toString);
        assertEquals(jobsBefore, ctl3.count("running job"), ctl3::output);

        // Cut off, it asks to enroll again with the same key; accepted once more, it is back.
        String cut = deletedAt(ctl3);
        ctl3.awaitLine(l -> l.contains("waiting for master") && l.contains("jstate keys accept ctl3") && l.compareTo(cut) > 0,
                Duration.ofSeconds(20), "a new request to enroll");
        Procs.Ran keys = cli("keys", "list");
        assertTrue(row(keys.out(), "ctl3").contains("pending"), keys::toString);
        long connections = ctl3.count("connected to master");
        Procs.Ran accept = cli("keys", "accept", "ctl3");
        assertEquals(0, accept.exit(), accept::toString);
        awaitConnections("ctl3", connections + 1, Duration.ofSeconds(30));
        Procs.Ran ping = cli("run", "-t", "ctl3", "test.ping");
        assertEquals(0, ping.exit(), ping::toString);
        assertEquals(jobsBefore + 1, ctl3.count("running job"), ctl3::output);
    }

    /** The log line (with its timestamp first, so lines compare by time) where the minion learned its key was deleted. */
    private static String deletedAt(Procs.Proc minion) {
        return minion.output().lines().filter(l -> l.contains("refused this minion (PERMISSION_DENIED")).reduce((a, b) -> b).orElseThrow();
    }

    /** ctl2 is killed while it runs a 4 s state: the job reports it lost within its 5 s timeout. */
    @Test
    @Order(8)
    void aMinionKilledMidJobIsReportedLost() throws Exception {
        KilledMidJob k = killMidJob("ctl2", "apply-minion-killed", "--timeout", "5");
        long tookMs = awaitLost(k, "ctl2");
        assertTrue(tookMs < 8000, "the CLI took " + tookMs + " ms after the kill for a 5 s timeout");

        Procs.Ran show = cli("jobs", "show", k.jid());
        assertEquals(2, show.exit(), show::toString);
        assertTrue(show.out().contains("lost: ctl2"), show::toString);
        awaitEvent("jstate/minion/down/ctl2", d -> true);
        awaitEvent("jstate/job/" + k.jid() + "/lost/ctl2", d -> !d.get("reason").asText().isEmpty());
        awaitEvent("jstate/job/" + k.jid() + "/done", d -> d.get("outcome").asText().equals("failed") && d.get("lost").asInt() == 1);
    }

    /**
     * ctl2 (started again) is killed while it runs a 4 s state and is back 2 s later with nothing of
     * the job: the CLI, on the 60 s default timeout, names it lost within 10 s of the kill and says why.
     */
    @Test
    @Order(9)
    void aMinionKilledMidJobAndBackWithoutTheJobIsLostAtOnce() throws Exception {
        restart("ctl2", "ctl2-again");
        KilledMidJob k = killMidJob("ctl2", "apply-minion-restarted");
        Thread.sleep(2000);
        minions.put("ctl2", procs.start("ctl2-back", minionCommand("ctl2")));
        long tookMs = awaitLost(k, "ctl2");
        assertTrue(k.apply().output().contains("lost: ctl2 (it reconnected without the job"), k.apply()::output);
        assertTrue(tookMs < 10_000, "the CLI took " + tookMs + " ms after the kill");
        awaitEvent("jstate/job/" + k.jid() + "/lost/ctl2", d -> d.get("reason").asText().startsWith("it reconnected without the job"));
        awaitConnections("ctl2", 1, Duration.ofSeconds(30));
    }

    /** ctl2 is killed mid-job and stays down: lost once its stream has been gone for the 5 s grace, not at the 60 s timeout. */
    @Test
    @Order(10)
    void aMinionKilledMidJobAndNotBackIsLostAfterTheGrace() throws Exception {
        KilledMidJob k = killMidJob("ctl2", "apply-minion-gone");
        long tookMs = awaitLost(k, "ctl2");
        assertTrue(k.apply().output().contains("lost: ctl2 (its connection to the master ended and it did not come back within 5 s)"),
                k.apply()::output);
        assertTrue(tookMs >= 4_000 && tookMs < 10_000, "the CLI took " + tookMs + " ms after the kill");
        awaitEvent("jstate/job/" + k.jid() + "/lost/ctl2", d -> d.get("reason").asText().contains("did not come back within 5 s"));
    }

    /**
     * ctl1's connection is cut mid-job (through a relay; both processes live) and it is back within
     * the grace, still running the job: it is not lost, and its result is the job's.
     */
    @Test
    @Order(11)
    void aMinionWhoseConnectionDropsBrieflyMidJobIsNotLost() throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(gatewayPort)) {
            minions.get("ctl1").kill9();
            writeMinionConfig("ctl1", "127.0.0.1:" + proxy.port(), dataDir("ctl1"));
            restart("ctl1", "ctl1-via-relay");
            Procs.Proc ctl1 = minions.get("ctl1");
            Procs.Proc apply = procs.start("apply-connection-cut", cli_command("apply", "slow", "-t", "ctl1"));
            String jid = awaitNewJob(ctl1, 0);
            proxy.cut(300);
            ctl1.awaitLine(l -> l.contains("connection to master") && l.contains("ended"), Duration.ofSeconds(10), "the cut");
            assertTrue(apply.process().waitFor(30, TimeUnit.SECONDS), "the CLI hangs:\n" + apply.output());
            assertEquals(0, apply.process().exitValue(), apply::output);
            assertTrue(apply.output().contains("Minions: 1 targeted, 1 returned, 0 lost, 0 failed"), apply::output);
            assertTrue(apply.output().contains("slept"), apply::output);
            assertEquals(2, ctl1.count("connected to master"), ctl1::output);
            awaitEvent("jstate/job/" + jid + "/done", d -> d.get("outcome").asText().equals("succeeded") && d.get("lost").asInt() == 0);
        }
    }

    /**
     * ctl3 is frozen (SIGSTOP, as a hung host or a network cut without FIN would leave it) while it runs
     * a 4 s state: missing its heartbeats, the master drops its stream within seconds, so the job reports
     * it lost within 10 s of the freeze (it took 31 s when the master waited for 30 s of silence).
     * Thawed, it connects again.
     */
    @Test
    @Order(12)
    void aMinionFrozenMidJobIsLostWithinTenSeconds() throws Exception {
        Procs.Proc ctl3 = minions.get("ctl3");
        long connections = ctl3.count("connected to master");
        KilledMidJob k;
        try {
            k = midJob("ctl3", "apply-minion-frozen", m -> m.signal("STOP"));
            long tookMs = awaitLost(k, "ctl3");
            assertTrue(k.apply().output().contains("lost: ctl3 (its connection to the master ended and it did not come back within 5 s)"),
                    k.apply()::output);
            assertTrue(tookMs < 10_000, "the CLI took " + tookMs + " ms after the freeze");
        } finally {
            ctl3.signal("CONT");
        }
        master.awaitLine(l -> l.contains("minion ctl3 silent for"), Duration.ofSeconds(1), "the silent minion dropped");
        awaitEvent("jstate/job/" + k.jid() + "/lost/ctl3", d -> d.get("reason").asText().contains("did not come back within 5 s"));
        awaitConnections("ctl3", connections + 1, Duration.ofSeconds(30));
        Procs.Ran ping = cli("run", "-t", "ctl3", "test.ping");
        assertEquals(0, ping.exit(), ping::toString);
    }

    /**
     * A state that waits and one that runs long are never silent: with the progress interval cut to
     * 1 s, {@code jstate apply} says on stderr which state ctl3 runs, for how long and what it waits
     * for, while it waits; the master publishes the same as events; none of it reaches stdout.
     */
    @Test
    @Order(13)
    void aLongStateIsNamedWhileTheCliWaitsForIt() throws Exception {
        // The wait ends 4 s after the job's first state, however long the job took to reach the minion.
        Files.writeString(tmp.resolve("states/waits.sls"), """
                started:
                  cmd.run:
                    - name: mkdir -p {{pillar.root}}/{{minion.id}} && touch {{pillar.root}}/{{minion.id}}/waits-started
                until-ready:
                  wait.for:
                    - command: test $(( $(date +%s) - $(stat -c %Y {{pillar.root}}/{{minion.id}}/waits-started) )) -ge 4
                    - attempts: 40
                    - interval: 0.5
                    - require:
                      - cmd: started
                settle:
                  cmd.run:
                    - name: sleep 3 && echo settled
                    - require:
                      - wait: until-ready
                """);
        Procs.Ran apply = procs.run(cli_command("apply", "waits", "-t", "ctl3"), Map.of("JSTATE_PROGRESS_SECONDS", "1"), CLI_LIMIT);
        assertEquals(0, apply.exit(), apply::toString);
        assertTrue(apply.err().contains("  ctl3: state 'until-ready' (wait.for) running for "), apply::toString);
        assertTrue(apply.err().matches("(?s).*ctl3: state 'until-ready' \\(wait\\.for\\) running for \\d+ s: check \\d+ of \\d+ in 0\\.5s, "
                + "waiting for: command 'test .*"), apply::toString);
        assertTrue(apply.err().contains("  ctl3: state 'settle' (cmd.run) running for "), apply::toString);
        assertFalse(apply.out().contains("running for"), apply::toString);
        assertTrue(apply.out().contains("settled"), apply::toString);

        List<String> jobs = startedJobs();
        String jid = jobs.get(jobs.size() - 1);
        awaitEvent("jstate/job/" + jid + "/running/ctl3", d -> d.get("id").asText().equals("until-ready")
                && d.get("kind").asText().equals("wait.for") && d.get("waiting").asText().contains("command 'test "));
        awaitEvent("jstate/job/" + jid + "/running/ctl3", d -> d.get("id").asText().equals("settle") && d.get("running_ms").asLong() >= 1000
                && d.get("waiting").value() == null);

        // An orchestration says the same per stage, and its stages' start and end are events.
        Files.createDirectories(tmp.resolve("states/orch"));
        Files.writeString(tmp.resolve("states/orch/waits.yaml"), "stages:\n  - id: wait-then-settle\n    target: ctl3\n    apply: [waits]\n");
        Procs.Ran orch = procs.run(cli_command("orchestrate", "waits"), Map.of("JSTATE_PROGRESS_SECONDS", "1"), CLI_LIMIT);
        assertEquals(0, orch.exit(), orch::toString);
        assertTrue(orch.out().contains("[1/1] wait-then-settle: apply waits on ctl3"), orch::toString);
        assertTrue(orch.err().matches("(?s).*jstate: \\[1/1\\] wait-then-settle running for \\d+ s, waiting for 1 minion \\(job \\d{20}\\):\n"
                + "  ctl3: state 'until-ready' \\(wait\\.for\\) running for \\d+ s: check .*"), orch::toString);
        assertTrue(orch.err().contains("  ctl3: state 'settle' (cmd.run) running for "), orch::toString);
        assertFalse(orch.out().contains("running for"), orch::toString);
        awaitEvent("jstate/orch/stage/start/wait-then-settle", d -> d.get("target").asText().equals("ctl3") && d.get("index").asInt() == 1);
        awaitEvent("jstate/orch/stage/done/wait-then-settle", d -> d.get("duration_ms").asLong() >= 4000);
    }

    /** A {@code jstate apply slow} whose minion was killed (or frozen) while it ran the job. */
    private record KilledMidJob(Procs.Proc apply, String jid, long killedNanos) {}

    /** What befalls a minion mid-job. */
    private interface Fate {
        void befall(Procs.Proc minion) throws Exception;
    }

    private KilledMidJob killMidJob(String id, String cliName, String... options) throws Exception {
        return midJob(id, cliName, Procs.Proc::kill9, options);
    }

    private KilledMidJob midJob(String id, String cliName, Fate fate, String... options) throws Exception {
        Procs.Proc minion = minions.get(id);
        long jobsBefore = minion.count("running job");
        List<String> args = new ArrayList<>(List.of("apply", "slow", "-t", id));
        args.addAll(List.of(options));
        Procs.Proc apply = procs.start(cliName, cli_command(args.toArray(String[]::new)));
        String jid = awaitNewJob(minion, jobsBefore);
        fate.befall(minion);
        return new KilledMidJob(apply, jid, System.nanoTime());
    }

    /** Waits for the CLI of that job to end naming the minion lost (exit 2); returns how many ms after the kill it ended. */
    private static long awaitLost(KilledMidJob k, String id) throws InterruptedException {
        Procs.Proc apply = k.apply();
        assertTrue(apply.process().waitFor(20, TimeUnit.SECONDS), "the CLI hangs after the minion died:\n" + apply.output());
        long tookMs = (System.nanoTime() - k.killedNanos()) / 1_000_000;
        assertEquals(2, apply.process().exitValue(), apply::output);
        assertTrue(apply.output().contains("Minions: 1 targeted, 0 returned, 1 lost"), apply::output);
        assertTrue(apply.output().contains("lost: " + id), apply::output);
        return tookMs;
    }

    // ---- helpers ----

    /** Starts a minion's daemon again (its old process is dead) and waits until it is connected. */
    private void restart(String id, String name) throws Exception {
        minions.put(id, procs.start(name, minionCommand(id)));
        awaitConnections(id, 1, Duration.ofSeconds(30));
    }

    private void startMasterProcess() throws Exception {
        masterStarts++;
        master = procs.start("master-" + masterStarts, List.of(launcher("jstate-master"), "--config", masterYaml.toString()));
        master.awaitLine(l -> l.contains("jstate-master") && l.contains("started in"), Duration.ofSeconds(60), "start");
        if (events != null && events.alive()) procs.stop(events, Duration.ofSeconds(5));
        events = procs.start("events-" + masterStarts, cli_command("events", "--json"));
        events.awaitLine(l -> l.startsWith("Following events matching '*'"), Duration.ofSeconds(30), "the event stream");
    }

    /** The event with this tag that {@code data} accepts, from the follower's output; waits for it up to {@code timeout}. */
    private JsonNode awaitEvent(String tag, java.util.function.Predicate<JsonNode> data, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : events.output().split("\n")) {
                if (!line.startsWith("{")) continue;
                JsonNode e = JsonNode.parse(line);
                if (e.get("tag").asText().equals(tag) && data.test(e.get("data"))) {
                    assertTrue(e.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), e::toString);
                    return e;
                }
            }
            if (System.nanoTime() > deadline) throw new AssertionError("no event " + tag + " within " + timeout.toSeconds() + " s; the stream:\n" + events.tail(40));
            if (!events.alive()) throw new AssertionError("jstate events exited; its output:\n" + events.tail(40));
            Thread.sleep(100);
        }
    }

    private JsonNode awaitEvent(String tag, java.util.function.Predicate<JsonNode> data) throws Exception {
        return awaitEvent(tag, data, Duration.ofSeconds(20));
    }

    /** The jids of the jobs whose start event the follower showed, in order. */
    private List<String> startedJobs() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : events.output().split("\n")) {
            if (!line.startsWith("{")) continue;
            JsonNode e = JsonNode.parse(line);
            String tag = e.get("tag").asText();
            if (tag.startsWith("jstate/job/") && tag.endsWith("/start")) out.add(e.get("data").get("jid").asText());
        }
        return out;
    }

    private void writeTrees() throws IOException {
        Path states = Files.createDirectories(tmp.resolve("states/app"));
        Files.writeString(states.resolveSibling("top.sls"), "base:\n  '*':\n    - app\n");
        Files.writeString(states.resolveSibling("app.sls"), """
                peers-file:
                  file.managed:
                    - name: {{pillar.root}}/{{minion.id}}/peers.txt
                    - source: app/peers.mustache
                    - makedirs: true
                """);
        Files.writeString(states.resolve("peers.mustache"), """
                me={{minion.id}} greeting={{pillar.greeting}} roles={{#minion.roles}}{{.}}{{/minion.roles}}
                {{#peers}}
                peer {{id}} at {{#addresses}}{{.}} {{/addresses}}roles={{#roles}}{{.}}{{/roles}} connected={{connected}}
                {{/peers}}
                """);
        Files.writeString(states.resolveSibling("slow.sls"), """
                slow:
                  cmd.run:
                    - name: sleep 4 && echo slept
                """);
        Files.writeString(states.resolveSibling("secret.sls"), """
                secret-file:
                  file.managed:
                    - name: {{pillar.root}}/{{minion.id}}/secret.txt
                    - contents: "password={{pillar.db.password}}"
                    - makedirs: true
                """);
        Path pillar = Files.createDirectories(tmp.resolve("pillar"));
        Files.writeString(pillar.resolve("top.sls"), PILLAR_TOP);
        // Minions run as root here: every path they write comes from pillar and lies below the test's folder.
        Files.writeString(pillar.resolve("common.sls"), "root: " + out + "\ngreeting: hello from pillar\ndb: {password: none}\n");
        Files.writeString(pillar.resolve("dbsecret.sls"), "db:\n  password: !secret hunter2-db\n");
    }

    private void writeMinionConfig(String id, String masterAddress, Path data) throws IOException {
        Path config = tmp.resolve("minions").resolve(id).resolve("minion.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                id: %s
                master: ["%s"]
                data_dir: %s
                bind_address: 127.0.0.1%s
                grains: {roles: %s}
                """.formatted(id, masterAddress, data, id.substring(3), id.equals("ctl3") ? "[controller, dbserver]" : "[controller]"));
    }

    private Path dataDir(String id) {
        return tmp.resolve("minions").resolve(id).resolve("data");
    }

    private List<String> minionCommand(String id) {
        return List.of(launcher("jstate-minion"), "run", "--config", tmp.resolve("minions").resolve(id).resolve("minion.yaml").toString());
    }

    private String launcher(String name) {
        return new Launchers(repo).path(name);
    }

    private List<String> cli_command(String... args) {
        return new Launchers(repo).cli(masterYaml, args);
    }

    private Procs.Ran cli(String... args) throws IOException, InterruptedException {
        return procs.run(cli_command(args), CLI_LIMIT);
    }

    /** Waits until the minion's log says it connected {@code n} times in all. */
    private void awaitConnections(String id, long n, Duration timeout) throws InterruptedException {
        Procs.Proc p = minions.get(id);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (p.count("connected to master") < n) {
            if (System.nanoTime() > deadline) throw new AssertionError(id + " did not connect; its log:\n" + p.tail(30));
            Thread.sleep(100);
        }
    }

    /** Waits for the minion to start a job beyond the {@code before} it had run; returns its jid. */
    private static String awaitNewJob(Procs.Proc minion, long before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (minion.count("running job") <= before) {
            if (System.nanoTime() > deadline) throw new AssertionError(minion.name() + " started no job; its log:\n" + minion.tail(30));
            Thread.sleep(50);
        }
        List<String> lines = minion.output().lines().filter(l -> l.contains("running job")).toList();
        Matcher m = RUNNING_JOB.matcher(lines.get(lines.size() - 1));
        assertTrue(m.find(), lines::toString);
        return m.group(1);
    }

    /** The table row that starts with {@code id}, or "" when there is none. */
    private static String row(String table, String id) {
        return table.lines().filter(l -> l.startsWith(id + " ")).findFirst().orElse("");
    }

    private static Job job(String jid, String target, long issued, long expires, Path marker) {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String sls = """
                marker:
                  file.managed:
                    - name: %s
                    - contents: "rendered for {{minion.id}}"
                """.formatted(marker);
        Bundle bundle = Bundle.newBuilder()
                .addFiles(BundleFile.newBuilder().setPath("marker.sls").setContent(ByteString.copyFrom(sls, StandardCharsets.UTF_8)))
                .build();
        return Job.newBuilder().setJid(jid).setTargetMinionId(target).setIssuedUnixMs(issued).setExpiresUnixMs(expires)
                .setNonce(ByteString.copyFrom(nonce))
                .setApply(ApplyJob.newBuilder().setBundle(bundle).addTargets("marker").setTimeoutMs(30_000)).build();
    }

    private static void assertRefused(JobResult r, String jid, Refusal.Reason reason) {
        assertEquals(JobResult.OutcomeCase.REFUSED, r.getOutcomeCase(), r::toString);
        assertEquals(reason, r.getRefused().getReason(), r::toString);
        assertEquals(jid, r.getJid(), r::toString);
        assertFalse(r.getRefused().getMessage().isBlank(), r::toString);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A read-only view of a parsed JSON value, through the project's one JSON codec. */
    private record JsonNode(Object value) {
        static JsonNode parse(String text) throws java.io.IOException {
            return new JsonNode(JSON.readValue(text, Object.class));
        }

        JsonNode get(String key) {
            return new JsonNode(value instanceof Map<?, ?> m ? m.get(key) : null);
        }

        String asText() {
            return value == null || value instanceof Map || value instanceof List ? "" : String.valueOf(value);
        }

        boolean asBoolean() {
            return Boolean.TRUE.equals(value);
        }

        int asInt() {
            return value instanceof Number n ? n.intValue() : 0;
        }

        long asLong() {
            return value instanceof Number n ? n.longValue() : 0;
        }

        double asDouble() {
            return value instanceof Number n ? n.doubleValue() : 0;
        }

        int size() {
            return value instanceof List<?> l ? l.size() : value instanceof Map<?, ?> m ? m.size() : 0;
        }

        @Override
        public String toString() {
            try {
                return JSON.writeValueAsString(value);
            } catch (java.io.IOException e) {
                return String.valueOf(value);
            }
        }
    }
}
