package io.jstate.common.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web dashboard's users file: one {@code NAME:HASH} per line ({@link PasswordHash}), blank lines
 * and {@code #} comments allowed. The master reads it; {@code jstate web passwd} rewrites one line.
 */
public final class UsersFile {
    /** Names a login form and a file line can carry without quoting. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private UsersFile() {}

    /** A line that cannot be used; the message names the file and the line. */
    public static final class BadLine extends IllegalArgumentException {
        public BadLine(String message) {
            super(message);
        }
    }

    /** The users and their hashes, in file order. */
    public static Map<String, String> parse(String where, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            if (colon < 0 || !NAME.matcher(name).matches()) {
                throw new BadLine(where + ", line " + (i + 1) + ": expected NAME:HASH with a name of letters, digits, '.', '_', '@' or '-'");
            }
            String problem = PasswordHash.problem(line.substring(colon + 1));
            if (problem != null) throw new BadLine(where + ", line " + (i + 1) + " (user " + name + "): " + problem);
            if (out.put(name, line.substring(colon + 1)) != null) throw new BadLine(where + ", line " + (i + 1) + ": user " + name + " appears twice");
        }
        return out;
    }

    /** {@code text} with {@code name}'s line replaced (or added at the end); other lines stay as they were. */
    public static String set(String text, String name, String hash) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("'" + name + "' is not a user name (letters, digits, '.', '_', '@', '-')");
        StringBuilder out = new StringBuilder();
        boolean done = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty() && out.isEmpty() && text.isEmpty()) continue;
            String s = line.strip();
            if (!s.startsWith("#") && s.startsWith(name + ":")) {
                if (!done) out.append(name).append(':').append(hash).append('\n');
                done = true;
            } else {
                out.append(line).append('\n');
            }
        }
        if (!done) out.append(name).append(':').append(hash).append('\n');
        return out.toString();
    }
}
