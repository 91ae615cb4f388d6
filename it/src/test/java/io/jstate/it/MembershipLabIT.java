package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.it.workload.AmqpResult;
import io.jstate.it.workload.SqlVerification;
import io.jstate.it.workload.SqlWriteResult;
import io.jstate.it.workload.WorkloadProcess;
import io.jstate.it.workload.WorkloadSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The membership operations of issue 12 on a lab with the backend deployed, with the fault matrix's
 * workload and figures ({@link FaultMatrix.Row}): a controller lost for good and replaced by a
 * fresh host of the same id with an empty disk ({@code lab replace}), which joins Galera by state
 * transfer and RabbitMQ once the cluster forgot the lost node; then a fourth controller added to the
 * pillar ({@link LabPillar#addController}) and to the lab ({@code lab up 4}), which the orchestration
 * brings into Galera, HAProxy's, Keepalived's and memcached's lists and the RabbitMQ cluster. The
 * longest write gap through the VIP is measured and reported (packaging/lab/NOTES.md), not bounded
 * (a load-dependent figure). After each operation the workload's quorum queue must have a member
 * on every controller, the new one included (the orchestration's rabbitmq.quorum).
 *
 * <p>Not cases of the matrix: an operation here is made by an operator's steps (a new host, its key)
 * and then by the orchestration itself, and the workload runs through the orchestration, whose
 * availability is the figure asked for; a matrix case holds its fault with the workload running,
 * and runs the orchestration after it.
 *
 * <p>The lab's master reads a copy of the lab's pillar the test edits, it/target/membership-pillar
 * ({@code JLAB_PILLAR}). System properties: {@code jstate.membership.reuseLab=true} runs on the lab
 * of {@code jstate.membership.labId} (default mb) as it is, deployed already, and leaves it up; its
 * master must read {@code jstate.membership.pillar} (default that copy), which must not list ctl4.
 */
class MembershipLabIT {
    /** The workload's bound: it ends earlier, once the operation and its orchestration are done. */
    private static final Duration WORKLOAD_BOUND = Duration.ofMinutes(40);
    /**
     * A replaced host installs every package and copies the whole database: a first deploy of one
     * node, which takes 5 to 8 min on a loaded machine (FaultMatrix's 6 min bound is for repairs).
     */
    private static final Duration ORCHESTRATE_BOUND = Duration.ofMinutes(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Lab lab;

    @Test
    @Timeout(value = 100, unit = TimeUnit.MINUTES)
    void aControllerIsReplacedByAFreshHostOfTheSameIdThenAFourthIsAdded() throws Exception {
        boolean reuse = Boolean.getBoolean("jstate.membership.reuseLab");
        Path pillar = Path.of(System.getProperty("jstate.membership.pillar", Lab.REPO.resolve("it/target/membership-pillar").toString()));
        lab = new Lab("membership", Map.of("JLAB_ID", System.getProperty("jstate.membership.labId", "mb"), "JLAB_PILLAR", pillar.toString()));
        FaultMatrix matrix = new FaultMatrix(lab);
        List<FaultMatrix.Row> rows = new ArrayList<>();
        List<String> members = new ArrayList<>();
        try {
            if (reuse) {
                Procs.Ran conf = lab.on("master", "grep -x 'pillar: " + pillar + "' /etc/jstate/master.yaml");
                assertEquals(0, conf.exit(), "the reused lab's master must read the pillar " + pillar + " (lab up with JLAB_PILLAR=" + pillar
                        + ", or -Djstate.membership.pillar=DIR naming the copy it reads); this test adds a controller to it");
            } else {
                LabPillar.copy(pillar);
                lab.up(3);
                Procs.Ran deploy = lab.orchestrate("openstack-ha");
                assertEquals(0, deploy.exit(), deploy.toString());
            }
            for (String setup : List.of(WorkloadSetup.sql(), WorkloadSetup.amqp())) {
                Procs.Ran r = lab.on("ctl1", setup);
                assertEquals(0, r.exit(), r.toString());
            }
            assertTrue(matrix.healthyWithin(FaultMatrix.HEALTHY_BOUND), "the lab is healthy before the operation");
            rows.add(operate(matrix, "ctl3 lost for good, replaced by a fresh host", Lab.CONTROLLERS, () -> replace("ctl3")));
            members.add(quorumMembers());
            List<String> four = List.of("ctl1", "ctl2", "ctl3", "ctl4");
            if (LabPillar.controllers(pillar).contains("ctl4")) throw new AssertionError("the pillar " + pillar + " has ctl4 already; make it again");
            rows.add(operate(matrix, "ctl4 added to the pillar", four, () -> {
                LabPillar.addController(pillar, "ctl4");
                Procs.Ran up = lab.lab(Duration.ofMinutes(20), "up", "4");
                assertEquals(0, up.exit(), up.toString());
            }));
            members.add(quorumMembers());
        } finally {
            String table = FaultMatrix.table(rows);
            FaultMatrix.say("membership:\n" + table);
            Files.writeString(lab.logs().resolve("membership.md"), table);
            if (!reuse) lab.close();
        }
        // The replaced node is a full member again: its Galera holds every acknowledged write (the
        // verifier read it there), its broker runs in the one cluster with every other.
        List<Executable> checks = new ArrayList<>();
        for (FaultMatrix.Row r : rows) {
            checks.addAll(FaultMatrix.invariants(r));
            // An operation is never refused: the orchestration must bring the host in.
            checks.add(() -> assertTrue(r.orchestrationOk() && r.outcome().startsWith("repaired"), "the orchestration did not bring the host in: "
                    + FaultMatrix.tableLine(r)));
        }
        // The workload's quorum queue has a replica on the new node after each operation
        // (rabbitmq.quorum grows it): two replicas of three survive no failure.
        List<List<String>> expected = List.of(List.of("rabbit@ctl1", "rabbit@ctl2", "rabbit@ctl3"), List.of("rabbit@ctl1", "rabbit@ctl2", "rabbit@ctl3", "rabbit@ctl4"));
        for (int i = 0; i < members.size(); i++) {
            String after = members.get(i);
            List<String> want = expected.get(i);
            checks.add(() -> assertEquals(want.toString(), after, "the members of quorum queue " + WorkloadSetup.QUEUE + " after the operation"));
        }
        checks.add(() -> assertEquals(rows.size(), members.size(), "the quorum queue's members were read after each operation"));
        assertAll(checks);
    }

    /** The sorted members of the workload's quorum queue, as ctl1 lists them ("[rabbit@ctl1, ...]"). */
    private String quorumMembers() throws Exception {
        Procs.Ran r = lab.on("ctl1", "rabbitmqctl -q list_queues -p " + WorkloadSetup.VHOST + " name members --formatter json");
        if (r.exit() != 0) return "cannot list the queues: " + r;
        for (JsonNode q : JSON.readTree(r.out())) {
            if (!WorkloadSetup.QUEUE.equals(q.path("name").asText())) continue;
            List<String> m = new ArrayList<>();
            q.path("members").forEach(n -> m.add(n.asText()));
            String sorted = m.stream().sorted().toList().toString();
            FaultMatrix.say("  quorum queue " + WorkloadSetup.QUEUE + " members: " + sorted);
            return sorted;
        }
        return "no queue " + WorkloadSetup.QUEUE + " in vhost " + WorkloadSetup.VHOST + ": " + r.out();
    }

    /**
     * {@code lab replace HOST} and the operator's steps for its key: the master still holds the lost
     * host's key and refuses the new one (a fresh key under an old id is never trusted silently);
     * the operator deletes the old key, and the minion enrolls again with the lab's enrollment token.
     */
    private void replace(String host) throws Exception {
        String oldKey = fingerprint(host);
        Procs.Ran r = lab.lab(Duration.ofMinutes(15), "replace", host);
        assertEquals(0, r.exit(), r.toString());
        FaultMatrix.say("  " + r.out().trim());
        assertTrue(r.out().matches("(?s).*rejected this minion's key [0-9a-f:]{95}: another key is accepted for '" + host + "'.*"),
                "the master must refuse the new host's key while it holds the old one: " + r);
        assertFalse(connected(host), host + " is connected with a key nobody accepted");
        assertEquals(oldKey, fingerprint(host), "the master's key for " + host + " changed without an operator");

        Procs.Ran delete = lab.jstate(Duration.ofMinutes(1), "keys", "delete", host);
        assertEquals(0, delete.exit(), delete.toString());
        // The minion waits a minute or two after a refusal before it enrolls again; the operator
        // restarts it rather than wait.
        Procs.Ran restart = lab.on(host, "/etc/init.d/jstate-minion restart");
        assertEquals(0, restart.exit(), restart.toString());
        Lab.waitFor(() -> connected(host) ? "connected" : "not connected", "connected", Duration.ofMinutes(3));
        String newKey = fingerprint(host);
        assertNotEquals(oldKey, newKey, "the replaced host enrolled with the lost host's key");
        FaultMatrix.say("  " + host + ": old key " + oldKey + " deleted, new key " + newKey + " accepted");
    }

    /** An operator's step before the orchestration. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * The workload (SQL writer through the VIP, AMQP publisher and consumer) from the master host
     * while {@code step} runs and then {@code jstate orchestrate openstack-ha}, ended once the
     * orchestration is done; then the time to healthy, the verifier on every one of
     * {@code controllers}, and the split-brain monitor over the orchestration (the hosts exist then).
     */
    private FaultMatrix.Row operate(FaultMatrix matrix, String name, List<String> controllers, Step step) throws Exception {
        Path dir = lab.logs().resolve("membership").resolve(name.replaceAll("[^a-z0-9]+", "-"));
        Files.createDirectories(dir);
        String at = "writes via " + lab.writeNode() + ", VIP on " + String.join(",", lab.vipHolders());
        SqlWriteResult w = null;
        AmqpResult a = null;
        String outcome = "not run";
        boolean ok = false;
        Duration took = null;
        Duration healthy = null;
        SqlVerification v = null;
        FaultMatrix.SplitBrain primaries = null;
        List<String> errors = new ArrayList<>();
        FaultMatrix.SplitBrainMonitor monitor = null;
        Path ns = lab.netns("master");
        String seconds = String.valueOf(WORKLOAD_BOUND.toSeconds());
        try {
            try (WorkloadProcess sql = WorkloadProcess.start(ns, dir, "sql-write", "--seconds", seconds);
                    WorkloadProcess amqp = WorkloadProcess.start(ns, dir, "amqp", "--seconds", seconds, "--drain-seconds", "60")) {
                Thread.sleep(FaultMatrix.LEAD.toMillis());
                FaultMatrix.say(name + " (" + at + ")");
                step.run();
                monitor = FaultMatrix.SplitBrainMonitor.start(lab, dir, ORCHESTRATE_BOUND.plus(FaultMatrix.HEALTHY_BOUND).plusMinutes(5), controllers);
                long t0 = System.nanoTime();
                Procs.Ran r;
                try {
                    r = lab.jstate(ORCHESTRATE_BOUND, "orchestrate", "openstack-ha");
                } catch (AssertionError e) {
                    r = null;
                }
                took = Duration.ofNanos(System.nanoTime() - t0);
                ok = r != null && r.exit() == 0;
                outcome = FaultMatrix.outcome(r);
                FaultMatrix.say("  orchestrate: " + outcome + " in " + took.toSeconds() + " s");
                if (matrix.healthyWithin(FaultMatrix.HEALTHY_BOUND)) {
                    healthy = Duration.ofNanos(System.nanoTime() - t0);
                } else {
                    errors.add("not healthy " + FaultMatrix.HEALTHY_BOUND.toSeconds() + " s after the orchestration");
                }
                Thread.sleep(FaultMatrix.TAIL.toMillis());
                WorkloadProcess.stopEarly(dir);
                try {
                    w = sql.await(Duration.ofMinutes(2), SqlWriteResult.class);
                } catch (RuntimeException e) {
                    errors.add("sql writer: " + e.getMessage());
                }
                try {
                    a = amqp.await(Duration.ofMinutes(3), AmqpResult.class);
                } catch (RuntimeException e) {
                    errors.add("amqp workload: " + e.getMessage());
                }
            }
            FaultMatrix.say("  workload: sql " + w + "\n  amqp " + a);
            v = FaultMatrix.verify(lab, dir, controllers);
        } catch (Exception | AssertionError e) {
            errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (monitor != null) primaries = monitor.stop();
        }
        return new FaultMatrix.Row(name, at, w, outcome, ok, took, healthy, v, a, primaries, errors.isEmpty() ? null : String.join("; ", errors));
    }

    /** Whether HOST's minion is connected to the master. */
    private boolean connected(String host) throws Exception {
        Procs.Ran r = lab.jstate(Duration.ofMinutes(1), "minions", "--json");
        assertEquals(0, r.exit(), r.toString());
        for (JsonNode m : JSON.readTree(r.out()).path("minions")) {
            if (host.equals(m.path("id").asText())) return m.path("connected").asBoolean();
        }
        return false;
    }

    /** The fingerprint of the key the master holds for HOST, accepted or not; "" when it has none. */
    private String fingerprint(String host) throws Exception {
        Procs.Ran r = lab.jstate(Duration.ofMinutes(1), "keys", "list", "--json");
        assertEquals(0, r.exit(), r.toString());
        for (JsonNode k : JSON.readTree(r.out()).path("keys")) {
            if (host.equals(k.path("minion").asText())) return k.path("state").asText() + " " + k.path("fingerprint").asText();
        }
        return "";
    }
}
