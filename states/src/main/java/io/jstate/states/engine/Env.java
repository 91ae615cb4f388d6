package io.jstate.states.engine;

import io.jstate.states.host.Host;
import java.util.Map;

/**
 * What a state may use, handed to its constructor: the host, the minion's grains (backends pick
 * themselves by them), the run's templates (for file.managed sources) and the run's memo of what
 * its checks observed ({@link RunMemo}).
 */
public record Env(Host host, Map<String, Object> grains, Templates templates, RunMemo memo) {
    public Env {
        grains = grains == null ? Map.of() : grains;
        templates = templates == null ? Templates.NONE : templates;
        memo = memo == null ? new RunMemo() : memo;
    }

    /** A run's environment with a fresh memo. */
    public Env(Host host, Map<String, Object> grains, Templates templates) {
        this(host, grains, templates, null);
    }

    /** The same run on another host (the read-only one of a check): the memo is the run's. */
    public Env withHost(Host h) {
        return new Env(h, grains, templates, memo);
    }

    /** A grain as text, or null. Dotted keys walk into maps ("os_family"). */
    public String grain(String key) {
        Object v = grains.get(key);
        return v == null ? null : String.valueOf(v);
    }
}
