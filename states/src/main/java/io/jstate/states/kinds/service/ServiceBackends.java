package io.jstate.states.kinds.service;

import io.jstate.states.engine.Env;
import java.util.List;

/** Picks the init system backend for a host by its grains: systemd where it is PID 1, init scripts elsewhere. */
public final class ServiceBackends {
    private ServiceBackends() {}

    public static ServiceBackend select(Env env) {
        List<ServiceBackend> all = List.of(new SystemdBackend(env.host()), new InitScriptBackend(env.host()));
        for (ServiceBackend b : all) {
            if (b.supports(env.grains())) return b;
        }
        throw new IllegalStateException("no service backend for init '" + env.grain("init") + "'");
    }

    /** Rejects names that are not a service name, for every service spec's compact constructor. */
    static String validName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name (the service) is required");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.@:+-]*")) {
            throw new IllegalArgumentException("'" + name + "' is not a service name");
        }
        return name;
    }
}
