package io.jstate.states.kinds.service;

import java.util.Map;

/**
 * An init system, as the service states need it. Picked by {@link #supports} from the grain
 * {@code init}. {@link #running} and {@link #enabled} only observe; a service the init system
 * does not know is simply not running and not enabled, and the changing verbs fail clearly on it.
 */
public interface ServiceBackend {

    boolean supports(Map<String, Object> grains);

    boolean running(String name);

    /** Whether the service starts at boot. */
    boolean enabled(String name);

    /** Starts the service; a start that takes longer than {@code timeout} is stopped and fails. */
    void start(String name, java.time.Duration timeout);

    void stop(String name);

    void restart(String name);

    void reload(String name);

    void enable(String name);

    void disable(String name);
}
