package io.jstate.states.kinds.pkg;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A system's package manager, as pkg.installed and pkg.removed need it. An implementation is
 * picked by {@link #supports} from the minion's grains; queries use {@code Exec.query} so they
 * work while a state only checks.
 */
public interface PackageBackend {

    /** Whether this backend manages packages on a host with these grains. */
    boolean supports(Map<String, Object> grains);

    /** The state of each named package that dpkg (or rpm) knows about; unknown names are absent. */
    Map<String, Installed> installed(Collection<String> names);

    /**
     * The version the package index would install for each name; a name the index does not know
     * (or that has no installable candidate) is absent.
     */
    Map<String, String> candidates(Collection<String> names);

    /** Whether the package index is older than {@code maxAge} (or was never fetched). */
    boolean indexOlderThan(Duration maxAge);

    /** Fetches the package index. */
    void refresh();

    /** Installs all {@code packages} in one transaction. */
    void install(List<Request> packages, InstallOptions options);

    void remove(Collection<String> names, boolean purge);

    /** A package to install: a version of null means whatever the index offers. */
    record Request(String name, String version) {}

    /**
     * @param noStart           keep maintainer scripts from starting services during the install
     * @param installRecommends install recommended packages too
     */
    record InstallOptions(boolean noStart, boolean installRecommends) {}

    /**
     * What the package database says about one package.
     *
     * @param version   the version on disk, or null
     * @param installed true when fully installed; false when only configuration files (or a
     *                  half-finished install) remain
     */
    record Installed(String version, boolean installed) {}
}
