package io.jstate.it.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.it.workload.SqlVerifier.NodeRows;
import io.jstate.it.workload.SqlVerifier.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The verifier's verdict on canned logs and canned node contents: no database. */
@Timeout(30)
class SqlVerifierTest {
    @TempDir
    Path dir;

    private Map<Long, String> acked() throws Exception {
        Path log = dir.resolve("sql-acked.log");
        Files.writeString(log, "100\tv0-a\n101\tv1-b\n102\tv2-c\n");
        return OpLog.readAcked(log);
    }

    private static NodeRows rows(Object... idValue) {
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < idValue.length; i += 2) rows.add(new Row(((Number) idValue[i]).longValue(), (String) idValue[i + 1]));
        return NodeRows.of(rows);
    }

    private static Map<String, NodeRows> nodes(NodeRows a, NodeRows b, NodeRows c) {
        Map<String, NodeRows> m = new LinkedHashMap<>();
        m.put("10.77.0.11:3306", a);
        m.put("10.77.0.12:3306", b);
        m.put("10.77.0.13:3306", c);
        return m;
    }

    @Test
    void everyAcknowledgedRowOnEveryNodeIsNoLoss() throws Exception {
        NodeRows all = rows(100, "v0-a", 101, "v1-b", 102, "v2-c");
        SqlVerification v = SqlVerifier.check(acked(), nodes(all, all, all));
        assertEquals(new SqlVerification(3, List.of("10.77.0.11:3306", "10.77.0.12:3306", "10.77.0.13:3306"), List.of(), 0, 0, 0, 0, List.of()), v);
    }

    @Test
    void aRowMissingOnOneNodeIsLostAndNamesTheNode() throws Exception {
        NodeRows all = rows(100, "v0-a", 101, "v1-b", 102, "v2-c");
        SqlVerification v = SqlVerifier.check(acked(), nodes(all, rows(100, "v0-a", 102, "v2-c"), all));
        assertEquals(1, v.lost());
        assertEquals(1, v.divergent());
        assertTrue(v.problems().contains("10.77.0.12:3306: acknowledged id 101 (value v1-b) is missing"), v.problems().toString());
    }

    @Test
    void anotherValueThanTheAcknowledgedOneIsLost() throws Exception {
        NodeRows all = rows(100, "v0-a", 101, "v1-b", 102, "v2-c");
        SqlVerification v = SqlVerifier.check(acked(), nodes(all, all, rows(100, "v0-a", 101, "other", 102, "v2-c")));
        assertEquals(1, v.lost());
        assertTrue(v.problems().get(0).startsWith("10.77.0.13:3306: acknowledged id 101 has [other]"), v.problems().toString());
    }

    @Test
    void anIdTwiceOnANodeIsDuplicated() throws Exception {
        NodeRows all = rows(100, "v0-a", 101, "v1-b", 102, "v2-c");
        SqlVerification v = SqlVerifier.check(acked(), nodes(rows(100, "v0-a", 101, "v1-b", 101, "v1-b", 102, "v2-c"), all, all));
        assertEquals(0, v.lost());
        assertEquals(1, v.duplicated());
    }

    @Test
    void unacknowledgedRowsAreAllowedAndCounted() throws Exception {
        NodeRows more = rows(100, "v0-a", 101, "v1-b", 102, "v2-c", 103, "v3-d");
        SqlVerification v = SqlVerifier.check(acked(), nodes(more, more, more));
        assertEquals(0, v.lost());
        assertEquals(1, v.unackedFound());
        assertEquals(0, v.divergent());
        assertEquals(List.of(), v.problems());
    }

    @Test
    void anUnreachableNodeIsReportedAndTheOthersAreStillChecked() throws Exception {
        NodeRows all = rows(100, "v0-a", 101, "v1-b", 102, "v2-c");
        SqlVerification v = SqlVerifier.check(acked(), nodes(all, NodeRows.unreachable("SQLNonTransientConnectionException: refused"), rows(100, "v0-a")));
        assertEquals(List.of("10.77.0.12:3306"), v.unreachableNodes());
        assertEquals(List.of("10.77.0.11:3306", "10.77.0.13:3306"), v.nodesRead());
        assertEquals(2, v.lost());
        assertTrue(v.problems().contains("10.77.0.12:3306: could not read it: SQLNonTransientConnectionException: refused"), v.problems().toString());
    }

    @Test
    void aLogLineThatIsNotARecordIsAnErrorNamingTheLine() throws Exception {
        Path log = dir.resolve("bad.log");
        Files.writeString(log, "100\tv0-a\n101 v1-b\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpLog.readAcked(log));
        assertEquals(log + " line 2: not an 'id<TAB>value' record: 101 v1-b", e.getMessage());
    }

    @Test
    void theResultForTheMatrixTableIsOneJsonObject() {
        SqlResult r = SqlResult.of(new SqlWriteResult(1, 10, 9, 1, 0.1, 2500, Map.of("SQLTimeoutException", 1L)),
                new SqlVerification(9, List.of("a", "b"), List.of("c"), 0, 0, 1, 0, List.of()));
        assertEquals("{\"attempted\":10,\"acked\":9,\"failed\":1,\"errorRate\":0.1,\"longestGapMs\":2500,\"lost\":0,\"duplicated\":0,\"unreachableNodes\":[\"c\"]}",
                Json.write(r));
    }

    @Test
    void resultsReadBackFromTheirJsonFiles() throws Exception {
        SqlWriteResult w = new SqlWriteResult(1765000000, 10, 9, 1, 0.1, 2500, Map.of("SQLTimeoutException", 1L));
        AmqpResult a = new AmqpResult(1765000000, 10, 8, 1, 1, 9, 0, 2, 0, 1, 1200, Map.of("publisher nack", 1L), List.of());
        Files.writeString(dir.resolve("w.json"), Json.write(w));
        Files.writeString(dir.resolve("a.json"), Json.write(a));
        assertEquals(w, Json.read(dir.resolve("w.json"), SqlWriteResult.class));
        assertEquals(a, Json.read(dir.resolve("a.json"), AmqpResult.class));
    }

    @Test
    void gapsCountTheStartAndTheEnd() {
        Gaps g = new Gaps(0);
        g.success(1_000_000_000L);
        g.success(1_500_000_000L);
        assertEquals(1000, g.longestMs(1_600_000_000L));
        assertEquals(3500, g.longestMs(5_000_000_000L));
        assertEquals(7000, new Gaps(0).longestMs(7_000_000_000L));
    }
}
