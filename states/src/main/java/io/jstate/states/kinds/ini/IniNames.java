package io.jstate.states.kinds.ini;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Secrets;
import io.jstate.states.kinds.file.FileTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What both ini states share: argument checks, how a key is named in a change, and reading the file as text. */
final class IniNames {
    private IniNames() {}

    static void requireSection(String section) {
        if (section.contains("]") || section.contains("\n") || !section.equals(section.strip())) {
            throw new IllegalArgumentException("section name '" + section + "' cannot contain ']', a newline, or surrounding spaces");
        }
    }

    static void requireKey(String section, String key) {
        if (key.isBlank() || key.contains("=") || key.contains(":") || key.contains("\n") || !key.equals(key.strip())
                || key.startsWith("#") || key.startsWith(";") || key.startsWith("[")) {
            throw new IllegalArgumentException("key '" + key + "' in section '" + section
                    + "' must be non-empty, without '=', ':', newlines or surrounding spaces, and not start with '#', ';' or '['");
        }
    }

    /** "database.connection"; keys before any header are named by the key alone. */
    static String label(String section, String key) {
        return section.isEmpty() ? key : section + "." + key;
    }

    /** A key's values for a change: null when absent, "" for a bare key, a list when repeated. */
    static String display(List<String> values) {
        if (values.isEmpty()) return null;
        if (values.size() == 1) return values.get(0) == null ? "" : values.get(0);
        return values.stream().map(v -> v == null ? "" : v).toList().toString();
    }

    /**
     * Option changes as a result may show them. With {@code show_changes: false} an option is
     * named without its values. An option whose new value involves a secret shows its old value
     * masked too: it is most likely the secret's previous value, which this run cannot recognise.
     */
    static List<Change> shown(List<Change> changes, boolean showChanges, Secrets secrets) {
        List<Change> out = new java.util.ArrayList<>(changes.size());
        for (Change c : changes) {
            if (!showChanges) out.add(new Change(c.attribute(), null, null, null));
            else if (c.before() != null && secrets.appearsIn(c.after())) out.add(new Change(c.attribute(), Secrets.MASK, c.after(), c.diff()));
            else out.add(c);
        }
        return out;
    }

    /** The file as text; INI files that are not UTF-8 are not ours to rewrite. */
    static String text(FileTarget file) {
        byte[] bytes = file.content();
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
            throw new IllegalStateException(file.path() + " is not UTF-8 text; refusing to edit it as an INI file");
        }
        return text;
    }
}
