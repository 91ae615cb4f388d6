package io.jstate.it.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The SQL writer: single-row autocommit INSERTs into {@code acked} through one address (the VIP),
 * at a steady rate, for at most {@code seconds} and {@code maxOps} writes. Every write whose
 * executeUpdate returned (the COMMIT was acknowledged) goes to {@code sql-acked.log} before it
 * counts; every failure to {@code sql-failures.log} (time, id, error class, message), after which
 * the connection is dropped and the next write connects again. A failed write's row may or may not
 * exist: Jepsen's rule is only that an acknowledged one is never lost.
 */
final class SqlWriter {
    static final String INSERT = "INSERT INTO acked (id, value) VALUES (?, ?)";

    record Options(String address, String database, String user, String password, int seconds, long maxOps, double rate, int timeoutMs, Ids ids,
            Path dir) {
        Options {
            if (seconds <= 0 || seconds > 3600) throw new IllegalArgumentException("--seconds must be 1..3600, not " + seconds);
            if (maxOps <= 0 || maxOps > Ids.PER_RUN) throw new IllegalArgumentException("--max-ops must be 1.." + Ids.PER_RUN + ", not " + maxOps);
            if (!(rate > 0 && rate <= 10_000)) throw new IllegalArgumentException("--rate must be above 0 and at most 10000 per second, not " + rate);
            if (timeoutMs < 100 || timeoutMs > 30_000) throw new IllegalArgumentException("--timeout-ms must be 100..30000, not " + timeoutMs);
        }
    }

    static String url(String address, String database, int timeoutMs) {
        return "jdbc:mariadb://" + address + "/" + database + "?connectTimeout=" + timeoutMs + "&socketTimeout=" + timeoutMs + "&tcpKeepAlive=true";
    }

    /** The error class a failure is counted under: the exception's class, and the server's error code when it gave one. */
    static String errorClass(SQLException e) {
        return e.getClass().getSimpleName() + (e.getErrorCode() != 0 ? " " + e.getErrorCode() : "");
    }

    static SqlWriteResult run(Options o) throws IOException, InterruptedException {
        long attempted = 0, acked = 0, failed = 0;
        Map<String, Long> errors = new TreeMap<>();
        Pacer pacer = new Pacer(o.seconds(), o.maxOps(), o.rate(), o.dir().resolve(WorkloadProcess.STOP_FILE));
        Gaps gaps = new Gaps(pacer.start());
        Progress progress = new Progress("sql-write");
        String url = url(o.address(), o.database(), o.timeoutMs());
        Connection c = null;
        try (OpLog ackLog = new OpLog(o.dir().resolve("sql-acked.log")); OpLog failLog = new OpLog(o.dir().resolve("sql-failures.log"))) {
            for (long seq = pacer.next(); seq >= 0; seq = pacer.next()) {
                long id = o.ids().id(seq);
                String value = "v" + seq + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
                attempted++;
                try {
                    if (c == null) c = DriverManager.getConnection(url, o.user(), o.password());
                    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                        ps.setLong(1, id);
                        ps.setString(2, value);
                        ps.executeUpdate();
                    }
                    ackLog.line(id, value);
                    acked++;
                    gaps.success(System.nanoTime());
                } catch (SQLException e) {
                    failed++;
                    String cls = errorClass(e);
                    errors.merge(cls, 1L, Long::sum);
                    failLog.line(Instant.now(), id, cls, e.getMessage());
                    close(c);
                    c = null;
                    pacer.failed();
                }
                long a = attempted, k = acked, f = failed;
                progress.maybe(() -> a + " attempted, " + k + " acknowledged, " + f + " failed");
            }
        } finally {
            close(c);
        }
        return new SqlWriteResult(o.ids().run(), attempted, acked, failed, attempted == 0 ? 0 : (double) failed / attempted,
                gaps.longestMs(System.nanoTime()), errors);
    }

    static void close(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // The connection is being dropped because it failed; closing it may fail too.
        }
    }
}
