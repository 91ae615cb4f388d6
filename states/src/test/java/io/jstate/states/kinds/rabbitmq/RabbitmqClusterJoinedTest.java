package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.Step;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.TestEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitmqClusterJoinedTest {

    private static final List<String> B = List.of("rabbitmqctl", "-n", "jstmanb@localhost", "-q");

    private static RabbitmqClusterJoined.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(RabbitmqClusterJoined.Spec.class, "join", args);
    }

    private static RabbitmqClusterJoined.Spec joinA() {
        return spec(Map.of("cluster_node", "jstman@localhost", "node", "jstmanb@localhost"));
    }

    private static List<String> cmd(String... tail) {
        List<String> l = new ArrayList<>(B);
        Collections.addAll(l, tail);
        return l;
    }

    @Test
    void standaloneNodeFromRealStatusHasToJoin() throws Exception {
        FakeHost h = new FakeHost();
        // The standalone status of node b: only itself among the disc nodes.
        h.on(cmd("cluster_status"), e -> ExecResult.ok(FakeBroker.fixture("cluster_status_single.json")
                .replace("jstman@", "jstmanb@")));
        Drift d = new RabbitmqClusterJoined(FakeBroker.env(h)).check(joinA());
        assertEquals(List.of(Change.of("cluster", "jstmanb@localhost", "jstman@localhost")), d.changes());
        assertEquals(List.of(cmd("cluster_status", "--formatter", "json")), h.commands().stream().map(e -> e.argv()).toList());
    }

    @Test
    void joinedNodeFromRealStatusIsInSync() throws Exception {
        FakeHost h = new FakeHost();
        h.on(cmd("cluster_status"), e -> ExecResult.ok(FakeBroker.fixture("cluster_status_joined.json")));
        assertTrue(new RabbitmqClusterJoined(FakeBroker.env(h)).check(joinA()).inSync());
    }

    @Test
    void aNodeNeverJoinsItself() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(FakeBroker.fixture("cluster_status_single.json")));
        // Named explicitly: no command at all.
        assertTrue(new RabbitmqClusterJoined(FakeBroker.env(h))
                .check(spec(Map.of("cluster_node", "jstman@localhost", "node", "jstman@localhost"))).inSync());
        assertEquals(List.of(), h.commands());
        // Default node: the status shows the target is this node itself.
        assertTrue(new RabbitmqClusterJoined(FakeBroker.env(h)).check(spec(Map.of("cluster_node", "jstman@localhost"))).inSync());
        assertEquals(List.of("rabbitmqctl -q cluster_status --formatter json"), h.commandLines());
    }

    @Test
    void applyStopsJoinsAndStarts() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        Applied a = new RabbitmqClusterJoined(FakeBroker.env(h)).apply(joinA(), Drift.of(Change.of("cluster", "x", "y")));
        assertEquals(List.of(cmd("stop_app"), cmd("join_cluster", "--", "jstman@localhost"), cmd("start_app")),
                h.commands().stream().map(e -> e.argv()).toList());
        assertEquals(Applied.NONE, a);
        assertEquals(3, h.mutations().size());
    }

    @Test
    void ramJoinAndSaltStyleUserHost() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        RabbitmqClusterJoined.Spec spec = spec(Map.of("host", "ctl1", "ram", true));
        assertEquals("rabbit@ctl1", spec.clusterNode());
        new RabbitmqClusterJoined(FakeBroker.env(h)).apply(spec, Drift.of(Change.of("cluster", "x", "y")));
        assertEquals(List.of("rabbitmqctl -q stop_app", "rabbitmqctl -q join_cluster --ram -- rabbit@ctl1",
                "rabbitmqctl -q start_app"), h.commandLines());
        assertEquals("guest@ctl2", spec(Map.of("user", "guest", "host", "ctl2")).clusterNode());
    }

    @Test
    void aFailedJoinStillStartsTheAppAndSaysWhy() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        h.on(cmd("join_cluster"), e -> ExecResult.fail(69, FakeBroker.fixture("unreachable.txt")));
        RabbitmqClusterJoined state = new RabbitmqClusterJoined(FakeBroker.env(h));
        HostException e = assertThrows(HostException.class, () -> state.apply(joinA(), Drift.of(Change.of("cluster", "x", "y"))));
        assertTrue(e.getMessage().startsWith("could not join jstman@localhost: "), e.getMessage());
        assertEquals(List.of(cmd("stop_app"), cmd("join_cluster", "--", "jstman@localhost"), cmd("start_app")),
                h.commands().stream().map(c -> c.argv()).toList(), "one join per apply; the engine retries");
        assertEquals(new Step.Retry(5, Duration.ofSeconds(5)), state.retry(joinA()));
    }

    @Test
    void theEngineRetriesTheJoinWhileTheSeedIsStarting() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        int[] joins = {0};
        h.on(cmd("cluster_status"), e -> ExecResult.ok(joins[0] >= 3 ? FakeBroker.fixture("cluster_status_joined.json")
                : FakeBroker.fixture("cluster_status_single.json").replace("jstman@", "jstmanb@")));
        h.on(cmd("join_cluster"), e -> ++joins[0] < 3 ? ExecResult.fail(69, FakeBroker.fixture("unreachable.txt")) : ExecResult.ok(""));
        long before = h.nanoTime();
        Outcome o = TestEnv.run(FakeBroker.env(h), "rabbitmq_cluster.joined", joinA());
        assertInstanceOf(Changed.class, o);
        assertEquals(3, joins[0]);
        assertEquals(Duration.ofSeconds(10).toNanos(), h.nanoTime() - before, "two waits of 5s on the fake clock");
        List<String> attempt = List.of("rabbitmqctl -n jstmanb@localhost -q cluster_status --formatter json",
                "rabbitmqctl -n jstmanb@localhost -q stop_app", "rabbitmqctl -n jstmanb@localhost -q join_cluster -- jstman@localhost",
                "rabbitmqctl -n jstmanb@localhost -q start_app");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) expected.addAll(attempt);
        expected.add("rabbitmqctl -n jstmanb@localhost -q cluster_status --formatter json");
        assertEquals(expected, h.commandLines());
    }

    @Test
    void aJoinThatNeverWorksFailsAfterTheEnginesAttempts() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        h.on(cmd("cluster_status"), e -> ExecResult.ok(FakeBroker.fixture("cluster_status_single.json").replace("jstman@", "jstmanb@")));
        h.on(cmd("join_cluster"), e -> ExecResult.fail(69, FakeBroker.fixture("unreachable.txt")));
        Failed f = assertInstanceOf(Failed.class, TestEnv.run(FakeBroker.env(h), "rabbitmq_cluster.joined", joinA()));
        assertTrue(f.error().startsWith("could not join jstman@localhost: "), f.error());
        assertTrue(f.error().endsWith(" (failed 5 attempts)"), f.error());
        assertEquals("rabbitmqctl -n jstmanb@localhost -q start_app", h.commandLines().get(h.commandLines().size() - 1));
    }

    /** What rabbitmqctl join_cluster prints when the cluster still lists this node's name from a replaced host. */
    private static final String INCONSISTENT = "Error:\n{:inconsistent_cluster, 'Node jstman@localhost thinks it\\'s clustered with node"
            + " jstmanb@localhost, but jstmanb@localhost disagrees'}";

    @Test
    void aReplacedNodeIsForgottenOnTheClusterNodeThenJoined() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        int[] joins = {0};
        h.on(cmd("join_cluster"), e -> ++joins[0] == 1 ? ExecResult.fail(69, INCONSISTENT) : ExecResult.ok(""));
        // The check saw this node alone in a cluster of its own: a fresh disk.
        new RabbitmqClusterJoined(FakeBroker.env(h)).apply(joinA(), Drift.of(Change.of("cluster", "jstmanb@localhost", "jstman@localhost")));
        assertEquals(List.of("rabbitmqctl -n jstmanb@localhost -q stop_app", "rabbitmqctl -n jstmanb@localhost -q join_cluster -- jstman@localhost",
                "rabbitmqctl -n jstman@localhost -q forget_cluster_node -- jstmanb@localhost",
                "rabbitmqctl -n jstmanb@localhost -q join_cluster -- jstman@localhost", "rabbitmqctl -n jstmanb@localhost -q start_app"),
                h.commandLines());
    }

    @Test
    void aNodeWithPeersOfItsOwnIsNeverForgotten() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        h.on(cmd("join_cluster"), e -> ExecResult.fail(69, INCONSISTENT));
        RabbitmqClusterJoined state = new RabbitmqClusterJoined(FakeBroker.env(h));
        // Clustered with another node (not the one to join): its data may be a cluster's; no forget.
        HostException e = assertThrows(HostException.class, () -> state.apply(joinA(),
                Drift.of(Change.of("cluster", "jstmanb@localhost,jstmanc@localhost", "jstman@localhost"))));
        assertTrue(e.getMessage().contains("inconsistent_cluster"), e.getMessage());
        // An app that was stopped: nothing known of its peers; no forget either.
        assertThrows(HostException.class, () -> state.apply(joinA(), Drift.of(Change.of("cluster", "app stopped", "jstman@localhost"))));
        assertTrue(h.commandLines().stream().noneMatch(l -> l.contains("forget_cluster_node")), h.commandLines().toString());
    }

    @Test
    void onlyTheDisagreementAboutThisVeryNodeNamesANodeToForget() {
        Drift alone = Drift.of(Change.of("cluster", "jstmanb@localhost", "jstman@localhost"));
        assertEquals("jstmanb@localhost", RabbitmqClusterJoined.replacedNode(INCONSISTENT, alone));
        assertEquals("jstmanb@localhost", RabbitmqClusterJoined.replacedNode(INCONSISTENT.replace("\\'", "'"), alone));
        assertEquals(null, RabbitmqClusterJoined.replacedNode(FakeBroker.fixture("unreachable.txt"), alone));
        assertEquals(null, RabbitmqClusterJoined.replacedNode(INCONSISTENT.replace("but jstmanb@", "but jstmanc@"), alone));
        assertEquals(null, RabbitmqClusterJoined.replacedNode(INCONSISTENT,
                Drift.of(Change.of("cluster", "jstmanc@localhost", "jstman@localhost"))));
    }

    @Test
    void stoppedAppIsDriftSoTheJoinIsRepairedAndTheAppStarted() throws Exception {
        FakeHost h = new FakeHost();
        h.on(cmd("cluster_status"), e -> ExecResult.fail(64, FakeBroker.fixture("app_stopped.txt")));
        Drift d = new RabbitmqClusterJoined(FakeBroker.env(h)).check(joinA());
        assertEquals(List.of(Change.of("cluster", "app stopped", "jstman@localhost")), d.changes());
    }

    @Test
    void unreachableNodeIsAnError() {
        FakeHost h = new FakeHost();
        h.on(cmd("cluster_status"), e -> ExecResult.fail(69, FakeBroker.fixture("unreachable.txt")));
        assertThrows(HostException.class, () -> new RabbitmqClusterJoined(FakeBroker.env(h)).check(joinA()));
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(FakeBroker.fixture("cluster_status_single.json").replace("jstman@", "jstmanb@")));
        Drift d = new RabbitmqClusterJoined(FakeBroker.env(new ReadOnlyHost(h))).check(joinA());
        assertEquals(1, d.changes().size());
        assertTrue(h.mutations().isEmpty());
    }

    @Test
    void targetIsRequiredOnceAndWellFormed() {
        assertThrows(SpecException.class, () -> spec(Map.of()));
        assertThrows(SpecException.class, () -> spec(Map.of("cluster_node", "rabbit@ctl1", "host", "ctl1")));
        assertThrows(SpecException.class, () -> spec(Map.of("cluster_node", "ctl1")));
    }
}
