package io.jstate.minion.functions;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Function arguments given as {@code key=value}: every key one the function knows, every value a
 * plain path or name (no spaces, quotes or shell characters), since they end up in paths and argv.
 */
final class KeyValueArgs {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./+-]+");

    private KeyValueArgs() {}

    static Map<String, String> parse(List<String> args, Set<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg : arg.substring(0, eq);
            if (eq < 0 || !keys.contains(key)) {
                throw new IllegalArgumentException("'" + arg + "': give key=value with a key of " + new TreeSet<>(keys));
            }
            String value = arg.substring(eq + 1);
            if (!PLAIN.matcher(value).matches()) throw new IllegalArgumentException("'" + arg + "': not a plain path or name");
            out.put(key, value);
        }
        return out;
    }

    /** The absolute path given for {@code key}, else {@code fallback}. */
    static Path path(Map<String, String> args, String key, String fallback) {
        String v = args.getOrDefault(key, fallback);
        if (v == null) return null;
        if (!v.startsWith("/")) throw new IllegalArgumentException("'" + key + "=" + v + "': give an absolute path");
        return Path.of(v);
    }
}
