package io.jstate.master.orch;

import io.jstate.common.text.Uuids;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which Galera node starts the cluster, from the {@code galera.facts} of every targeted minion,
 * in the order of openstack-ha.md:
 *
 * <ol>
 *   <li>Some data node runs in a Primary component and is Synced: the cluster exists. Action
 *       {@code running} when every data node is so, else {@code join}; nobody bootstraps.
 *   <li>Every data node reported, nobody runs and no node has data: action {@code new}; the seed is
 *       the first data node by id (the targeted list is sorted by id), so the same facts always
 *       give the same seed.
 *   <li>Data exists, nobody runs and every data node reported: action {@code recover}. A node with
 *       {@code safe_to_bootstrap: 1} wins unless its uuid is all zeros or its seqno is -1;
 *       otherwise the highest seqno wins, compared as unsigned 64-bit, ties to the lowest id.
 *       Nodes that had prepared transactions never win.
 *   <li>Anything else is refused: a node that did not report may hold the newest data, and so
 *       may a node with data whose position is unknown; data under two cluster uuids belongs to
 *       two clusters; a node that runs outside a Primary component must be looked at first. The operator then names the seed
 *       ({@code --pillar '{"orch": {"galera": {...}}}'}) or fixes the node.
 * </ol>
 *
 * Nodes whose facts say {@code arbitrator: true} run garbd only: they are no data node and are
 * never the seed. Values: {@code action}, {@code bootstrap}, {@code seed} (minion id or ""),
 * {@code first} (a data node to run cluster-wide SQL on: the seed, or the first Synced node),
 * {@code members} (the number of data nodes).
 */
public final class GaleraElection implements Election {

    static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";

    @Override
    public String function() {
        return "galera.facts";
    }

    /** One data node's facts, read once. */
    private record Node(String id, Map<String, Object> facts) {
        boolean running() {
            return bool("running");
        }

        boolean primarySynced() {
            return running() && "Primary".equals(facts.get("wsrep_cluster_status"))
                    && "Synced".equals(facts.get("wsrep_local_state_comment"));
        }

        /**
         * Whether the node holds a cluster's data. A data directory whose position is the zero
         * uuid never belonged to a cluster (initialised, never joined): it is as good as empty.
         */
        boolean hasData() {
            return bool("has_data") && !ZERO_UUID.equals(uuid());
        }

        /** Whether this node may start the cluster: false after "Found N prepared transactions". */
        boolean bootstrappable() {
            Object b = facts.get("bootstrappable");
            return b == null || Boolean.TRUE.equals(b);
        }

        /** The position's cluster uuid, or null when not reported or not a uuid (a torn grastate.dat). */
        String uuid() {
            Object u = facts.get("position_uuid");
            return u == null || !Uuids.wellFormed(u.toString()) ? null : u.toString();
        }

        /** The position's seqno, or null when unknown (-1, not reported, or its uuid is not one). */
        BigInteger seqno() {
            return facts.get("position_uuid") != null && uuid() == null ? null : seqnoOf(facts.get("position_seqno"));
        }

        boolean safeToBootstrap() {
            return bool("safe_to_bootstrap");
        }

        /**
         * safe_to_bootstrap counts only with the grastate.dat's own uuid (well formed, not zero)
         * and seqno known: Galera itself reads a torn file as "safe_to_bootstrap: 1".
         */
        boolean trustedSafe() {
            Object u = facts.get("uuid");
            return safeToBootstrap() && u != null && Uuids.wellFormed(u.toString()) && !ZERO_UUID.equals(u.toString())
                    && seqnoOf(facts.get("seqno")) != null;
        }

        private boolean bool(String key) {
            return Boolean.TRUE.equals(facts.get(key));
        }
    }

