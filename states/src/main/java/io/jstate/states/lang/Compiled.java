package io.jstate.states.lang;

import io.jstate.states.engine.Plan;
import io.jstate.states.engine.Templates;
import java.util.Map;

/**
 * A compiled run for one minion: the plan (with the pillar's secrets), the templates file states
 * render from, and the minion's pillar.
 */
public record Compiled(Plan plan, Templates templates, Map<String, Object> pillar) {}
