package io.jstate.states.kinds.pkg;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.kinds.pkg.PackageBackend.Installed;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** {@code pkg.removed}: the named packages are not installed; with {@code purge}, their configuration is gone too. */
public final class PkgRemoved implements State<PkgRemoved.Spec> {

    /** Shown as the "before" of a removed package whose configuration files are still on disk. */
    static final String CONFIG_FILES = "config-files";

    @StateDoc(summary = "The named packages are not installed; with `purge`, their configuration files are gone too.",
            example = """
                no-apache:
                  pkg.removed:
                    - pkgs: [apache2, apache2-bin]
                    - purge: true
                """)
    public record Spec(
            @ArgDoc("the package, when `pkgs` is not given") String name,
            @ArgDoc("packages to remove") List<String> pkgs,
            @ArgDoc("remove configuration files as well") boolean purge) {
        public Spec {
            if (pkgs != null) {
                if (pkgs.isEmpty()) throw new IllegalArgumentException("pkgs is empty");
                if (new LinkedHashSet<>(pkgs).size() != pkgs.size()) throw new IllegalArgumentException("a package is listed twice in pkgs");
                pkgs = List.copyOf(pkgs);
            } else if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name or pkgs is required");
            }
        }

        public List<String> names() {
            return pkgs != null ? pkgs : List.of(name.strip());
        }
    }

    private final Env env;

    public PkgRemoved(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Map<String, Installed> have = PackageBackends.select(env).installed(spec.names());
        List<Change> changes = new ArrayList<>();
        for (String n : spec.names()) {
            Installed h = have.get(n);
            if (h == null) continue;
            if (h.installed()) changes.add(Change.of(n, h.version(), null));
            else if (spec.purge()) changes.add(Change.of(n, CONFIG_FILES, null));
        }
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        List<String> todo = spec.names().stream().filter(drift::has).toList();
        PackageBackends.select(env).remove(todo, spec.purge());
        return Applied.NONE;
    }
}
