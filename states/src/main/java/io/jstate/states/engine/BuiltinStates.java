package io.jstate.states.engine;

import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.pkg.PkgRemoved;

/** Every state kind jstate ships, by SLS name: the one place kinds are registered. */
final class BuiltinStates {
    private BuiltinStates() {}

    static StateRegistry.Builder register(StateRegistry.Builder r) {
        return r
                .register("pkg.installed", PkgInstalled.Spec.class, PkgInstalled::new)
                .register("pkg.removed", PkgRemoved.Spec.class, PkgRemoved::new);
    }
}
