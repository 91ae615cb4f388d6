package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.Step;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.rabbitmq.Rabbitmqctl.Call;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rabbitmq_cluster.joined}: this node is in the same cluster as another node.
 *
 * <p>In sync when the other node is already among the cluster's disc or RAM nodes; that includes
 * the other node being this node itself, so one SLS can say "join rabbit@ctl1" on every node and
 * ctl1 never tries to join itself. Joining stops the app, runs {@code join_cluster} and always
 * starts the app again. The seed node may still be starting, so the kind asks the engine to retry
 * it ({@link #retry}) when the SLS sets no {@code retry} of its own.
 */
public final class RabbitmqClusterJoined implements State<RabbitmqClusterJoined.Spec> {

    /** Five joins, five seconds apart: long enough for a seed node that is still starting. */
    static final Step.Retry JOIN_RETRY = new Step.Retry(5, Duration.ofSeconds(5));

    @StateDoc(summary = "This RabbitMQ node is in the same cluster as another node. In sync when the other node is already a cluster member, including when it is this node, so one SLS can say \"join rabbit@ctl1\" on every node. Joining stops the app, runs `join_cluster` and always starts the app again; the engine retries it (5 times, 5 s apart, unless the SLS sets `retry`) while the seed starts. A fresh node (alone in a cluster of its own) whose name the cluster still lists from a replaced host is first forgotten on the cluster node (`forget_cluster_node`), then joined.",
            example = """
                rabbitmq-cluster:
                  rabbitmq_cluster.joined:
                    - cluster_node: rabbit@ctl1
                """)
    public record Spec(
            @ArgDoc("the state's name (only a label, as in Salt)") String name,
            @ArgDoc("the node to join, e.g. `rabbit@ctl1`; or give `host` (and `user`)") String clusterNode,
            @ArgDoc("Salt style: the node name's part before `@`; `rabbit` when only `host` is given") String user,
            @ArgDoc("Salt style: the node name's host part") String host,
            @ArgDoc("join as a RAM node instead of a disc node") boolean ram,
            @ArgDoc("this node, the one rabbitmqctl talks to (`-n`); rabbitmqctl's default when not given") String node) {
        public Spec {
            if (clusterNode != null && (host != null || user != null)) {
                throw new IllegalArgumentException("give either cluster_node or host (and user), not both");
            }
            if (clusterNode == null) {
                if (host == null || host.isBlank()) throw new IllegalArgumentException("cluster_node (or host) is required: the node to join, e.g. rabbit@ctl1");
                clusterNode = (user == null ? "rabbit" : user) + "@" + host;
            }
            if (!clusterNode.matches("[^@\\s]+@[^@\\s]+")) {
                throw new IllegalArgumentException("cluster_node must be a node name such as rabbit@ctl1, got '" + clusterNode + "'");
            }
            node = Rabbitmqctl.node(node);
        }
    }

    private final Env env;

    public RabbitmqClusterJoined(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        if (spec.clusterNode().equals(spec.node())) return Drift.NONE;
        Rabbitmqctl ctl = Rabbitmqctl.of(env, spec.node());
        Call c = Call.of("cluster_status").json();
        ExecResult r = ctl.query(c);
        if (!r.succeeded() && !r.timedOut() && Rabbitmqctl.output(r).contains("requires the 'rabbit' app to be running")) {
            // A node left stopped (an earlier join that failed half way) cannot say who its peers
            // are; joining again is harmless ("already a member") and starts the app.
            return Drift.of(Change.of("cluster", "app stopped", spec.clusterNode()));
        }
        TreeSet<String> members = members(ctl.parse(c, r));
        if (members.contains(spec.clusterNode())) return Drift.NONE;
        return Drift.of(Change.of("cluster", String.join(",", members), spec.clusterNode() + (spec.ram() ? " (ram)" : "")));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        Rabbitmqctl ctl = Rabbitmqctl.of(env, spec.node());
        Call join = spec.ram() ? Call.of("join_cluster", spec.clusterNode()).options("--ram") : Call.of("join_cluster", spec.clusterNode());
        ctl.change(Call.of("stop_app"));
        try {
            ExecResult r = ctl.tryChange(join);
            String replaced = r.succeeded() ? null : replacedNode(Rabbitmqctl.output(r), drift);
            if (replaced != null) {
                // The cluster still counts a node of this name as a member, and this node, alone in
                // a cluster of its own, knows nothing of it: the host was replaced (an empty disk
                // under the same name). That member's data went with the old disk and it can never
                // come back, so the cluster forgets it (RabbitMQ's documented way to remove a node
                // for good) and this node joins as a new one.
                Rabbitmqctl.of(env, spec.clusterNode()).change(Call.of("forget_cluster_node", replaced));
                r = ctl.tryChange(join);
            }
            if (!r.succeeded()) throw new HostException("could not join " + spec.clusterNode() + ": " + Rabbitmqctl.output(r).strip());
        } catch (RuntimeException e) {
            // Never leave the node stopped: it keeps serving as it was, and the error says why it did not join.
            try {
                ctl.change(Call.of("start_app"));
            } catch (RuntimeException startFailed) {
                e.addSuppressed(startFailed);
            }
            throw e;
        }
        ctl.change(Call.of("start_app"));
        return Applied.NONE;
    }

    /**
     * The node to forget when a join failed because the cluster still lists this node's name from an
     * earlier life ({@code inconsistent_cluster}: "Node rabbit@ctl1 thinks it's clustered with node
     * rabbit@ctl3, but rabbit@ctl3 disagrees") and this node was alone before the join (the check's
     * {@code before} is one node, the one named): a fresh node that holds nothing of the cluster.
     * Null otherwise; a node with peers of its own is never made to drop them.
     */
    static String replacedNode(String joinOutput, Drift drift) {
        if (!joinOutput.contains("inconsistent_cluster")) return null;
        Matcher m = DISAGREES.matcher(joinOutput);
        if (!m.find() || !m.group(1).equals(m.group(2))) return null;
        String node = m.group(1);
        if (drift.changes().size() != 1 || !node.equals(drift.changes().get(0).before())) return null;
        return node;
    }

    private static final Pattern DISAGREES =
            Pattern.compile("thinks it\\\\?'s clustered with node '?([^@\\s',]+@[^@\\s',]+)'?, but '?([^@\\s',]+@[^@\\s',]+)'? disagrees");

    @Override
    public Step.Retry retry(Spec spec) {
        return JOIN_RETRY;
    }

    private static TreeSet<String> members(Object status) {
        TreeSet<String> out = new TreeSet<>();
        if (!(status instanceof Map<?, ?> m)) throw new HostException("rabbitmqctl cluster_status: expected a JSON object, got " + status);
        for (String key : List.of("disk_nodes", "ram_nodes")) {
            if (m.get(key) instanceof List<?> l) l.forEach(n -> out.add(String.valueOf(n)));
        }
        return out;
    }
}
