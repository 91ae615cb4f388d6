package io.jstate.states.kinds.ini;

import java.util.ArrayList;
import java.util.List;

/**
 * An INI file held as its lines, edited in place so that everything not changed stays byte for
 * byte: comments, blank lines, order, spacing and line endings. It reads files the way Python's
 * configparser (and so oslo.config and paste.deploy) does: {@code key = value} or
 * {@code key: value} (the first of '=' or ':' separates), full-line comments starting with '#' or
 * ';', a line indented deeper than its key continues that key's value, and no inline comments (a
 * '#' inside a value, as in {@code use = egg:swift#proxy}, is part of it). Keys before any section
 * header belong to section "". Section and key names are case-sensitive.
 */
final class IniFile {

    private static final class Line {
        String text;
        String eol;

        Line(String text, String eol) {
            this.text = text;
            this.eol = eol;
        }
    }

    /** A key's line and its continuation lines [line, end), with its value (null for a bare key). */
    record Entry(String section, String key, int line, int end, String prefix, String value) {}

    /** Where a section's header is and where its body ends (the next header or the end of the file). */
    private record Block(String section, int header, int end) {}

    private final List<Line> lines = new ArrayList<>();
    private final String eol;
    private List<Entry> entries;
    private List<Block> blocks;

    private IniFile(String text) {
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                boolean cr = i > start && text.charAt(i - 1) == '\r';
                lines.add(new Line(text.substring(start, cr ? i - 1 : i), cr ? "\r\n" : "\n"));
                start = i + 1;
            }
        }
        if (start < text.length()) lines.add(new Line(text.substring(start), ""));
        eol = lines.isEmpty() || !lines.get(0).eol.equals("\r\n") ? "\n" : "\r\n";
        scan();
    }

    static IniFile parse(String text) {
        return new IniFile(text);
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        for (Line l : lines) sb.append(l.text).append(l.eol);
        return sb.toString();
    }

    /** Every value of a key in the order it appears; repeated keys give several. */
    List<String> values(String section, String key) {
        return find(section, key).stream().map(Entry::value).toList();
    }

    boolean hasSection(String section) {
        return section.isEmpty() || blocks.stream().anyMatch(b -> b.section.equals(section));
    }

    /**
     * A value as this file format can hold it and as {@link #values} reads it back: each line
     * trimmed, blank lines dropped (a blank line would end a continued value). Null stays null.
     */
    static String normalize(String value) {
        if (value == null) return null;
        List<String> parts = new ArrayList<>();
        for (String p : value.split("\n")) {
            if (!p.isBlank()) parts.add(p.strip());
        }
        return String.join("\n", parts);
    }

    /** Adds an empty section at the end unless it is there. */
    void ensureSection(String section) {
        if (hasSection(section)) return;
        List<String> add = new ArrayList<>();
        if (!lines.isEmpty() && !lines.get(lines.size() - 1).text.isBlank()) add.add("");
        add.add("[" + section + "]");
        insert(lines.size(), add);
    }

    /**
     * Makes a key hold exactly {@code wanted} (one value, or several for a repeated key; null
     * for a bare key without '='). Existing lines are rewritten in place keeping their own
     * indentation and spacing; extra repetitions are removed, so whoever reads the file (first
     * or last occurrence wins, depending on the reader) sees the wanted value. A new key goes
     * after a commented-out line for the same key (where sample configs document it), else
     * after the section's last key, else right after its header; a new section goes at the end.
     */
    void set(String section, String key, List<String> wanted, String separator) {
        List<Entry> found = find(section, key);
        if (found.stream().map(Entry::value).toList().equals(wanted)) return;
        int common = Math.min(found.size(), wanted.size());
        for (int i = found.size() - 1; i >= common; i--) remove(found.get(i));
        for (int i = common - 1; i >= 0; i--) {
            Entry e = found.get(i);
            String prefix = e.value == null || e.value.isEmpty() || wanted.get(i) == null
                    ? indentOf(lines.get(e.line).text) + key + separator : e.prefix;
            replace(e.line, e.end, keyLines(prefix, key, wanted.get(i)));
        }
        if (wanted.size() <= common) return;
        List<String> add = new ArrayList<>();
        for (String v : wanted.subList(common, wanted.size())) add.addAll(keyLines(key + separator, key, v));
        if (common > 0) {
            insert(find(section, key).get(common - 1).end, add);
            return;
        }
        ensureSection(section);
        insert(insertionPoint(section, key), add);
    }

    /** Removes every occurrence of a key; returns the values it had. */
    List<String> remove(String section, String key) {
        List<Entry> found = find(section, key);
        for (int i = found.size() - 1; i >= 0; i--) remove(found.get(i));
        return found.stream().map(Entry::value).toList();
    }

    /** Removes a section's header and body (every occurrence of it); returns how many keys it held, or -1 when absent. */
    int removeSection(String section) {
        if (section.isEmpty() || !hasSection(section)) return -1;
        int keys = (int) entries.stream().filter(e -> e.section.equals(section)).count();
        List<Block> found = blocks.stream().filter(b -> b.section.equals(section)).toList();
        for (int i = found.size() - 1; i >= 0; i--) {
            lines.subList(found.get(i).header, found.get(i).end).clear();
        }
        scan();
        return keys;
    }

    private List<Entry> find(String section, String key) {
        return entries.stream().filter(e -> e.section.equals(section) && e.key.equals(key)).toList();
    }

    private void remove(Entry e) {
        lines.subList(e.line, e.end).clear();
        scan();
    }

    private void replace(int from, int to, List<String> texts) {
        String lastEol = lines.get(to - 1).eol;
        lines.subList(from, to).clear();
        for (int i = 0; i < texts.size(); i++) {
            lines.add(from + i, new Line(texts.get(i), i == texts.size() - 1 ? lastEol : eol));
        }
        scan();
    }

    private void insert(int at, List<String> texts) {
        if (at > 0 && lines.get(at - 1).eol.isEmpty()) lines.get(at - 1).eol = eol;
        for (int i = 0; i < texts.size(); i++) lines.add(at + i, new Line(texts.get(i), eol));
        scan();
    }

    /** A key line and, for a multi-line value, continuation lines indented as configparser expects. */
    private static List<String> keyLines(String prefix, String key, String value) {
        if (value == null) return List.of(prefix.substring(0, prefix.indexOf(key) + key.length()));
        String[] parts = value.split("\n", -1);
        List<String> out = new ArrayList<>();
        out.add(prefix + parts[0]);
        for (int i = 1; i < parts.length; i++) out.add("    " + parts[i]);
        return out;
    }

    private int insertionPoint(String section, String key) {
        int from;
        int to;
        Block block = blocks.stream().filter(b -> b.section.equals(section)).findFirst().orElse(null);
        if (block != null) {
            from = block.header + 1;
            to = block.end;
        } else {
            from = 0;
            to = blocks.isEmpty() ? lines.size() : blocks.get(0).header;
        }
        for (int i = from; i < to; i++) {
            if (key.equals(commentedKey(lines.get(i).text))) return i + 1;
        }
        int after = -1;
        for (Entry e : entries) {
            if (e.section.equals(section)) after = e.end;
        }
        if (after >= 0) return after;
        if (block != null) return block.header + 1;
        int at = to;
        while (at > 0 && lines.get(at - 1).text.isBlank()) at--;
        return at;
    }

    /** The key a commented-out setting such as "#connection = <None>" documents, or null. */
    private static String commentedKey(String text) {
        String s = text.strip();
        if (!s.startsWith("#") && !s.startsWith(";")) return null;
        s = s.replaceFirst("^[#;]+\\s*", "");
        int d = delimiter(s);
        if (d <= 0) return null;
        String key = s.substring(0, d).strip();
        return key.isEmpty() || key.contains(" ") ? null : key;
    }

    private static int delimiter(String s) {
        int eq = s.indexOf('=');
        int colon = s.indexOf(':');
        if (eq < 0) return colon;
        if (colon < 0) return eq;
        return Math.min(eq, colon);
    }

    private static String indentOf(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return s.substring(0, i);
    }

    /** Classifies every line again; edits are few and files small, so a rescan is simpler than patching indices. */
    private void scan() {
        List<Entry> es = new ArrayList<>();
        List<Block> bs = new ArrayList<>();
        String section = "";
        int header = -1;
        Entry open = null;
        int openIndent = -1;
        StringBuilder openValue = null;
        for (int i = 0; i <= lines.size(); i++) {
            String t = i < lines.size() ? lines.get(i).text : null;
            String s = t == null ? "" : t.strip();
            int indent = t == null ? 0 : indentOf(t).length();
            boolean continues = t != null && open != null && !s.isEmpty() && !s.startsWith("#") && !s.startsWith(";")
                    && indent > openIndent;
            if (continues) {
                if (!openValue.isEmpty()) openValue.append('\n');
                openValue.append(s);
                open = new Entry(open.section, open.key, open.line, i + 1, open.prefix, openValue.toString());
                continue;
            }
            if (open != null) {
                es.add(open);
                open = null;
            }
            if (t == null || s.isEmpty() || s.startsWith("#") || s.startsWith(";")) continue;
            if (s.startsWith("[") && s.indexOf(']') > 1) {
                if (header >= 0) bs.add(new Block(section, header, i));
                section = s.substring(1, s.indexOf(']')).strip();
                header = i;
                continue;
            }
            int d = delimiter(t);
            if (d < 0) {
                open = new Entry(section, s, i, i + 1, t, null);
                openValue = new StringBuilder();
            } else {
                int v = d + 1;
                while (v < t.length() && Character.isWhitespace(t.charAt(v))) v++;
                String value = t.substring(v).strip();
                open = new Entry(section, t.substring(0, d).strip(), i, i + 1, t.substring(0, v), value);
                openValue = new StringBuilder(value);
            }
            openIndent = indent;
        }
        if (header >= 0) bs.add(new Block(section, header, lines.size()));
        entries = es;
        blocks = bs;
    }
}
