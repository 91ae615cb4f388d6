package io.jstate.states.kinds.mysql;

import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.Host;
import io.jstate.states.host.HostException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How every MySQL kind reaches the server: the {@code connection_*} arguments and the one way the
 * {@code mariadb} client is run with them. Each MySQL spec embeds it as its {@code connection}
 * component, which the binder fills from {@code connection_host}, {@code connection_port}, and so on. With no arguments it is root over the local unix socket,
 * which Debian's MariaDB authenticates by the calling system user.
 *
 * <p>SQL always goes on stdin and the password in MYSQL_PWD, so neither shows in a process list,
 * and argv carries only option values validated here.
 */
record MysqlConnection(
        @ArgDoc("the server to connect to over TCP; with no `connection_*` argument at all, root over the local unix socket (Debian authenticates it by the system user)") String host,
        @ArgDoc("the server's TCP port") Integer port,
        @ArgDoc("the server's unix socket") String socket,
        @ArgDoc("the account to log in as; root unless an options file names one") String user,
        @ArgDoc("that account's password, handed to the client in MYSQL_PWD (never in argv)") String pass,
        @ArgDoc("a client options file read first (`--defaults-extra-file`), e.g. /etc/mysql/debian.cnf") String defaultFile) {

    static final String CLIENT = "mariadb";

    /** Components whose values {@link #describe} blanks: this record's password and a spec's own. */
    private static final Set<String> SECRET_COMPONENTS = Set.of("pass", "password", "passwordHash");

    private static final Pattern NETWORK_HOST = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
    private static final Pattern PATH = Pattern.compile("/[^\\x00-\\x1f\\x7f]*");

    MysqlConnection {
        if (host != null) Sql.require("connection_host", host, NETWORK_HOST, "a host name or an IP address");
        if (port != null && (port < 1 || port > 65535)) {
            throw new SpecException("connection_port", "argument 'connection_port': " + port + " is not a port (1-65535)");
        }
        if (socket != null) Sql.require("connection_socket", socket, PATH, "an absolute path");
        if (user != null) Sql.require("connection_user", user, Sql.USER, "letters, digits and _ . $ -");
        if (pass != null && pass.indexOf('\0') >= 0) {
            throw new SpecException("connection_pass", "argument 'connection_pass' cannot contain a NUL character");
        }
        if (defaultFile != null) Sql.require("connection_default_file", defaultFile, PATH, "an absolute path");
    }

    @Override
    public String toString() {
        return describe(this);
    }

    /** The client's argv. The user defaults to root unless an options file may name one. */
    List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(CLIENT);
        // The client accepts --defaults-extra-file only as its first option.
        if (defaultFile != null) argv.add("--defaults-extra-file=" + defaultFile);
        argv.addAll(List.of("--batch", "--skip-column-names", "--raw", "--default-character-set=utf8mb4",
                "--connect-timeout=10"));
        if (host != null) argv.add("--host=" + host);
        if (port != null) argv.add("--port=" + port);
        if (socket != null) argv.add("--socket=" + socket);
        String u = user != null ? user : defaultFile == null ? "root" : null;
        if (u != null) argv.add("--user=" + u);
        return argv;
    }

    private Exec exec(boolean mutates, String sql) {
        Exec e = new Exec(argv(), mutates, sql, Map.of(), null, null, null);
        return pass == null ? e : e.withEnv(Map.of("MYSQL_PWD", pass));
    }

    /** Runs observing SQL and returns its rows, each split into columns. */
    List<List<String>> query(Host h, String sql) {
        return rows(queryText(h, sql, 0));
    }

    /**
     * Runs observing SQL and returns its output as text, or null when the server answered with
     * error number {@code tolerated}: for a caller to whom that error is an answer (0: none is).
     */
    String queryText(Host h, String sql, int tolerated) {
        Exec e = exec(false, sql);
        ExecResult r = h.run(e);
        if (!r.succeeded() && tolerated != 0 && errorCode(r) == tolerated) return null;
        return r.orThrow(e).stdout();
    }

    /**
     * Runs changing SQL. Values in {@code masked} (a password hash) are blanked out of an error
     * message, because the server quotes the statement near a syntax error.
     */
    void execute(Host h, String sql, String... masked) {
        Exec e = exec(true, sql);
        ExecResult r = h.run(e);
        if (r.succeeded()) return;
        try {
            r.orThrow(e);
        } catch (HostException ex) {
            String msg = ex.getMessage();
            for (String m : masked) {
                if (m != null && !m.isEmpty()) msg = msg.replace(m, "****");
            }
            throw new HostException(msg);
        }
    }

    /**
     * A spec as text with its secrets blanked: a record's own toString would print the password
     * into any log line or exception message that mentions the spec.
     */
    static String describe(Record spec) {
        StringBuilder sb = new StringBuilder(spec.getClass().getSimpleName()).append('[');
        RecordComponent[] comps = spec.getClass().getRecordComponents();
        for (int i = 0; i < comps.length; i++) {
            Object v;
            try {
                v = comps[i].getAccessor().invoke(spec);
            } catch (ReflectiveOperationException e) {
                v = "?";
            }
            if (v != null && SECRET_COMPONENTS.contains(comps[i].getName())) v = "****";
            sb.append(i == 0 ? "" : ", ").append(comps[i].getName()).append('=').append(v);
        }
        return sb.append(']').toString();
    }

    static List<List<String>> rows(String stdout) {
        List<List<String>> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isEmpty()) out.add(Arrays.asList(line.split("\t", -1)));
        }
        return out;
    }

    /** The server's error number in a client's stderr ("ERROR 1141 (42000) ..."), or -1. */
    private static int errorCode(ExecResult r) {
        var m = Pattern.compile("ERROR (\\d+)").matcher(r.stderr());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
