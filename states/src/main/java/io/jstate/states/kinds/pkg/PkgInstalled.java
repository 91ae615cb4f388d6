package io.jstate.states.kinds.pkg;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.kinds.pkg.PackageBackend.InstallOptions;
import io.jstate.states.kinds.pkg.PackageBackend.Installed;
import io.jstate.states.kinds.pkg.PackageBackend.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pkg.installed}: the named packages are installed, at the pinned version where one is
 * given. All missing packages go in one package-manager transaction.
 */
public final class PkgInstalled implements State<PkgInstalled.Spec> {

    /** Shown as the version to come when the index cannot say yet (it may be refreshed first). */
    static final String LATEST = "latest";

    @StateDoc(summary = "The named packages are installed, at the pinned version where one is given. All missing packages go in one package-manager transaction.",
            example = """
                galera-packages:
                  pkg.installed:
                    - pkgs:
                      - mariadb-server
                      - galera-4
                      - rsync
                    - no_start: true
                """)
    public record Spec(
            @ArgDoc("the package, when `pkgs` is not given") String name,
            @ArgDoc("a version pin for `name`") String version,
            @ArgDoc("packages: each a name, or a one-key mapping `{name: version}` to pin it") List<Object> pkgs,
            @ArgDoc("true: refresh the index before installing; false: never; not given: when the index is older than `cache_valid_time` or lacks a package") Boolean refresh,
            @ArgDoc("seconds an index stays fresh for the automatic refresh") Integer cacheValidTime,
            @ArgDoc("keep package scripts from starting services (Galera must not start a one-node cluster of its own)") boolean noStart,
            @ArgDoc("install recommended packages too") boolean installRecommends) {
        public Spec {
            pkgs = pkgs == null ? null : List.copyOf(pkgs);
            cacheValidTime = cacheValidTime == null ? 3600 : cacheValidTime;
            if (cacheValidTime < 0) throw new IllegalArgumentException("cache_valid_time must not be negative");
            if (pkgs != null && version != null) {
                throw new IllegalArgumentException("version pins the single 'name' form; with pkgs write {package: version}");
            }
            requests(name, version, pkgs);
        }

        /** The packages to install, in the order given. */
        public List<Request> requests() {
            return requests(name, version, pkgs);
        }

        private static List<Request> requests(String name, String version, List<Object> pkgs) {
            if (pkgs == null) {
                if (name == null || name.isBlank()) throw new IllegalArgumentException("name or pkgs is required");
                return List.of(new Request(name.strip(), version == null ? null : version.strip()));
            }
            if (pkgs.isEmpty()) throw new IllegalArgumentException("pkgs is empty");
            List<Request> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Object item : pkgs) {
                Request r;
                if (item instanceof Map<?, ?> m) {
                    if (m.size() != 1) {
                        throw new IllegalArgumentException("a pinned item of pkgs is one {package: version} pair, got " + m);
                    }
                    var e = m.entrySet().iterator().next();
                    r = new Request(String.valueOf(e.getKey()).strip(), e.getValue() == null ? null : String.valueOf(e.getValue()).strip());
                } else if (item instanceof String || item instanceof Number) {
                    r = new Request(String.valueOf(item).strip(), null);
                } else {
                    throw new IllegalArgumentException("an item of pkgs is a package name or {package: version}, got " + item);
                }
                if (r.name().isEmpty()) throw new IllegalArgumentException("an item of pkgs has an empty name");
                if (!seen.add(r.name())) throw new IllegalArgumentException("package listed twice in pkgs: " + r.name());
                out.add(r);
            }
            return List.copyOf(out);
        }
    }

    private final Env env;

    public PkgInstalled(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        PackageBackend backend = PackageBackends.select(env);
        List<Request> wanted = spec.requests();
        Map<String, Installed> have = backend.installed(wanted.stream().map(Request::name).toList());
        List<Request> missing = wanted.stream().filter(r -> !satisfied(r, have.get(r.name()))).toList();
        if (missing.isEmpty()) return Drift.NONE;
        Map<String, String> candidates = backend.candidates(missing.stream().filter(r -> r.version() == null).map(Request::name).toList());
        List<Change> changes = new ArrayList<>();
        for (Request r : missing) {
            Installed h = have.get(r.name());
            String before = h != null && h.installed() ? h.version() : null;
            String after = r.version() != null ? r.version() : candidates.getOrDefault(r.name(), LATEST);
            changes.add(Change.of(r.name(), before, after));
        }
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        PackageBackend backend = PackageBackends.select(env);
        List<Request> todo = spec.requests().stream().filter(r -> drift.has(r.name())).toList();
        List<String> names = todo.stream().map(Request::name).toList();
        if (needsRefresh(spec, backend, names)) backend.refresh();
        backend.install(todo, new InstallOptions(spec.noStart(), spec.installRecommends()));
        Map<String, String> versions = new LinkedHashMap<>();
        backend.installed(names).forEach((n, i) -> versions.put(n, i.version()));
        return new Applied(null, versions);
    }

    private static boolean satisfied(Request r, Installed have) {
        return have != null && have.installed() && (r.version() == null || r.version().equals(have.version()));
    }

    private static boolean needsRefresh(Spec spec, PackageBackend backend, List<String> names) {
        if (spec.refresh() != null) return spec.refresh();
        if (backend.indexOlderThan(Duration.ofSeconds(spec.cacheValidTime()))) return true;
        return !backend.candidates(names).keySet().containsAll(names);
    }
}
