package io.jstate.states.kinds.mysql;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mysql_grants.present: an account holds at least the given privileges on a database or table
 * ({@code "nova.*"}, {@code "*.*"}, {@code "nova.instances"}). Like GRANT itself this only adds:
 * privileges the account has beyond the wanted ones are left alone, and {@code grant_option: false}
 * does not revoke a grant option.
 */
public final class MysqlGrantsPresent implements State<MysqlGrantsPresent.Spec> {

    static final String ALL = "ALL PRIVILEGES";

    /**
     * Every privilege MariaDB 10.11 grants, mapped to the name SHOW GRANTS prints for it, so a spec
     * written with an alias (ALL, REPLICATION CLIENT) compares equal to what the server reports.
     * Nothing outside this list reaches SQL.
     */
    static final Map<String, String> PRIVILEGES = privileges();

    private static Map<String, String> privileges() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : List.of(ALL, "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "RELOAD", "SHUTDOWN",
                "PROCESS", "FILE", "REFERENCES", "INDEX", "ALTER", "SHOW DATABASES", "SUPER", "CREATE TEMPORARY TABLES",
                "LOCK TABLES", "EXECUTE", "REPLICATION SLAVE", "BINLOG MONITOR", "CREATE VIEW", "SHOW VIEW",
                "CREATE ROUTINE", "ALTER ROUTINE", "CREATE USER", "EVENT", "TRIGGER", "CREATE TABLESPACE",
                "DELETE HISTORY", "SET USER", "FEDERATED ADMIN", "CONNECTION ADMIN", "READ_ONLY ADMIN",
                "REPLICATION SLAVE ADMIN", "REPLICATION MASTER ADMIN", "BINLOG ADMIN", "BINLOG REPLAY",
                "SLAVE MONITOR", "USAGE")) {
            m.put(p, p);
        }
        m.put("ALL", ALL);
        m.put("REPLICATION CLIENT", "BINLOG MONITOR");
        m.put("REPLICATION REPLICA", "REPLICATION SLAVE");
        m.put("REPLICA MONITOR", "SLAVE MONITOR");
        return java.util.Collections.unmodifiableMap(m);
    }

    @StateDoc(summary = "An account holds at least the given privileges on a database or table (`nova.*`, `*.*`, `nova.instances`). Like GRANT itself this only adds: privileges beyond the wanted ones are left alone, and `grant_option: false` does not revoke a grant option.",
            example = """
                nova-db-grants:
                  mysql_grants.present:
                    - grant: ALL PRIVILEGES
                    - database: "nova.*"
                    - user: nova
                    - host: "%"
                """)
    public record Spec(
            @ArgDoc("privileges, comma-separated (`ALL PRIVILEGES`, `SELECT, INSERT`); aliases such as `REPLICATION CLIENT` compare as the server names them") String grant,
            @ArgDoc("`db.*`, `*.*` or `db.table`") String database,
            @ArgDoc("the account's user name") String user,
            @ArgDoc("the account's host part") String host,
            @ArgDoc("also grant the right to grant these privileges") boolean grantOption,
            MysqlConnection connection) {
        public Spec {
            if (grant == null) throw new SpecException("grant", "argument 'grant' is required, e.g. 'ALL PRIVILEGES' or 'SELECT, INSERT'");
            grant = String.join(", ", parsePrivileges(grant));
            if (database == null) throw new SpecException("database", "argument 'database' is required, e.g. 'nova.*' or '*.*'");
            database = DbObject.parse(database).display();
            Sql.require("user", user, Sql.USER, "letters, digits and _ . $ -, at most 80");
            host = host == null ? "localhost" : host.toLowerCase(Locale.ROOT);
            Sql.require("host", host, Sql.ACCOUNT_HOST, "a host name, an IP address, a % pattern or address/netmask");
        }

        List<String> privileges() {
            return List.of(grant.split(", "));
        }

        DbObject object() {
            return DbObject.parse(database);
        }
    }

    /** The privileges of a grant string in their canonical names, without repeats. */
    static List<String> parsePrivileges(String grant) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : grant.split(",", -1)) {
            String p = raw.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (p.equals("GRANT OPTION")) {
                throw new SpecException("grant", "argument 'grant': use 'grant_option: true' instead of GRANT OPTION");
            }
            String canonical = PRIVILEGES.get(p);
            if (canonical == null) {
                throw new SpecException("grant", "argument 'grant': '" + Sql.printable(raw.trim())
                        + "' is not a MariaDB privilege; known: " + String.join(", ", PRIVILEGES.keySet()));
            }
            out.add(canonical);
        }
        if (out.contains(ALL) && out.size() > 1) {
            throw new SpecException("grant", "argument 'grant': ALL PRIVILEGES already includes the others; give it alone");
        }
        return List.copyOf(out);
    }

    /** A grant's target: a database (or *) and a table (or *), unquoted. */
    record DbObject(String db, String table) {
        private static final String PART = "(`[^`]*`|[^`.]+)";
        private static final Pattern SHAPE = Pattern.compile(PART + "\\." + PART);

        static DbObject parse(String text) {
            Matcher m = SHAPE.matcher(text.trim());
            if (!m.matches()) {
                throw new SpecException("database", "argument 'database': '" + Sql.printable(text)
                        + "' is not database.table, e.g. 'nova.*' or '*.*'");
            }
            String db = unquote(m.group(1));
            String table = unquote(m.group(2));
            if (db.equals("*") && !table.equals("*")) {
                throw new SpecException("database", "argument 'database': a table needs a database, as in 'nova.instances'");
            }
            if (!db.equals("*")) Sql.require("database", db, Sql.DATABASE, "database.table with letters, digits and _ $ -, or *");
            if (!table.equals("*")) Sql.require("database", table, Sql.DATABASE, "database.table with letters, digits and _ $ -, or *");
            return new DbObject(db, table);
        }

        private static String unquote(String part) {
            return part.length() >= 2 && part.startsWith("`") ? part.substring(1, part.length() - 1) : part;
        }

        /** The object as SQL, and as the spec shows it. */
        String display() {
            return (db.equals("*") ? "*" : Sql.ident(db)) + "." + (table.equals("*") ? "*" : Sql.ident(table));
        }
    }

    /** What SHOW GRANTS says the account holds on one object; {@code account} is false when there is no such account. */
    record Held(boolean account, Set<String> privileges, boolean grantOption) {}

    private static final String QUOTED_OR_STAR = "(`(?:[^`]|``)*`|\\*)";
    private static final Pattern GRANT_LINE = Pattern.compile(
            "GRANT (.+?) ON " + QUOTED_OR_STAR + "\\." + QUOTED_OR_STAR + " TO (.*)");

    /** ER_NONEXISTING_GRANT: SHOW GRANTS for an account that does not exist. */
    private static final int NO_SUCH_GRANT = 1141;

    private final Env env;

    public MysqlGrantsPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Held held = held(spec);
        List<Change> changes = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>(spec.privileges());
        // Every existing account has USAGE; ALL PRIVILEGES on an object covers each single privilege on it.
        if (held.account()) missing.remove("USAGE");
        if (held.privileges().contains(ALL)) missing.clear();
        missing.removeAll(held.privileges());
        if (!missing.isEmpty()) {
            Set<String> after = new LinkedHashSet<>(held.privileges());
            if (spec.privileges().contains(ALL)) after.clear();
            after.addAll(spec.privileges());
            changes.add(Change.of("privileges", held.privileges().isEmpty() ? null : String.join(", ", held.privileges()),
                    String.join(", ", after)));
        }
        if (spec.grantOption() && !held.grantOption()) changes.add(Change.of("grant_option", false, true));
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        spec.connection().execute(env.host(), "GRANT " + spec.grant() + " ON " + spec.object().display()
                + " TO " + Sql.account(spec.user(), spec.host()) + (spec.grantOption() ? " WITH GRANT OPTION" : "") + ";\n");
        return Applied.NONE;
    }

    private Held held(Spec spec) {
        String out = spec.connection().queryText(env.host(),
                "SHOW GRANTS FOR " + Sql.account(spec.user(), spec.host()) + ";\n", NO_SUCH_GRANT);
        // An existing account always has at least USAGE, so "no such grant" means it does not exist yet.
        if (out == null) return new Held(false, Set.of(), false);
        DbObject want = spec.object();
        Set<String> privileges = new LinkedHashSet<>();
        boolean grantOption = false;
        for (String line : out.split("\n")) {
            Matcher m = GRANT_LINE.matcher(line);
            if (!m.matches()) continue;
            if (!unquote(m.group(2)).equals(want.db()) || !unquote(m.group(3)).equals(want.table())) continue;
            privileges.addAll(splitPrivileges(m.group(1)));
            grantOption |= m.group(4).contains(" WITH GRANT OPTION");
        }
        // USAGE is the line every account has on *.*; it stands for no privilege at all.
        privileges.remove("USAGE");
        return new Held(true, privileges, grantOption);
    }

    private static String unquote(String part) {
        return part.equals("*") ? part : part.substring(1, part.length() - 1).replace("``", "`");
    }

    /** Splits SHOW GRANTS' privilege list at commas outside column lists such as "SELECT (`a`, `b`)". */
    static List<String> splitPrivileges(String list) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder cur = new StringBuilder();
        for (char ch : list.toCharArray()) {
            if (ch == '`') quoted = !quoted;
            if (!quoted && ch == '(') depth++;
            if (!quoted && ch == ')') depth--;
            if (!quoted && depth == 0 && ch == ',') {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (!cur.isEmpty()) out.add(cur.toString().trim());
        return out;
    }
}
