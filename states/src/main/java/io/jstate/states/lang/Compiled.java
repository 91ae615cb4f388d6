package io.jstate.states.lang;

import io.jstate.states.engine.Plan;
import io.jstate.states.engine.Templates;
import java.util.Map;
import java.util.Set;

/**
 * A compiled run for one minion: the plan (with the pillar's secrets), the templates file states
 * render from, the minion's pillar, and the files of the state tree the plan uses (SLS, top,
 * templates, partials), as paths from the tree's root.
 */
public record Compiled(Plan plan, Templates templates, Map<String, Object> pillar, Set<String> files) {
    public Compiled {
        files = Set.copyOf(files);
    }
}
