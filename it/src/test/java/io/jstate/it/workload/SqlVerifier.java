package io.jstate.it.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The verifier: reads this run's rows of {@code acked} from every node directly (not through the
 * VIP), with {@code wsrep_sync_wait} so a node answers only after applying every write the cluster
 * had committed, and checks each acknowledged id is on every node exactly once with its value.
 */
final class SqlVerifier {
    private static final int MAX_PROBLEMS = 20;

    /** A node's rows of the run in id order, or why they could not be read ({@code rows} null then). */
    record NodeRows(List<Row> rows, String error) {
        static NodeRows unreachable(String error) {
            return new NodeRows(null, Objects.requireNonNull(error));
        }

        static NodeRows of(List<Row> rows) {
            return new NodeRows(List.copyOf(rows), null);
        }
    }

    record Row(long id, String value) {}

    /** Reads every node, then {@link #check}s. */
    static SqlVerification verify(Map<Long, String> acked, Ids ids, List<String> nodes, String database, String user, String password, int timeoutMs) {
        Map<String, NodeRows> read = new LinkedHashMap<>();
        for (String node : nodes) read.put(node, read(node, ids, database, user, password, timeoutMs));
        return check(acked, read);
    }

    static NodeRows read(String node, Ids ids, String database, String user, String password, int timeoutMs) {
        try (Connection c = DriverManager.getConnection(SqlWriter.url(node, database, timeoutMs), user, password)) {
            try (Statement s = c.createStatement()) {
                // Causal read: wait until this node applied everything committed before the SELECT.
                s.execute("SET SESSION wsrep_sync_wait = 1");
            }
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, value FROM acked WHERE id BETWEEN ? AND ? ORDER BY id")) {
                ps.setLong(1, ids.first());
                ps.setLong(2, ids.last());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new Row(rs.getLong(1), rs.getString(2)));
                }
            }
            return NodeRows.of(rows);
        } catch (SQLException e) {
            return NodeRows.unreachable(SqlWriter.errorClass(e) + ": " + e.getMessage());
        }
    }

    /** The verdict on canned or read rows: no network, no clock. */
    static SqlVerification check(Map<Long, String> acked, Map<String, NodeRows> nodes) {
        List<String> problems = new ArrayList<>();
        List<String> readable = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        Set<Long> lost = new TreeSet<>();
        Set<Long> duplicated = new TreeSet<>();
        Set<Long> unacked = new TreeSet<>();
        Map<String, Map<Long, List<String>>> byNode = new LinkedHashMap<>();
        for (Map.Entry<String, NodeRows> n : nodes.entrySet()) {
            String node = n.getKey();
            if (n.getValue().rows() == null) {
                unreachable.add(node);
                note(problems, node + ": could not read it: " + n.getValue().error());
                continue;
            }
            readable.add(node);
            Map<Long, List<String>> rows = new HashMap<>();
            for (Row r : n.getValue().rows()) rows.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r.value());
            byNode.put(node, rows);
            for (Map.Entry<Long, String> a : acked.entrySet()) {
                List<String> found = rows.get(a.getKey());
                if (found == null) {
                    lost.add(a.getKey());
                    note(problems, node + ": acknowledged id " + a.getKey() + " (value " + a.getValue() + ") is missing");
                } else if (!found.contains(a.getValue())) {
                    lost.add(a.getKey());
                    note(problems, node + ": acknowledged id " + a.getKey() + " has " + found + ", not its acknowledged value " + a.getValue());
                }
            }
            for (Map.Entry<Long, List<String>> r : rows.entrySet()) {
                if (r.getValue().size() > 1) {
                    duplicated.add(r.getKey());
                    note(problems, node + ": id " + r.getKey() + " is there " + r.getValue().size() + " times");
                }
                if (!acked.containsKey(r.getKey())) unacked.add(r.getKey());
            }
        }
        Set<Long> divergent = new TreeSet<>();
        Set<Long> all = new HashSet<>();
        byNode.values().forEach(m -> all.addAll(m.keySet()));
        for (long id : all) {
            Set<List<String>> versions = new HashSet<>();
            for (Map<Long, List<String>> m : byNode.values()) versions.add(m.getOrDefault(id, List.of()));
            if (versions.size() > 1) divergent.add(id);
        }
        if (!divergent.isEmpty()) note(problems, "the nodes disagree on " + divergent.size() + " id(s), the first " + divergent.iterator().next());
        return new SqlVerification(acked.size(), readable, unreachable, lost.size(), duplicated.size(), unacked.size(), divergent.size(), problems);
    }

    private static void note(List<String> problems, String line) {
        if (problems.size() < MAX_PROBLEMS) problems.add(line);
    }
}
