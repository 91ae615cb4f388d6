package io.jstate.states.engine;

/** Every state kind jstate ships, by SLS name: the one place kinds are registered. */
final class BuiltinStates {
    private BuiltinStates() {}

    static StateRegistry.Builder register(StateRegistry.Builder r) {
        return r;
    }
}
