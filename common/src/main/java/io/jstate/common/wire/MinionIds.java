package io.jstate.common.wire;

import java.util.regex.Pattern;

/**
 * The one rule for a minion id, shared by enrollment, the master's stores, the minion's
 * configuration and the CLI. An id doubles as a file name on the master ({@code ID.csr},
 * {@code ID.pb}, their temporary and quarantined copies), so it is short enough that every such
 * name fits the 255-byte limit of common file systems, and holds no character a path could misread.
 */
public final class MinionIds {
    /** The longest id: file names add at most 30 characters (a temporary file's prefix and suffix). */
    public static final int MAX_LENGTH = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** What every valid id is, as error messages say it. */
    public static final String RULE = "1 to " + MAX_LENGTH + " letters, digits, '.', '-' and '_', starting with a letter or digit";

    private MinionIds() {}

    public static boolean valid(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_LENGTH && ID.matcher(id).matches();
    }

    /** Returns {@code id} when valid; otherwise throws with a message that quotes it (shortened) and states the rule. */
    public static String check(String id) {
        if (!valid(id)) throw new IllegalArgumentException("minion id '" + shown(id) + "' is not allowed: " + RULE);
        return id;
    }

    /** An id as a message may quote it: at most 64 characters, control characters escaped. */
    public static String shown(String id) {
        if (id == null) return "";
        String s = id.length() > 64 ? id.substring(0, 64) + "... (" + id.length() + " characters)" : id;
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }
}
