package io.jstate.states.kinds.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.State;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.Host;
import io.jstate.states.host.LocalHost;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MySQL kinds against a private MariaDB server, each state checked through a read-only host
 * as the engine does, applied through the real one, and checked again to prove it converged.
 */
@Tag("real")
@Timeout(120)
class MysqlRealTest {

    @RegisterExtension
    static final MariadbServer SERVER = new MariadbServer();

    private static final Host HOST = LocalHost.system();
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    /** check, apply when drifted, check again; returns the first drift. */
    private static <S extends Record> Drift converge(Function<Env, State<S>> kind, S spec) throws Exception {
        State<S> observing = kind.apply(new Env(new ReadOnlyHost(HOST), Map.of(), null));
        State<S> changing = kind.apply(new Env(HOST, Map.of(), null));
        Drift first = observing.check(spec);
        if (!first.inSync()) {
            changing.apply(spec, first);
            Drift after = observing.check(spec);
            assertTrue(after.inSync(), "still drifted after apply: " + after);
        }
        return first;
    }

    private static <S extends Record> S spec(Class<S> type, String id, Map<String, Object> args) {
        Map<String, Object> a = new HashMap<>(args);
        a.put("connection_socket", SERVER.socket().toString());
        return SpecBinder.bind(type, id, a);
    }

    /** Runs SQL as root over the private socket and returns stdout. */
    private static String root(String sql) {
        Exec e = Exec.change("mariadb", "--no-defaults", "--socket=" + SERVER.socket(), "--user=root",
                "--batch", "--skip-column-names", "--raw").withStdin(sql).withTimeout(CLIENT_TIMEOUT);
        return HOST.run(e).orThrow(e).stdout();
    }

    /** Logs in over TCP as {@code user} with {@code password} (in MYSQL_PWD) and runs SQL. */
    private static ExecResult login(String user, String password, String sql) {
        Exec e = Exec.query("mariadb", "--no-defaults", "--batch", "--skip-column-names", "--host=127.0.0.1",
                        "--port=" + SERVER.port(), "--user=" + user)
                .withEnv(Map.of("MYSQL_PWD", password)).withStdin(sql).withTimeout(CLIENT_TIMEOUT);
        return HOST.run(e);
    }

