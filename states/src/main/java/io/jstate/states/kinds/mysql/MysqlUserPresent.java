package io.jstate.states.kinds.mysql;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * mysql_user.present: an account exists and logs in the wanted way, enforced on every run: by a
 * password (mysql_native_password), by a ready password hash, or by the unix_socket plugin.
 *
 * <p>The password is compared by its hash, computed here the way the server does
 * (SHA1(SHA1(password))), and set by that hash, so the clear password is never sent to the
 * server at all, let alone shown in argv or a change.
 */
public final class MysqlUserPresent implements State<MysqlUserPresent.Spec> {

    static final String NATIVE = "mysql_native_password";
    static final String UNIX_SOCKET = "unix_socket";
    private static final Pattern HASH = Pattern.compile("\\*[0-9A-Fa-f]{40}");

    @StateDoc(summary = "An account exists and logs in the wanted way, enforced on every run: by a password (mysql_native_password), by a ready password hash, or by the unix_socket plugin. The password is compared and set by its hash, so the clear password never reaches the server, argv or a change.",
            example = """
                nova-db-user:
                  mysql_user.present:
                    - name: nova
                    - host: "%"
                    - password: secret
                """)
    public record Spec(
            @ArgDoc("the account's user name") String name,
            @ArgDoc("the account's host part (a name, an address, a `%` pattern or address/netmask)") String host,
            @ArgDoc("the password; exactly one of `password`, `password_hash`, `unix_socket: true`") String password,
            @ArgDoc("a mysql_native_password hash (`*` and 40 hex digits)") String passwordHash,
            @ArgDoc("log in by the unix_socket plugin (the system user of the same name)") boolean unixSocket,
            MysqlConnection connection) {
        public Spec {
            Sql.require("name", name, Sql.USER, "letters, digits and _ . $ -, at most 80");
            host = host == null ? "localhost" : host.toLowerCase(Locale.ROOT);
            Sql.require("host", host, Sql.ACCOUNT_HOST, "a host name, an IP address, a % pattern or address/netmask");
            int ways = (password != null ? 1 : 0) + (passwordHash != null ? 1 : 0) + (unixSocket ? 1 : 0);
            if (ways != 1) {
                throw new SpecException(ways == 0 ? "password" : null,
                        "give exactly one of 'password', 'password_hash' or 'unix_socket: true'");
            }
            if (password != null && (password.isEmpty() || password.indexOf('\0') >= 0)) {
                throw new SpecException("password", "argument 'password' must be non-empty and cannot contain a NUL character");
            }
            if (passwordHash != null) {
                if (!HASH.matcher(passwordHash).matches()) {
                    throw new SpecException("password_hash",
                            "argument 'password_hash' must be a mysql_native_password hash: '*' and 40 hex digits");
                }
                passwordHash = passwordHash.toUpperCase(Locale.ROOT);
            }
        }

        /** The hash the account should have, or null when it logs in by unix_socket. */
        String wantedHash() {
            return password != null ? nativeHash(password) : passwordHash;
        }

        /** With the passwords blanked: a record's own toString would print them into any message that mentions the spec. */
        @Override
        public String toString() {
            return MysqlConnection.describe(this);
        }
    }

    private final Env env;

    public MysqlUserPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        List<List<String>> rows = spec.connection().query(env.host(),
                "SELECT plugin, authentication_string FROM mysql.user WHERE User = BINARY " + Sql.literal(spec.name())
                        + " AND Host = BINARY " + Sql.literal(spec.host()) + ";\n");
        if (rows.isEmpty()) return Drift.of(Change.of("user", null, "created"));
        String plugin = rows.get(0).get(0);
        String stored = rows.get(0).size() > 1 ? rows.get(0).get(1) : "";
        if (spec.unixSocket()) {
            return plugin.equals(UNIX_SOCKET) ? Drift.NONE : Drift.of(Change.of("auth", plugin, UNIX_SOCKET));
        }
        boolean same = plugin.equals(NATIVE) && stored.equalsIgnoreCase(spec.wantedHash());
        return same ? Drift.NONE : Drift.of(Change.of("password", null, "changed"));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        String verb = drift.has("user") ? "CREATE USER " : "ALTER USER ";
        String hash = spec.wantedHash();
        String auth = hash == null ? UNIX_SOCKET : NATIVE + " USING " + Sql.literal(hash);
        spec.connection().execute(env.host(),
                verb + Sql.account(spec.name(), spec.host()) + " IDENTIFIED VIA " + auth + ";\n", hash);
        return Applied.NONE;
    }

    /** The mysql_native_password hash of a password: '*' and the upper-case hex of SHA1(SHA1(utf-8 bytes)). */
    static String nativeHash(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] inner = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            return "*" + HexFormat.of().withUpperCase().formatHex(sha1.digest(inner));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
