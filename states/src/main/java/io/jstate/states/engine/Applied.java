package io.jstate.states.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/** What apply reports beyond the changes: a comment and data such as a command's exit code and output. */
public record Applied(String comment, Map<String, String> data) {
    public static final Applied NONE = new Applied(null, Map.of());

    public Applied {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static Applied comment(String comment) {
        return new Applied(comment, Map.of());
    }
}