    @Test
    void databaseUserAndGrantsConvergeAndPasswordIsEnforced() throws Exception {
        var db = spec(MysqlDatabasePresent.Spec.class, "nova", Map.of());
        assertEquals(List.of(Change.of("database", null, "created")), converge(MysqlDatabasePresent::new, db).changes());
        assertEquals("utf8mb4\tutf8mb4_general_ci\n", root(
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='nova';"));

        var user = spec(MysqlUserPresent.Spec.class, "nova", Map.of("host", "%", "password", "first-pw"));
        assertEquals(List.of(Change.of("user", null, "created")), converge(MysqlUserPresent::new, user).changes());

        var grants = spec(MysqlGrantsPresent.Spec.class, "nova-grants",
                Map.of("grant", "ALL", "database", "nova.*", "user", "nova", "host", "%"));
        assertEquals(List.of(Change.of("privileges", null, "ALL PRIVILEGES")), converge(MysqlGrantsPresent::new, grants).changes());

        // A second run finds nothing to do.
        assertTrue(converge(MysqlDatabasePresent::new, db).inSync());
        assertTrue(converge(MysqlUserPresent::new, user).inSync());
        assertTrue(converge(MysqlGrantsPresent::new, grants).inSync());

        ExecResult in = login("nova", "first-pw", "CREATE TABLE nova.t (i INT); SELECT CURRENT_USER();");
        assertTrue(in.succeeded(), in.stderr());
        assertEquals("nova@%\n", in.stdout());

        // The spec's password changes: drift, enforced, and only the new one logs in.
        var changed = spec(MysqlUserPresent.Spec.class, "nova", Map.of("host", "%", "password", "second-pw"));
        assertEquals(List.of(Change.of("password", null, "changed")), converge(MysqlUserPresent::new, changed).changes());
        assertTrue(login("nova", "second-pw", "SELECT 1;").succeeded());
        assertFalse(login("nova", "first-pw", "SELECT 1;").succeeded());

        // Someone changes it behind our back: the next run puts it back.
        root("ALTER USER 'nova'@'%' IDENTIFIED BY 'manual';");
        assertEquals(List.of(Change.of("password", null, "changed")), converge(MysqlUserPresent::new, changed).changes());
        assertTrue(login("nova", "second-pw", "SELECT 1;").succeeded());
    }

    @Test
    void hostilePasswordRoundTrips() throws Exception {
        String hostile = "x'; DROP DATABASE mysql; --`\\\"$(id)\\' \n\t%_";
        var user = spec(MysqlUserPresent.Spec.class, "hostile", Map.of("host", "127.0.0.1", "password", hostile));
        assertTrue(converge(MysqlUserPresent::new, user).has("user"));
        assertTrue(converge(MysqlUserPresent::new, user).inSync());
        ExecResult in = login("hostile", hostile, "SELECT CURRENT_USER();");
        assertTrue(in.succeeded(), in.stderr());
        assertEquals("hostile@127.0.0.1\n", in.stdout());
        // Had a layer eaten the backslashes, this would be the password stored instead.
        assertFalse(login("hostile", hostile.replace("\\", ""), "SELECT 1;").succeeded());
        // The server hashes the password, sent as an escaped literal, exactly as this side does.
        assertEquals(MysqlUserPresent.nativeHash(hostile) + "\n", root("SELECT PASSWORD(" + Sql.literal(hostile) + ");"));
        assertTrue(root("SHOW DATABASES;").contains("mysql\n"));
    }

    @Test
    void literalsMeanTheirTextUnderEitherBackslashModeAndInjectNothing() {
        root("CREATE DATABASE canary;");
        List<String> values = List.of("it's", "back\\slash\\", "\\'; DROP DATABASE canary; -- ", "x' OR '1'='1",
                "q\"uote\" and 'single'", "line one\nline two\n", "\\", "'");
        for (String mode : List.of("DEFAULT", "'NO_BACKSLASH_ESCAPES'", "'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'")) {
            for (String v : values) {
                String lit = Sql.literal(v);
                String out = root("SET SESSION sql_mode = " + mode + ";\n"
                        + "SELECT HEX(" + lit + "), PASSWORD(" + lit + "), " + lit + " = BINARY " + lit + ";\n");
                String hex = java.util.HexFormat.of().withUpperCase().formatHex(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(hex + "\t" + MysqlUserPresent.nativeHash(v) + "\t1\n", out, "sql_mode " + mode + ", literal " + lit);
            }
        }
        assertTrue(root("SHOW DATABASES;").contains("canary\n"));
        root("DROP DATABASE canary;");
    }

    @Test
    void hostileNamesAreRefusedAndChangeNothing() {
        String before = root("SHOW DATABASES; SELECT User, Host FROM mysql.user ORDER BY 1, 2;");
        for (String bad : List.of("x'; DROP DATABASE mysql; --", "a`b", "back\\slash", "new\nline")) {
            assertThrows(SpecException.class, () -> spec(MysqlDatabasePresent.Spec.class, bad, Map.of()));
            assertThrows(SpecException.class, () -> spec(MysqlDatabaseAbsent.Spec.class, bad, Map.of()));
            assertThrows(SpecException.class, () -> spec(MysqlUserPresent.Spec.class, bad, Map.of("password", "p")));
            assertThrows(SpecException.class, () -> spec(MysqlUserPresent.Spec.class, "u", Map.of("host", bad, "password", "p")));
            assertThrows(SpecException.class, () -> spec(MysqlGrantsPresent.Spec.class, "g",
                    Map.of("grant", "SELECT", "database", bad + ".*", "user", "u")));
            assertThrows(SpecException.class, () -> spec(MysqlGrantsPresent.Spec.class, "g",
                    Map.of("grant", bad, "database", "nova.*", "user", "u")));
        }
        assertThrows(SpecException.class, () -> spec(MysqlDatabaseAbsent.Spec.class, "mysql", Map.of()));
        assertEquals(before, root("SHOW DATABASES; SELECT User, Host FROM mysql.user ORDER BY 1, 2;"));
    }

    @Test
    void charsetIsAlteredAndDatabaseRemoved() throws Exception {
        root("CREATE DATABASE scratch CHARACTER SET latin1;");
        var present = spec(MysqlDatabasePresent.Spec.class, "scratch", Map.of("character_set", "utf8", "collate", "utf8_general_ci"));
        assertEquals(List.of(Change.of("character_set", "latin1", "utf8"), Change.of("collate", "latin1_swedish_ci", "utf8_general_ci")),
                converge(MysqlDatabasePresent::new, present).changes());
        assertTrue(converge(MysqlDatabasePresent::new, present).inSync());

        var absent = spec(MysqlDatabaseAbsent.Spec.class, "scratch", Map.of());
        assertEquals(List.of(Change.of("database", "present", "removed")), converge(MysqlDatabaseAbsent::new, absent).changes());
        assertTrue(converge(MysqlDatabaseAbsent::new, absent).inSync());
        assertFalse(root("SHOW DATABASES;").contains("scratch\n"));
    }

    @Test
    void unixSocketUserAndGrantOption() throws Exception {
        var user = spec(MysqlUserPresent.Spec.class, "backup", Map.of("unix_socket", true));
        assertTrue(converge(MysqlUserPresent::new, user).has("user"));
        assertTrue(converge(MysqlUserPresent::new, user).inSync());
        assertEquals("unix_socket\n", root("SELECT plugin FROM mysql.user WHERE User='backup';"));

        var grants = spec(MysqlGrantsPresent.Spec.class, "backup-grants", Map.of("grant", "RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR",
                "database", "*.*", "user", "backup", "grant_option", true));
        assertEquals(List.of(Change.of("privileges", null, "RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR"),
                Change.of("grant_option", false, true)), converge(MysqlGrantsPresent::new, grants).changes());
        assertTrue(converge(MysqlGrantsPresent::new, grants).inSync());
        // The old name of BINLOG MONITOR is the same privilege.
        var alias = spec(MysqlGrantsPresent.Spec.class, "backup-grants", Map.of("grant", "replication client",
                "database", "*.*", "user", "backup"));
        assertTrue(converge(MysqlGrantsPresent::new, alias).inSync());
    }

    @Test
    void everyWhitelistedPrivilegeReadsBackUnderItsCanonicalName() throws Exception {
        int i = 0;
        for (String privilege : MysqlGrantsPresent.PRIVILEGES.keySet()) {
            String name = "priv" + i++;
            root("CREATE USER '" + name + "'@'localhost' IDENTIFIED VIA unix_socket;");
            var grants = spec(MysqlGrantsPresent.Spec.class, name, Map.of("grant", privilege, "database", "*.*", "user", name));
            assertEquals(!privilege.equals("USAGE"), converge(MysqlGrantsPresent::new, grants).has("privileges"), privilege);
            assertTrue(converge(MysqlGrantsPresent::new, grants).inSync(), privilege);
        }
    }
}
