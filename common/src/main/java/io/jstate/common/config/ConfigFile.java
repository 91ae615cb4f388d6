package io.jstate.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reading a YAML configuration file (master.yaml, minion.yaml) and the values in it. Every
 * message names the file, and the key where there is one, so an operator knows what to fix.
 */
public final class ConfigFile {
    private ConfigFile() {}

    /**
     * The file's top-level mapping (empty for an empty file), after refusing any key that
     * {@code keys} does not know.
     *
     * @throws ConfigException when the file is missing, unreadable, not YAML, not a mapping or holds an unknown key
     */
    public static Map<?, ?> read(Path file, ConfigKeys keys) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("no configuration file " + file + " (give one with --config)");
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Object doc;
        try {
            doc = ConfigKeys.yaml().load(text);
        } catch (RuntimeException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
        }
        if (doc == null) return Map.of();
        if (!(doc instanceof Map<?, ?> top)) throw new ConfigException(file + ": expected a mapping at the top");
        try {
            keys.check(String.valueOf(file), text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return top;
    }

    /**
     * A single value as text, {@code dflt} when absent.
     *
     * @param where what goes before the key in a message (the file), or empty when the caller adds it
     */
    public static String string(String where, Map<?, ?> m, String key, String dflt) {
        Object v = m.get(key);
        if (v == null) return dflt;
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException((where.isEmpty() ? "" : where + ": ") + key + " must be a single value");
        }
        return String.valueOf(v);
    }

    /** A whole number, {@code dflt} when absent. */
    public static int integer(String where, Object v, int dflt) {
        if (v == null) return dflt;
        if (v instanceof Number n) return n.intValue();
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": expected a number, got '" + v + "'");
        }
    }

    /** A nested mapping, empty when absent. */
    public static Map<?, ?> map(String where, Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return Map.of();
        if (v instanceof Map<?, ?> r) return r;
        throw new ConfigException(where + ": " + key + " must be a mapping");
    }

    /** A path from the file, relative ones against the file's folder {@code base}. */
    public static Path path(Path base, String p) {
        return base.resolve(p).normalize();
    }
}
