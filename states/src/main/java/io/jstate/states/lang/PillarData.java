package io.jstate.states.lang;

import java.util.List;
import java.util.Map;

/**
 * One minion's pillar, compiled: the merged data and the values tagged {@code !secret}. The master
 * compiles it from its pillar tree and sends each minion its own slice only.
 */
public record PillarData(Map<String, Object> data, List<String> secrets) {
    public static final PillarData EMPTY = new PillarData(Map.of(), List.of());

    public PillarData {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }
}
