package io.jstate.states.engine;

import io.jstate.states.host.Host;
import java.util.Map;

/**
 * What a state may use, handed to its constructor: the host, the minion's grains (backends pick
 * themselves by them) and the run's templates (for file.managed sources).
 */
public record Env(Host host, Map<String, Object> grains, Templates templates) {
    public Env {
        grains = grains == null ? Map.of() : grains;
        templates = templates == null ? Templates.NONE : templates;
    }

    public Env withHost(Host h) {
        return new Env(h, grains, templates);
    }

    /** A grain as text, or null. Dotted keys walk into maps ("os_family"). */
    public String grain(String key) {
        Object v = grains.get(key);
        return v == null ? null : String.valueOf(v);
    }
}
