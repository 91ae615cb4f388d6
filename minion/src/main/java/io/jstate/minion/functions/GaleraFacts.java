package io.jstate.minion.functions;

import io.jstate.common.text.Uuids;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code galera.facts [datadir=...] [socket=...] [pidfile=...] [defaults_file=...] [user=...] [recover=false]}:
 * what this node can tell about its Galera state, for the master's election of a bootstrap node.
 *
 * <p>When mariadbd runs: its wsrep status and whether it was started with --wsrep-new-cluster.
 * When it does not: grastate.dat's uuid, seqno and safe_to_bootstrap, and, where the seqno is -1
 * (an unclean stop), the position {@code mariadbd --wsrep-recover} finds in InnoDB. Recovery that
 * reports prepared transactions is run again with {@code --tc-heuristic-recover=rollback}, and
 * the node is then marked as one that must not bootstrap the cluster. The effective position is
 * {@code position_uuid}/{@code position_seqno}. Paths default to Debian's.
 */
final class GaleraFacts implements ExecutionFunction {

    static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";
    private static final Set<String> ARGS = Set.of("datadir", "socket", "pidfile", "defaults_file", "user", "garb", "recover");
    private static final Pattern RECOVERED = Pattern.compile("WSREP: Recovered position:\\s*([0-9a-fA-F-]{36}):(-?\\d+)");
    private static final Pattern PREPARED = Pattern.compile("Found (\\d+) prepared transactions?");
    private static final List<String> STATUS = List.of("wsrep_cluster_status", "wsrep_local_state_comment", "wsrep_cluster_size",
            "wsrep_ready", "wsrep_connected", "wsrep_cluster_state_uuid", "wsrep_last_committed");
    private static final Set<String> NUMERIC = Set.of("wsrep_cluster_size", "wsrep_last_committed");
    static final Path ADMIN = Path.of("/usr/bin/mariadb-admin");
    /** Recovery reads the whole InnoDB log; a big one takes minutes. */
    private static final Duration RECOVER_TIMEOUT = Duration.ofMinutes(10);

    /** Where to look: Debian's places unless the caller says otherwise. */
    record Paths(Path datadir, String socket, Path pidfile, String defaultsFile, String user, Path garb, boolean recover) {
        static Paths of(List<String> args) {
            Map<String, String> a = KeyValueArgs.parse(args, ARGS);
            return new Paths(Path.of(a.getOrDefault("datadir", "/var/lib/mysql")), a.getOrDefault("socket", "/run/mysqld/mysqld.sock"),
                    Path.of(a.getOrDefault("pidfile", "/run/mysqld/mysqld.pid")), a.get("defaults_file"),
                    a.getOrDefault("user", "mysql"), Path.of(a.getOrDefault("garb", "/etc/default/garb")), recover(a.get("recover")));
        }

        private static boolean recover(String v) {
            if (v == null || v.equals("true")) return true;
            if (v.equals("false")) return false;
            throw new IllegalArgumentException("'recover=" + v + "': give recover=true or recover=false");
        }
    }

    @Override
    public Output call(FunctionContext context, List<String> args) {
        return Output.ok(facts(context.host(), Paths.of(args)));
    }

    static Map<String, Object> facts(Host host, Paths p) {
        Map<String, Object> f = new LinkedHashMap<>();
        // galera.garbd's file marks the arbitrator, which holds no data and is never a seed.
        f.put("arbitrator", text(host, p.garb()).map(t -> t.contains("(formula galera, garbd)")).orElse(false));
        // A host without MariaDB says so plainly. For the election, a host without MariaDB and
        // without a data folder is a new one: it has no data (a first deploy, its dry run too).
        // One with a data folder but no client to ask cannot tell its position: that is an error
        // of the function, and the election counts the node as one that cannot report.
        if (!host.exists(ADMIN)) {
            if (p.recover() && host.exists(p.datadir())) {
                throw new IllegalStateException(ADMIN + " is not installed but the data folder " + p.datadir()
                        + " exists: this node cannot tell its Galera position; install mariadb-client or look at the folder");
            }
            f.put("installed", false);
            f.put("running", false);
            if (p.recover()) f.put("has_data", false);
            return f;
        }
        Optional<String> pid = text(host, p.pidfile()).map(String::strip).filter(s -> s.matches("\\d+"));
        boolean process = pid.flatMap(x -> text(host, Path.of("/proc", x, "comm"))).map(c -> c.strip().equals("mariadbd")).orElse(false);
        boolean pings = host.run(Exec.query("mariadb-admin", "--no-defaults", "--socket=" + p.socket(), "--user=root",
                "--connect-timeout=5", "ping").withTimeout(Duration.ofSeconds(20))).succeeded();
        f.put("running", process || pings);
        if (process || pings) {
            running(host, p, pid, f);
            return f;
        }
        stopped(host, p, f);
        return f;
    }

