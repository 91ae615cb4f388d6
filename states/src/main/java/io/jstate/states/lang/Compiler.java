package io.jstate.states.lang;

import io.jstate.states.engine.StateRegistry;

/**
 * Turns a state tree into a {@link io.jstate.states.engine.Plan}: pillar, top file, includes,
 * Mustache, YAML, kinds and arguments, requisites and ordering. Every user error is a
 * {@link io.jstate.states.engine.PlanException} naming file, line and id, raised before anything runs.
 */
public final class Compiler {
    private final StateRegistry registry;

    public Compiler(StateRegistry registry) {
        this.registry = registry;
    }

    public Compiled compile(CompileRequest request) {
        throw new IllegalStateException("compiler not built yet");
    }
}
