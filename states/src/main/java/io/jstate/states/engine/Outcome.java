package io.jstate.states.engine;

import java.util.List;
import java.util.Map;

/** How one state ended. Maps 1:1 onto the result messages the minion sends. */
public sealed interface Outcome {

    /** Already in sync; nothing done. */
    record Unchanged(String comment) implements Outcome {}

    /** Drift found and repaired (and, where the state allows, re-checked). */
    record Changed(List<Change> changes, String comment, Map<String, String> data) implements Outcome {
        public Changed {
            changes = List.copyOf(changes);
            data = data == null ? Map.of() : Map.copyOf(data);
        }
    }

    /** Dry run: drift found, nothing done. */
    record WouldChange(List<Change> changes, String comment) implements Outcome {
        public WouldChange {
            changes = List.copyOf(changes);
        }
    }

    /** The state failed; {@code changes} lists what was changed before it failed, if anything. */
    record Failed(String error, List<Change> changes, Map<String, String> data) implements Outcome {
        public Failed {
            changes = changes == null ? List.of() : List.copyOf(changes);
            data = data == null ? Map.of() : Map.copyOf(data);
        }
    }

    /**
     * Not run. {@code blocked} is true when a requisite failed or failhard stopped the run (this
     * counts against the run); false when the state simply had no reason to run (onchanges with no
     * changes, onfail with no failure).
     */
    record Skipped(String reason, boolean blocked) implements Outcome {}

    default boolean isFailure() {
        return this instanceof Failed || (this instanceof Skipped s && s.blocked());
    }

    default boolean isChange() {
        return this instanceof Changed || this instanceof WouldChange;
    }

    default List<Change> changeList() {
        if (this instanceof Changed c) return c.changes();
        if (this instanceof WouldChange w) return w.changes();
        if (this instanceof Failed f) return f.changes();
        return List.of();
    }
}
