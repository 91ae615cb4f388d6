package io.jstate.states.engine;

import java.util.List;

/** What {@link State#check} found: nothing (in sync) or the changes that apply would make. */
public record Drift(List<Change> changes) {
    public static final Drift NONE = new Drift(List.of());

    public Drift {
        changes = List.copyOf(changes);
    }

    public static Drift of(Change... changes) {
        return new Drift(List.of(changes));
    }

    public boolean inSync() {
        return changes.isEmpty();
    }

    public boolean has(String attribute) {
        return changes.stream().anyMatch(c -> c.attribute().equals(attribute));
    }
}
