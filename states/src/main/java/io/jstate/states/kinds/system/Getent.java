package io.jstate.states.kinds.system;

import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.Host;
import java.util.List;
import java.util.Optional;

/** Looks up entries of the user and group databases the way the system resolves them (files, LDAP, ...). */
final class Getent {
    private Getent() {}

    /** The colon-separated fields of the entry, or empty when there is none (getent exits 2). */
    static Optional<List<String>> lookup(Host host, String database, String key) {
        Exec exec = Exec.query("getent", database, key);
        ExecResult r = host.run(exec);
        if (r.exitCode() == 2 && !r.timedOut()) return Optional.empty();
        r.orThrow(exec);
        String line = r.stdout().lines().findFirst().orElse("");
        if (line.isEmpty()) return Optional.empty();
        return Optional.of(List.of(line.split(":", -1)));
    }

    static boolean isNumber(String s) {
        return s != null && s.matches("\\d+");
    }
}