    @Override
    public Elected decide(List<String> targeted, Map<String, Map<String, Object>> facts, Map<String, String> failures) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(targeted));
        List<Node> reported = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : sorted) {
            Map<String, Object> f = facts.get(id);
            if (f == null) missing.add(id);
            else if (!Boolean.TRUE.equals(f.get("arbitrator"))) reported.add(new Node(id, f));
        }
        // A node that did not report may be a data node: it counts as one until it says otherwise.
        int members = reported.size() + missing.size();
        if (members == 0) throw new ElectionRefused("no Galera data node among the targeted minions " + sorted);

        List<Node> synced = reported.stream().filter(Node::primarySynced).toList();
        if (!synced.isEmpty()) {
            boolean all = missing.isEmpty() && synced.size() == reported.size();
            String first = synced.get(0).id();
            return elected(all ? "running" : "join", false, "", first, members,
                    all ? "every data node (" + members + ") is Synced in the Primary component"
                        : "the cluster runs (Synced: " + ids(synced) + "); the other nodes join it one at a time");
        }

        List<Node> running = reported.stream().filter(Node::running).toList();
        if (!running.isEmpty()) {
            throw new ElectionRefused("mariadbd runs on " + ids(running) + " but no node is Synced in a Primary component "
                    + states(running) + "; a node may still be joining (wait and run again), or the cluster lost quorum: "
                    + "stop mariadb on those nodes so their positions can be compared, or choose the seed yourself");
        }
        if (!missing.isEmpty()) {
            throw new ElectionRefused("no Galera node runs and " + missing + " did not report " + reasons(missing, failures)
                    + ": a node that cannot report may hold the newest data, so no node is chosen to bootstrap. "
                    + "Bring those minions back, or, if they are lost for good, the operator must choose the seed: "
                    + "jstate orchestrate ... --choose galera=<id>");
        }

        List<Node> withData = reported.stream().filter(Node::hasData).toList();
        if (withData.isEmpty()) {
            String seed = reported.get(0).id();
            return elected("new", true, seed, seed, members,
                    "no data node has data: a new cluster starts on " + seed + " (the first data node by id)");
        }

        Map<String, List<String>> byUuid = new TreeMap<>();
        for (Node n : withData) {
            String u = n.uuid();
            if (u != null && !u.isEmpty() && !ZERO_UUID.equals(u)) byUuid.computeIfAbsent(u, k -> new ArrayList<>()).add(n.id());
        }
        if (byUuid.size() > 1) {
            throw new ElectionRefused("the nodes hold data of different clusters " + byUuid
                    + ": bootstrapping from one would throw the others' data away. Decide which cluster is the right one "
                    + "and choose its most advanced node as the seed yourself (--choose galera=<id>)");
        }

        List<Node> candidates = withData.stream().filter(Node::bootstrappable).toList();
        List<Node> excluded = withData.stream().filter(n -> !n.bootstrappable()).toList();
        String note = excluded.isEmpty() ? "" : " (" + ids(excluded) + " had prepared transactions and may not bootstrap)";

        List<Node> safe = candidates.stream().filter(Node::trustedSafe).toList();
        if (!safe.isEmpty()) {
            Node seed = best(safe);
            return elected("recover", true, seed.id(), seed.id(), members,
                    "full outage: " + seed.id() + " has safe_to_bootstrap: 1 (seqno " + seed.seqno() + ") and bootstraps" + note);
        }
        List<Node> unknown = withData.stream().filter(n -> n.seqno() == null).toList();
        if (!unknown.isEmpty()) {
            throw new ElectionRefused("full outage, but " + ids(unknown) + " have data and no known position "
                    + "(seqno -1 and --wsrep-recover found none) " + positions(withData) + note
                    + ": any of them may be the most advanced, so the operator must choose the seed (--choose galera=<id>)");
        }
        if (candidates.isEmpty()) {
            throw new ElectionRefused("full outage, and every node with data had prepared transactions " + ids(excluded)
                    + ": the operator must choose the seed (--choose galera=<id>)");
        }
        Node seed = best(candidates);
        return elected("recover", true, seed.id(), seed.id(), members,
                "full outage: " + seed.id() + " is the most advanced node " + positions(withData) + " and bootstraps" + note);
    }

    /**
     * The operator names the node to bootstrap from. Refused when a node is Synced in a Primary
     * component (bootstrapping a second cluster beside a running one would split it) or when
     * mariadbd still runs somewhere, and when the node is not a targeted data node.
     */
    @Override
    public Elected choose(String seed, List<String> targeted, Map<String, Map<String, Object>> facts, Map<String, String> failures) {
        if (!targeted.contains(seed)) throw new ElectionRefused("the chosen seed '" + seed + "' is not among the targeted minions " + targeted);
        Map<String, Object> own = facts.get(seed);
        if (own != null && Boolean.TRUE.equals(own.get("arbitrator"))) throw new ElectionRefused(seed + " is the arbitrator (garbd): it holds no data");
        List<Node> reported = new ArrayList<>();
        for (String id : new TreeSet<>(targeted)) {
            Map<String, Object> f = facts.get(id);
            if (f != null && !Boolean.TRUE.equals(f.get("arbitrator"))) reported.add(new Node(id, f));
        }
        List<Node> running = reported.stream().filter(Node::running).toList();
        if (!running.isEmpty()) {
            throw new ElectionRefused("mariadbd runs on " + ids(running) + " " + states(running)
                    + ": a chosen seed would start a second cluster beside it; stop it there first");
        }
        int members = (int) targeted.stream().filter(id -> facts.get(id) == null || !Boolean.TRUE.equals(facts.get(id).get("arbitrator"))).count();
        boolean data = own == null || new Node(seed, own).hasData();
        return elected(data ? "recover" : "new", true, seed, seed, members, "the operator chose " + seed + " to bootstrap from"
                + (own == null ? " (it did not report: " + failures.getOrDefault(seed, "no facts") + ")" : ""));
    }

    /** The highest seqno, unsigned; the lowest id among equals. */
    private static Node best(List<Node> nodes) {
        Comparator<Node> bySeqno = Comparator.comparing(n -> n.seqno() == null ? BigInteger.valueOf(-1) : n.seqno());
        return nodes.stream().sorted(bySeqno.reversed().thenComparing(Node::id)).findFirst().orElseThrow();
    }

    /**
     * A seqno as an unsigned 64-bit number, or null for "unknown" (-1, missing). Galera writes it
     * signed, so a value past 2^63 arrives negative and is read back as its unsigned value here.
     */
    static BigInteger seqnoOf(Object v) {
        if (v == null) return null;
        BigInteger b;
        try {
            b = v instanceof BigInteger bi ? bi : new BigInteger(v.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
        if (b.equals(BigInteger.valueOf(-1))) return null;
        if (b.signum() < 0) b = b.add(BigInteger.ONE.shiftLeft(64));
        return b.bitLength() > 64 || b.signum() < 0 ? null : b;
    }

    private static Elected elected(String action, boolean bootstrap, String seed, String first, int members, String summary) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("action", action);
        v.put("bootstrap", bootstrap);
        v.put("seed", seed);
        v.put("first", first);
        v.put("members", members);
        return new Elected(v, summary);
    }

    private static List<String> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static String states(List<Node> nodes) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(n.id() + ": " + n.facts().getOrDefault("wsrep_cluster_status", "?") + "/"
                    + n.facts().getOrDefault("wsrep_local_state_comment", "not answering"));
        }
        return out.toString();
    }

    private static String positions(List<Node> nodes) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) out.add(n.id() + " seqno " + (n.seqno() == null ? "unknown" : n.seqno()));
        return out.toString();
    }

    private static String reasons(List<String> missing, Map<String, String> failures) {
        List<String> out = new ArrayList<>();
        for (String id : missing) {
            String why = failures == null ? null : failures.get(id);
            if (why != null) out.add(id + ": " + why);
        }
        return out.isEmpty() ? "" : out.toString();
    }
}
