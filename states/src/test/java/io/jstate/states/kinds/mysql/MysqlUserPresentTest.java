package io.jstate.states.kinds.mysql;

import static io.jstate.states.kinds.mysql.MysqlConnectionTest.DEFAULT_ARGV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MysqlUserPresentTest {

    static final String HOSTILE = "x'; DROP DATABASE mysql; --`\\\n\"";

    /** Accounts as "user@host" to "plugin\tauthentication_string", changed only by CREATE/ALTER USER. */
    static FakeHost server(Map<String, String> accounts) {
        FakeHost h = new FakeHost();
        Pattern select = Pattern.compile("SELECT plugin, authentication_string FROM mysql.user"
                + " WHERE User = BINARY '([^']*)' AND Host = BINARY '([^']*)';\n");
        Pattern change = Pattern.compile("(CREATE|ALTER) USER '([^']*)'@'([^']*)' IDENTIFIED VIA (\\w+)(?: USING '([^']*)')?;\n");
        h.on(e -> !e.mutates(), e -> {
            var m = select.matcher(e.stdin());
            if (!m.matches()) return ExecResult.fail(1, "ERROR 1064 unexpected: " + e.stdin());
            String row = accounts.get(m.group(1) + "@" + m.group(2));
            return ExecResult.ok(row == null ? "" : row + "\n");
        });
        h.on(Exec::mutates, e -> {
            var m = change.matcher(e.stdin());
            if (!m.matches()) return ExecResult.fail(1, "ERROR 1064 unexpected: " + e.stdin());
            String key = m.group(2) + "@" + m.group(3);
            if (m.group(1).equals("CREATE") == accounts.containsKey(key)) return ExecResult.fail(1, "ERROR 1396 " + key);
            accounts.put(key, m.group(4) + "\t" + (m.group(5) == null ? "" : m.group(5)));
            return ExecResult.ok("");
        });
        return h;
    }

    static MysqlUserPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(MysqlUserPresent.Spec.class, "nova", args);
    }

    @Test
    void hashIsTheServersMysqlNativePasswordHash() {
        // The value MariaDB's PASSWORD('password') returns.
        assertEquals("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", MysqlUserPresent.nativeHash("password"));
    }

    @Test
    void createsAUserWithThePasswordsHashNeverThePassword() {
        Map<String, String> accounts = new HashMap<>();
        FakeHost h = server(accounts);
        var state = new MysqlUserPresent(new Env(h, Map.of(), null));
        var spec = spec(Map.of("password", HOSTILE));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("user", null, "created")), d.changes());
        state.apply(spec, d);
        assertTrue(state.check(spec).inSync());

        String hash = MysqlUserPresent.nativeHash(HOSTILE);
        assertEquals("SELECT plugin, authentication_string FROM mysql.user WHERE User = BINARY 'nova' AND Host = BINARY 'localhost';\n",
                h.commands().get(0).stdin());
        assertEquals(DEFAULT_ARGV, h.commands().get(1).argv());
        assertEquals("CREATE USER 'nova'@'localhost' IDENTIFIED VIA mysql_native_password USING '" + hash + "';\n",
                h.commands().get(1).stdin());
        assertEquals(1, h.mutations().size());
        assertPasswordNowhere(h, d, spec);
    }

    @Test
    void aChangedPasswordIsDriftAndIsEnforced() {
        Map<String, String> accounts = new HashMap<>(Map.of("nova@localhost",
                "mysql_native_password\t" + MysqlUserPresent.nativeHash("old")));
        FakeHost h = server(accounts);
        var state = new MysqlUserPresent(new Env(h, Map.of(), null));
        var spec = spec(Map.of("password", "new"));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("password", null, "changed")), d.changes());
        state.apply(spec, d);
        assertEquals("ALTER USER 'nova'@'localhost' IDENTIFIED VIA mysql_native_password USING '"
                + MysqlUserPresent.nativeHash("new") + "';\n", h.commands().get(1).stdin());
        assertTrue(state.check(spec).inSync());
        assertPasswordNowhere(h, d, spec);
    }

    @Test
    void theSamePasswordIsInSyncWhateverTheHashsCase() {
        FakeHost h = server(new HashMap<>(Map.of("nova@10.0.0.%",
                "mysql_native_password\t" + MysqlUserPresent.nativeHash("pw").toLowerCase())));
        var state = new MysqlUserPresent(new Env(h, Map.of(), null));
        assertTrue(state.check(spec(Map.of("password", "pw", "host", "10.0.0.%"))).inSync());
        assertEquals(List.of(), h.mutations());
    }

    @Test
    void aPasswordHashIsSetAsGiven() {
        String hash = MysqlUserPresent.nativeHash("pw");
        FakeHost h = server(new HashMap<>(Map.of("nova@%", "unix_socket\t")));
        var state = new MysqlUserPresent(new Env(h, Map.of(), null));
        var spec = spec(Map.of("password_hash", hash.toLowerCase(), "host", "%"));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("password", null, "changed")), d.changes());
        state.apply(spec, d);
        assertEquals("ALTER USER 'nova'@'%' IDENTIFIED VIA mysql_native_password USING '" + hash + "';\n",
                h.commands().get(1).stdin());
        assertTrue(state.check(spec).inSync());
        assertFalse(spec.toString().contains(hash), spec.toString());
    }

    @Test
    void unixSocketAuthentication() {
        FakeHost h = server(new HashMap<>(Map.of("backup@localhost", "mysql_native_password\t*00")));
        var state = new MysqlUserPresent(new Env(h, Map.of(), null));
        var spec = SpecBinder.bind(MysqlUserPresent.Spec.class, "backup", Map.of("unix_socket", true));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("auth", "mysql_native_password", "unix_socket")), d.changes());
        state.apply(spec, d);
        assertEquals("ALTER USER 'backup'@'localhost' IDENTIFIED VIA unix_socket;\n", h.commands().get(1).stdin());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() {
        FakeHost h = server(new HashMap<>(Map.of("nova@localhost", "mysql_native_password\t*00")));
        Drift d = new MysqlUserPresent(new Env(new ReadOnlyHost(h), Map.of(), null)).check(spec(Map.of("password", "pw")));
        assertTrue(d.has("password"));
        assertEquals(List.of(), h.mutations());
    }

    @Test
    void exactlyOneWayToLogIn() {
        assertEquals("password", assertThrows(SpecException.class, () -> spec(Map.of())).argument());
        assertNull(assertThrows(SpecException.class,
                () -> spec(Map.of("password", "a", "unix_socket", true))).argument());
        assertNull(assertThrows(SpecException.class,
                () -> spec(Map.of("password", "a", "password_hash", MysqlUserPresent.nativeHash("a")))).argument());
        assertEquals("password", assertThrows(SpecException.class, () -> spec(Map.of("password", ""))).argument());
        assertEquals("password", assertThrows(SpecException.class, () -> spec(Map.of("password", "a\0b"))).argument());
        assertEquals("password_hash", assertThrows(SpecException.class,
                () -> spec(Map.of("password_hash", "*12' OR 1=1 --"))).argument());
    }

    @Test
    void hostileNamesAndHostsAreRefused() {
        for (String bad : List.of("x'; DROP DATABASE mysql; --", "a`b", "a\\b", "a\nb", "a'b", "a@b", "")) {
            assertEquals("name", assertThrows(SpecException.class,
                    () -> spec(Map.of("name", bad, "password", "p")), bad).argument());
            if (!bad.isEmpty()) {
                assertEquals("host", assertThrows(SpecException.class,
                        () -> spec(Map.of("host", bad, "password", "p")), bad).argument());
            }
        }
    }

    @Test
    void hostIsLowerCasedAsTheServerStoresIt() {
        assertEquals("db1.example.org", spec(Map.of("host", "DB1.Example.org", "password", "p")).host());
    }

    private static void assertPasswordNowhere(FakeHost h, Drift d, MysqlUserPresent.Spec spec) {
        String pw = spec.password();
        for (Exec e : h.commands()) {
            assertFalse(String.join(" ", e.argv()).contains(pw));
            assertFalse(e.stdin().contains(pw));
            assertFalse(e.env().containsValue(pw));
        }
        for (Change c : d.changes()) {
            assertFalse(String.valueOf(c.before()).contains(pw));
            assertFalse(String.valueOf(c.after()).contains(pw));
        }
        assertFalse(spec.toString().contains(pw), spec.toString());
    }
}
