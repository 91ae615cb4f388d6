package io.jstate.states.kinds;

import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.Templates;
import io.jstate.states.host.Host;
import java.util.Map;

/** Envs for state unit tests: a Debian host without systemd, as in the lab, unless told otherwise. */
public final class TestEnv {
    private TestEnv() {}

    public static final Map<String, Object> DEBIAN_SYSV = Map.of("os_family", "Debian", "init", "sysvinit");
    public static final Map<String, Object> DEBIAN_SYSTEMD = Map.of("os_family", "Debian", "init", "systemd");

    public static Env debian(Host host) {
        return new Env(host, DEBIAN_SYSV, Templates.NONE);
    }

    public static Env systemd(Host host) {
        return new Env(host, DEBIAN_SYSTEMD, Templates.NONE);
    }

    /** The same env seen through the engine's read-only view, as during check and dry run. */
    public static Env readOnly(Env env) {
        return env.withHost(new ReadOnlyHost(env.host()));
    }
}
