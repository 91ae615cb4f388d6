package io.jstate.it.workload;

import com.rabbitmq.client.Address;
import io.jstate.common.net.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workload as a program, to run inside a lab host's network namespace (the lab's addresses
 * exist only there), e.g. from the repository root after {@code ./mvnw -o -q test-compile -pl it}:
 *
 * <pre>
 * ip netns exec jlab-wl-master java -cp "it/target/test-classes:$(cat cp.txt)" io.jstate.it.workload.Main \
 *     sql-write --dir /tmp/w1 --seconds 30
 * </pre>
 *
 * where cp.txt comes from {@code ./mvnw -o -q dependency:build-classpath -pl it -Dmdep.outputFile=cp.txt};
 * {@link WorkloadProcess} does the same from a test. Commands:
 *
 * <ul>
 *   <li>{@code sql-write}: the writer through {@code --address} (default the VIP 10.77.0.100:3306),
 *       result in DIR/sql-write.json;
 *   <li>{@code sql-verify}: reads DIR/sql-write.json and DIR/sql-acked.log and checks {@code --nodes}
 *       (default 10.77.0.11-13:3306), result in DIR/sql-verify.json;
 *   <li>{@code amqp}: publisher, consumer and drain against {@code --brokers} (default
 *       10.77.0.11-13:5672), result in DIR/amqp.json.
 *   <li>{@code amqp-park}: {@code --count} confirmed messages left in a quorum queue of their own
 *       ({@link AmqpParked}) before a fault; {@code amqp-unpark} afterwards takes them and names each
 *       confirmed one that is missing.
 *   <li>{@code amqp-late}: once the backend is healthy again, takes from the workload's queue the
 *       messages {@code amqp} confirmed but did not get before its drain ended (a fault that held
 *       every broker down past it), result in DIR/amqp-late.json.
 * </ul>
 *
 * Every command prints its result as one JSON line on stdout and exits 0 when it ran (the figures
 * say whether anything was lost); 2 on a bad argument, 1 when it could not run, with one line
 * saying why. Credentials default to the ones {@link WorkloadSetup} creates.
 */
public final class Main {
    private static final Map<String, Set<String>> KEYS = Map.of(
            "sql-write", Set.of("dir", "address", "database", "user", "password", "seconds", "max-ops", "rate", "timeout-ms", "run"),
            "sql-verify", Set.of("dir", "nodes", "database", "user", "password", "timeout-ms"),
            "amqp", Set.of("dir", "brokers", "vhost", "user", "password", "queue", "seconds", "max-ops", "rate", "drain-seconds", "timeout-ms", "run"),
            "amqp-park", Set.of("dir", "brokers", "vhost", "user", "password", "queue", "count", "timeout-ms", "run"),
            "amqp-unpark", Set.of("dir", "brokers", "vhost", "user", "password", "queue", "drain-seconds", "timeout-ms"),
            "amqp-late", Set.of("dir", "brokers", "vhost", "user", "password", "queue", "drain-seconds", "timeout-ms"));

    private Main() {}

