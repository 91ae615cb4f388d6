package io.jstate.states.engine;

import java.util.List;

/**
 * A compiled run: every state bound and validated, in run order, each requisite pointing at an
 * earlier step. Compiling finds every user error (syntax, templates, unknown kinds, arguments,
 * requisites, cycles) before anything is applied.
 */
public record Plan(List<Step> steps, Secrets secrets) {
    public Plan {
        steps = List.copyOf(steps);
        secrets = secrets == null ? Secrets.NONE : secrets;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.index() != i) throw new IllegalArgumentException("step " + s + " has index " + s.index() + ", expected " + i);
            for (Step.Edge e : s.requisites()) {
                if (e.target() >= i) throw new IllegalArgumentException("step " + s + " requires a later step " + e.target());
            }
        }
    }
}
