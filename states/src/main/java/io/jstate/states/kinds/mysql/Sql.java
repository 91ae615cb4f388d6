package io.jstate.states.kinds.mysql;

import io.jstate.states.engine.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names and quoting for the SQL the MySQL kinds send. A pillar value reaches SQL only after two
 * guards: the spec refuses anything outside a strict pattern, and whatever passes is still quoted
 * as an identifier or a string literal. Either guard alone would stop an injection; both together
 * keep a future loosening of one pattern from opening a hole.
 */
final class Sql {
    private Sql() {}

    /** Database and table names: plain ASCII, as OpenStack and most services use, at most 64 characters. */
    static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_$-]{0,63}");

    /** Account user names; MariaDB allows 80 characters. */
    static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.$-]{0,79}");

    /** Account hosts: a name, an IPv4 or IPv6 address, a % wildcard pattern or an address/netmask. */
    static final Pattern ACCOUNT_HOST = Pattern.compile("[A-Za-z0-9_.:%/-]{1,255}");

    /** Character set and collation names are single words. */
    static final Pattern CHARSET = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** Returns {@code value} when it matches, else a SpecException naming the argument and what is allowed. */
    static String require(String argument, String value, Pattern pattern, String allowed) {
        if (value == null) throw new SpecException(argument, "argument '" + argument + "' is required");
        if (!pattern.matcher(value).matches()) {
            throw new SpecException(argument, "argument '" + argument + "': '" + printable(value)
                    + "' is not a valid name; allowed: " + allowed);
        }
        return value;
    }

    /** Quotes an identifier in backticks, doubling any backtick inside it. */
    static String ident(String name) {
        refuseNul(name);
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * A string literal that means {@code text} whatever the session's sql_mode. A backslash is an
     * escape by default but an ordinary character under NO_BACKSLASH_ESCAPES, and no quoting means
     * the same under both: so text without one is single-quoted with quotes doubled (which both
     * modes, and the client splitting statements, read alike), and text with one is sent as a hex
     * literal in utf8mb4, {@code _utf8mb4 X'...'}, which holds no quote or backslash at all. The
     * grammar takes a hex literal wherever an expression goes; account names take only quoted
     * text, which is why {@link #account} refuses a backslash.
     */
    static String literal(String text) {
        refuseNul(text);
        if (text.indexOf('\\') >= 0) return "_utf8mb4 X'" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)) + "'";
        return "'" + text.replace("'", "''") + "'";
    }

    /** An account as {@code 'user'@'host'}. */
    static String account(String user, String host) {
        if (user.indexOf('\\') >= 0 || host.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("an account's user or host cannot contain a backslash");
        }
        return literal(user) + "@" + literal(host);
    }

    private static void refuseNul(String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("a NUL character cannot be sent in SQL");
    }

    /** A value fit for an error message: control characters shown as escapes so a newline cannot fake a log line. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }
}
