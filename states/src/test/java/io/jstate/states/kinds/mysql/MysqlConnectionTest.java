package io.jstate.states.kinds.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.Kinds;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MysqlConnectionTest {

    static final List<String> DEFAULT_ARGV = List.of("mariadb", "--batch", "--skip-column-names", "--raw",
            "--default-character-set=utf8mb4", "--connect-timeout=10", "--user=root");

    @Test
    void kindsAreRegisteredUnderTheirSlsNames() {
        var r = Kinds.registry();
        assertEquals(MysqlDatabasePresent.Spec.class, r.find("mysql_database.present").orElseThrow().specType());
        assertEquals(MysqlDatabaseAbsent.Spec.class, r.find("mysql_database.absent").orElseThrow().specType());
        assertEquals(MysqlUserPresent.Spec.class, r.find("mysql_user.present").orElseThrow().specType());
        assertEquals(MysqlGrantsPresent.Spec.class, r.find("mysql_grants.present").orElseThrow().specType());
    }

    @Test
    void everyMysqlKindTakesTheSameFlatConnectionArgumentsIntoOneComponent() throws Exception {
        List<String> connection = List.of("connection_host", "connection_port", "connection_socket", "connection_user",
                "connection_pass", "connection_default_file");
        Map<String, Object> args = Map.of("connection_host", "db1", "connection_port", 3307, "connection_user", "admin",
                "connection_pass", "pw", "connection_default_file", "/etc/mysql/debian.cnf");
        MysqlConnection wanted = new MysqlConnection("db1", 3307, null, "admin", "pw", "/etc/mysql/debian.cnf");
        Map<String, Object> user = new java.util.HashMap<>(args);
        user.put("password", "x");
        Map<String, Object> grant = new java.util.HashMap<>(args);
        grant.putAll(Map.of("grant", "ALL", "database", "nova.*", "user", "nova"));
        for (Record spec : List.<Record>of(SpecBinder.bind(MysqlDatabasePresent.Spec.class, "nova", args),
                SpecBinder.bind(MysqlDatabaseAbsent.Spec.class, "nova", args),
                SpecBinder.bind(MysqlUserPresent.Spec.class, "nova", user),
                SpecBinder.bind(MysqlGrantsPresent.Spec.class, "nova", grant))) {
            List<String> names = SpecBinder.argumentNames(spec.getClass().asSubclass(Record.class));
            assertEquals(connection, names.subList(names.size() - connection.size(), names.size()), names.toString());
            assertFalse(names.contains("connection"), names.toString());
            assertEquals(wanted, spec.getClass().getMethod("connection").invoke(spec));
            assertFalse(spec.toString().contains("pw"), spec.toString());
        }
        var e = assertThrows(SpecException.class, () -> SpecBinder.bind(MysqlDatabaseAbsent.Spec.class, "nova", Map.of("connection_hots", "db1")));
        assertTrue(e.getMessage().startsWith("unknown argument 'connection_hots' (did you mean connection_host"), e.getMessage());
    }

    @Test
    void defaultsToRootOverTheLocalSocket() {
        assertEquals(DEFAULT_ARGV, new MysqlConnection(null, null, null, null, null, null).argv());
    }

    @Test
    void optionsFileComesFirstAndLeavesTheUserToIt() {
        assertEquals(List.of("mariadb", "--defaults-extra-file=/etc/mysql/debian.cnf", "--batch", "--skip-column-names",
                        "--raw", "--default-character-set=utf8mb4", "--connect-timeout=10"),
                new MysqlConnection(null, null, null, null, null, "/etc/mysql/debian.cnf").argv());
    }

    @Test
    void networkConnectionNamesHostPortSocketAndUser() {
        assertEquals(List.of("mariadb", "--batch", "--skip-column-names", "--raw", "--default-character-set=utf8mb4",
                        "--connect-timeout=10", "--host=db1.example.org", "--port=3307", "--socket=/tmp/my.sock", "--user=admin"),
                new MysqlConnection("db1.example.org", 3307, "/tmp/my.sock", "admin", null, null).argv());
    }

    @Test
    void passwordTravelsInTheEnvironmentAndSqlOnStdin() {
        FakeHost h = new FakeHost().on(List.of("mariadb"), e -> ExecResult.ok("1\tx\n"));
        MysqlConnection c = new MysqlConnection("127.0.0.1", null, null, "admin", "s3cr'et", null);
        assertEquals(List.of(List.of("1", "x")), c.query(h, "SELECT 1, 'x';\n"));
        var e = h.commands().get(0);
        assertEquals(Map.of("MYSQL_PWD", "s3cr'et"), e.env());
        assertEquals("SELECT 1, 'x';\n", e.stdin());
        assertFalse(e.mutates());
        assertFalse(String.join(" ", e.argv()).contains("s3cr"));
        assertFalse(c.toString().contains("s3cr"), c.toString());
    }

    @Test
    void hostileConnectionValuesAreRefusedByArgument() {
        assertEquals("connection_host", assertThrows(SpecException.class,
                () -> new MysqlConnection("x'; DROP DATABASE mysql; --", null, null, null, null, null)).argument());
        assertEquals("connection_host", assertThrows(SpecException.class,
                () -> new MysqlConnection("--init-command=x", null, null, null, null, null)).argument());
        assertEquals("connection_port", assertThrows(SpecException.class,
                () -> new MysqlConnection(null, 0, null, null, null, null)).argument());
        assertEquals("connection_socket", assertThrows(SpecException.class,
                () -> new MysqlConnection(null, null, "run/x.sock", null, null, null)).argument());
        assertEquals("connection_socket", assertThrows(SpecException.class,
                () -> new MysqlConnection(null, null, "/tmp/a\nb", null, null, null)).argument());
        assertEquals("connection_user", assertThrows(SpecException.class,
                () -> new MysqlConnection(null, null, null, "root` --", null, null)).argument());
        assertEquals("connection_pass", assertThrows(SpecException.class,
                () -> new MysqlConnection(null, null, null, null, "a\0b", null)).argument());
        assertEquals("connection_default_file", assertThrows(SpecException.class,
                () -> new MysqlConnection(null, null, null, null, null, "debian.cnf")).argument());
    }

    @Test
    void quotingEscapesWhatItMust() {
        assertEquals("`a``b`", Sql.ident("a`b"));
        assertEquals("'x''; DROP DATABASE mysql; --'", Sql.literal("x'; DROP DATABASE mysql; --"));
        assertEquals("_utf8mb4 X'6261636b5c27'", Sql.literal("back\\'"), "a backslash means one thing in no quoting under both sql_modes");
        assertThrows(IllegalArgumentException.class, () -> Sql.account("a\\", "%"));
        assertEquals("'a'@'%'", Sql.account("a", "%"));
        assertThrows(IllegalArgumentException.class, () -> Sql.literal("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> Sql.ident("a\0b"));
    }

    @Test
    void aFailedChangeQuotesTheServerButNotTheMaskedValue() {
        FakeHost h = new FakeHost().on(List.of("mariadb"),
                e -> ExecResult.fail(1, "ERROR 1064 (42000) at line 1: syntax error near '*ABCDEF'"));
        MysqlConnection c = new MysqlConnection(null, null, null, null, null, null);
        HostException e = assertThrows(HostException.class, () -> c.execute(h, "ALTER USER x;\n", "*ABCDEF"));
        assertTrue(e.getMessage().contains("ERROR 1064"), e.getMessage());
        assertFalse(e.getMessage().contains("ABCDEF"), e.getMessage());
        assertTrue(h.commands().get(0).mutates());
    }

    @Test
    void toleratedServerErrorIsAnAnswer() {
        FakeHost h = new FakeHost().on(List.of("mariadb"), e -> ExecResult.fail(1, "ERROR 1141 (42000) at line 1: no such grant"));
        MysqlConnection c = new MysqlConnection(null, null, null, null, null, null);
        assertEquals(null, c.queryText(h, "SHOW GRANTS FOR 'a'@'b';\n", 1141));
        assertThrows(HostException.class, () -> c.queryText(h, "SHOW GRANTS FOR 'a'@'b';\n", 1045));
        assertThrows(HostException.class, () -> c.query(h, "SHOW GRANTS FOR 'a'@'b';\n"));
    }
}
