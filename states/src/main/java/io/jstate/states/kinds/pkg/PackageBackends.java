package io.jstate.states.kinds.pkg;

import io.jstate.states.engine.Env;
import java.util.List;

/** Picks the package backend for a host by its grains. */
public final class PackageBackends {
    private PackageBackends() {}

    public static PackageBackend select(Env env) {
        List<PackageBackend> all = List.of(new AptBackend(env.host()));
        for (PackageBackend b : all) {
            if (b.supports(env.grains())) return b;
        }
        throw new IllegalStateException("no package backend for os_family '" + env.grain("os_family")
                + "' (supported: Debian); check the minion's grains");
    }
}