    public static void main(String[] argv) {
        int code;
        try {
            String out = run(argv);
            System.out.println(out);
            code = 0;
        } catch (IllegalArgumentException e) {
            System.err.println("workload: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("workload: could not run: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    static String run(String[] argv) throws Exception {
        if (argv.length == 0 || !KEYS.containsKey(argv[0])) {
            throw new IllegalArgumentException("usage: Main sql-write|sql-verify|amqp|amqp-park|amqp-unpark|amqp-late --dir DIR [--key value ...]; got " + (argv.length == 0 ? "nothing" : argv[0]));
        }
        String cmd = argv[0];
        Map<String, String> a = options(cmd, argv);
        Path dir = Path.of(required(a, "dir"));
        Files.createDirectories(dir);
        // A result left by an earlier run in this folder must never pass for this run's.
        Files.deleteIfExists(dir.resolve(cmd + ".json"));
        Files.deleteIfExists(dir.resolve(AmqpWorkload.BROKER_FILE));
        if (!cmd.equals("sql-verify")) Files.deleteIfExists(dir.resolve(WorkloadProcess.STOP_FILE));
        String user = a.getOrDefault("user", WorkloadSetup.USER);
        String password = a.getOrDefault("password", WorkloadSetup.PASSWORD);
        int timeoutMs = integer(a, "timeout-ms", 2000);
        String json;
        switch (cmd) {
            case "sql-write" -> {
                Ids ids = a.containsKey("run") ? new Ids(number(a, "run")) : Ids.now();
                SqlWriteResult r = SqlWriter.run(new SqlWriter.Options(a.getOrDefault("address", WorkloadSetup.VIP + ":3306"),
                        a.getOrDefault("database", WorkloadSetup.DATABASE), user, password, integer(a, "seconds", 30), number(a, "max-ops", 100_000),
                        decimal(a, "rate", 50), timeoutMs, ids, dir));
                json = Json.write(r);
            }
            case "sql-verify" -> {
                SqlWriteResult w = Json.read(dir.resolve("sql-write.json"), SqlWriteResult.class);
                Map<Long, String> acked = OpLog.readAcked(dir.resolve("sql-acked.log"));
                if (acked.size() != w.acked()) {
                    throw new IllegalArgumentException(dir.resolve("sql-acked.log") + " holds " + acked.size() + " acknowledged writes, sql-write.json says " + w.acked());
                }
                List<String> nodes = list(a.getOrDefault("nodes", String.join(",", WorkloadSetup.nodes(3306))));
                json = Json.write(SqlVerifier.verify(acked, new Ids(w.run()), nodes, a.getOrDefault("database", WorkloadSetup.DATABASE), user, password,
                        Math.max(timeoutMs, 10_000)));
            }
            case "amqp-park" -> {
                Ids ids = a.containsKey("run") ? new Ids(number(a, "run")) : Ids.now();
                json = Json.write(AmqpParked.park(AmqpWorkload.factory(user, password, a.getOrDefault("vhost", WorkloadSetup.VHOST), timeoutMs),
                        brokers(a), a.getOrDefault("queue", AmqpParked.QUEUE), integer(a, "count", 50), timeoutMs, ids, dir));
            }
            case "amqp-unpark" -> json = Json.write(AmqpParked.unpark(AmqpWorkload.factory(user, password, a.getOrDefault("vhost", WorkloadSetup.VHOST),
                    timeoutMs), brokers(a), a.getOrDefault("queue", AmqpParked.QUEUE), integer(a, "drain-seconds", 60), dir));
            case "amqp-late" -> json = Json.write(AmqpParked.late(AmqpWorkload.factory(user, password, a.getOrDefault("vhost", WorkloadSetup.VHOST),
                    timeoutMs), brokers(a), a.getOrDefault("queue", WorkloadSetup.QUEUE), integer(a, "drain-seconds", 60), dir));
            default -> {
                Ids ids = a.containsKey("run") ? new Ids(number(a, "run")) : Ids.now();
                List<Address> brokers = brokers(a);
                AmqpResult r = new AmqpWorkload(new AmqpWorkload.Options(brokers, a.getOrDefault("vhost", WorkloadSetup.VHOST), user, password,
                        a.getOrDefault("queue", WorkloadSetup.QUEUE), integer(a, "seconds", 30), number(a, "max-ops", 100_000), decimal(a, "rate", 50),
                        integer(a, "drain-seconds", 60), timeoutMs, ids, dir)).run();
                json = Json.write(r);
            }
        }
        Files.writeString(dir.resolve(cmd + ".json"), json + "\n");
        return json;
    }

    private static List<Address> brokers(Map<String, String> a) {
        List<Address> brokers = new ArrayList<>();
        for (String b : list(a.getOrDefault("brokers", String.join(",", WorkloadSetup.nodes(5672))))) brokers.add(address(b));
        return brokers;
    }

    private static Map<String, String> options(String cmd, String[] argv) {
        Map<String, String> out = new HashMap<>();
        for (int i = 1; i < argv.length; i += 2) {
            String k = argv[i];
            if (!k.startsWith("--") || !KEYS.get(cmd).contains(k.substring(2))) {
                throw new IllegalArgumentException(cmd + ": unknown option " + k + "; it takes --" + String.join(", --", KEYS.get(cmd).stream().sorted().toList()));
            }
            if (i + 1 >= argv.length) throw new IllegalArgumentException(cmd + ": " + k + " needs a value");
            out.put(k.substring(2), argv[i + 1]);
        }
        return out;
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("--" + key + " is required");
        return v;
    }

    private static long number(Map<String, String> a, String key) {
        return number(a, key, -1);
    }

    private static long number(Map<String, String> a, String key, long dflt) {
        String v = a.get(key);
        if (v == null) return dflt;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a whole number, not '" + v + "'");
        }
    }

    private static int integer(Map<String, String> a, String key, int dflt) {
        long n = number(a, key, dflt);
        if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) throw new IllegalArgumentException("--" + key + " is out of range: " + n);
        return (int) n;
    }

    private static double decimal(Map<String, String> a, String key, double dflt) {
        String v = a.get(key);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, not '" + v + "'");
        }
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank()) out.add(s.trim());
        if (out.isEmpty()) throw new IllegalArgumentException("an empty list of addresses: '" + csv + "'");
        return out;
    }

    private static Address address(String hostPort) {
        HostPort hp = HostPort.parse("--brokers", hostPort);
        return new Address(hp.host(), hp.port());
    }
}
