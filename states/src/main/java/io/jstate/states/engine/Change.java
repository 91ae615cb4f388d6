package io.jstate.states.engine;

/**
 * One difference between what is and what the spec wants: an attribute with its value before and
 * after (null when absent). {@code diff} carries a unified diff for content changes.
 */
public record Change(String attribute, String before, String after, String diff) {

    public static Change of(String attribute, Object before, Object after) {
        return new Change(attribute, before == null ? null : String.valueOf(before),
                after == null ? null : String.valueOf(after), null);
    }

    public static Change diff(String attribute, String unifiedDiff) {
        return new Change(attribute, null, null, unifiedDiff);
    }
}