    private static void running(Host host, Paths p, Optional<String> pid, Map<String, Object> f) {
        f.put("new_cluster", pid.flatMap(x -> text(host, Path.of("/proc", x, "cmdline")))
                .map(c -> List.of(c.split("\0")).contains("--wsrep-new-cluster")).orElse(false));
        Exec query = new Exec(List.of("mariadb", "--no-defaults", "--socket=" + p.socket(), "--user=root", "--connect-timeout=5",
                "--batch", "--skip-column-names"), false, "SHOW GLOBAL STATUS LIKE 'wsrep\\_%';\n", Map.of(), null, null,
                Duration.ofSeconds(20));
        ExecResult r = host.run(query);
        f.put("answering", r.succeeded());
        if (!r.succeeded()) {
            f.put("error", ("cannot read wsrep status: " + r.stderr().strip()).strip());
            return;
        }
        Map<String, String> status = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) status.put(line.substring(0, tab), line.substring(tab + 1));
        }
        for (String key : STATUS) {
            String v = status.get(key);
            if (v != null && NUMERIC.contains(key) && v.matches("-?\\d+")) f.put(key, Long.parseLong(v));
            else f.put(key, v);
        }
    }

    private static void stopped(Host host, Paths p, Map<String, Object> f) {
        f.put("datadir_initialized", host.exists(p.datadir().resolve("mysql")));
        Optional<String> grastate = text(host, p.datadir().resolve("grastate.dat"));
        f.put("has_data", grastate.isPresent());
        Optional<FileInfo> gvw = host.stat(p.datadir().resolve("gvwstate.dat"));
        f.put("gvwstate", gvw.isEmpty() ? "absent" : gvw.get().size() == 0 ? "empty" : "present");
        if (grastate.isEmpty()) return;
        Map<String, String> g = grastate(grastate.get());
        String uuid = g.getOrDefault("uuid", "");
        Long seqno = number(g.get("seqno"));
        f.put("uuid", uuid);
        f.put("seqno", seqno);
        f.put("safe_to_bootstrap", "1".equals(g.get("safe_to_bootstrap")));
        f.put("bootstrappable", true);
        f.put("position_uuid", uuid);
        f.put("position_seqno", seqno);
        // recover=false (the dashboard's health page) only looks: no InnoDB recovery on a stopped node.
        // A torn uuid makes the file's seqno worthless too: InnoDB knows the position.
        boolean torn = !Uuids.wellFormed(uuid);
        if ((seqno == null || seqno == -1 || torn) && p.recover()) recover(host, p, f);
    }

    /** Runs --wsrep-recover, and again with rollback when InnoDB holds prepared transactions. */
    private static void recover(Host host, Paths p, Map<String, Object> f) {
        ExecResult first = host.run(recoverExec(p, false));
        String log = first.stdout();
        Matcher prepared = PREPARED.matcher(log);
        int count = 0;
        while (prepared.find()) count = Math.max(count, Integer.parseInt(prepared.group(1)));
        f.put("prepared_transactions", count);
        if (count > 0) {
            ExecResult again = host.run(recoverExec(p, true));
            f.put("rolled_back", again.succeeded());
            f.put("bootstrappable", false);
            if (position(again.stdout()) != null) log = again.stdout();
        }
        MatchResult m = position(log);
        if (m == null) {
            String tail = log.strip();
            f.put("recover_error", "mariadbd --wsrep-recover exited " + first.exitCode() + " without a position"
                    + (tail.isEmpty() ? "" : ": " + tail.substring(Math.max(0, tail.length() - 500))));
            return;
        }
        f.put("recovered_uuid", m.group(1));
        f.put("recovered_seqno", Long.parseLong(m.group(2)));
        f.put("position_uuid", m.group(1));
        f.put("position_seqno", Long.parseLong(m.group(2)));
    }

    /** The last position the log reports (a rerun appends to nothing: each run has its own log). */
    private static MatchResult position(String log) {
        Matcher m = RECOVERED.matcher(log);
        MatchResult last = null;
        while (m.find()) last = m.toMatchResult();
        return last;
    }

    /**
     * The recovery run, as the mysql user, logging to a temporary file that is printed and
     * removed: mariadbd writes the position only to its error log.
     */
    static Exec recoverExec(Paths p, boolean rollback) {
        List<String> server = new ArrayList<>(List.of("mariadbd"));
        // mariadbd takes --defaults-file only as its first option.
        if (p.defaultsFile() != null) server.add("--defaults-file=" + p.defaultsFile());
        server.addAll(List.of("--user=" + p.user(), "--datadir=" + p.datadir(), "--wsrep-recover"));
        if (rollback) server.add("--tc-heuristic-recover=rollback");
        String script = "log=$(mktemp /tmp/galera-recover.XXXXXX) || exit 1; chown " + p.user() + " \"$log\"; "
                + String.join(" ", server) + " --log-error=\"$log\" >/dev/null 2>&1; rc=$?; cat \"$log\"; rm -f \"$log\"; exit $rc";
        return Exec.change("/bin/sh", "-c", script).withTimeout(RECOVER_TIMEOUT);
    }

    static Map<String, String> grastate(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("#") || colon <= 0) continue;
            out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return out;
    }

    private static Long number(String v) {
        if (v == null || !v.matches("-?\\d+")) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.parseUnsignedLong(v);
        }
    }

    private static Optional<String> text(Host host, Path path) {
        if (!host.exists(path)) return Optional.empty();
        try {
            return Optional.of(new String(host.read(path), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
