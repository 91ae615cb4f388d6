package io.jstate.states.engine;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The values marked secret in pillar ({@code !secret} in YAML). Every text leaving the engine
 * (changes, diffs, comments, command output, logs, JSON) passes through {@link #redact}, so a
 * secret never leaves by any path, whichever state or template let it through.
 *
 * <p>A multi-line secret (a PEM key, a certificate) is also matched line by line, because a diff
 * prefixes each line with {@code +} or {@code -} and a message may quote a single line: every line
 * of at least {@link #MIN_LINE} characters (without its surrounding blanks) is a
 * fragment of its own. Shorter lines ({@code }}, a blank line) are too common in ordinary text to
 * mask and tell nothing about the secret.
 */
public final class Secrets {
    public static final String MASK = "<redacted>";
    public static final Secrets NONE = new Secrets(List.of());

    /** The shortest line of a multi-line secret that is masked on its own. */
    public static final int MIN_LINE = 8;

    private final List<String> values;
    // The values and the lines of multi-line values, longest first, so a fragment that contains another is masked whole.
    private final List<String> fragments;

    public Secrets(Collection<String> values) {
        Set<String> v = new TreeSet<>();
        Set<String> f = new TreeSet<>(Comparator.comparingInt(String::length).reversed().thenComparing(x -> x));
        for (String s : values) {
            if (s == null || s.isEmpty()) continue;
            v.add(s);
            f.add(s);
            if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) continue;
            for (String line : s.split("\r?\n|\r")) {
                String l = line.strip();
                if (l.length() >= MIN_LINE) f.add(l);
            }
        }
        this.values = List.copyOf(v);
        this.fragments = List.copyOf(f);
    }

    public Secrets plus(Collection<String> more) {
        List<String> all = new java.util.ArrayList<>(values);
        all.addAll(more);
        return new Secrets(all);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public List<String> values() {
        return values;
    }

    /** Whether {@code value} is itself one of the secret values. */
    public boolean isValue(String value) {
        return value != null && values.contains(value);
    }

    /** Whether {@code text} holds a secret value or a line of a multi-line one. */
    public boolean appearsIn(String text) {
        if (text == null) return false;
        for (String f : fragments) {
            if (text.contains(f)) return true;
        }
        return false;
    }

    public String redact(String text) {
        if (text == null || fragments.isEmpty()) return text;
        String out = text;
        for (String f : fragments) {
            if (out.contains(f)) out = out.replace(f, MASK);
        }
        return out;
    }
}
