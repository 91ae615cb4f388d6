package io.jstate.it.workload;

import java.util.List;

/** One SQL run for the fault matrix's table: the writer's figures and the verifier's. */
public record SqlResult(long attempted, long acked, long failed, double errorRate, long longestGapMs, long lost, long duplicated,
        List<String> unreachableNodes) {
    public static SqlResult of(SqlWriteResult w, SqlVerification v) {
        return new SqlResult(w.attempted(), w.acked(), w.failed(), w.errorRate(), w.longestGapMs(), v.lost(), v.duplicated(), v.unreachableNodes());
    }
}
