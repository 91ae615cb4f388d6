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
 */
public final class Secrets {
    public static final String MASK = "<redacted>";
    public static final Secrets NONE = new Secrets(List.of());

    // Longest first, so a secret that contains another is masked whole.
    private final List<String> values;

    public Secrets(Collection<String> values) {
        Set<String> s = new TreeSet<>(Comparator.comparingInt(String::length).reversed().thenComparing(x -> x));
        for (String v : values) if (v != null && !v.isEmpty()) s.add(v);
        this.values = List.copyOf(s);
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

    public String redact(String text) {
        if (text == null || values.isEmpty()) return text;
        String out = text;
        for (String v : values) {
            if (out.contains(v)) out = out.replace(v, MASK);
        }
        return out;
    }
}
