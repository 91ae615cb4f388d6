package io.jstate.states.target;

import java.util.Map;

/**
 * What a target expression is matched against: a minion's id, grains and pillar.
 *
 * @param id     the minion id
 * @param grains the minion's grains (nested maps and lists as loaded)
 * @param pillar the minion's pillar; empty while the pillar itself is being chosen
 */
public record Facts(String id, Map<String, Object> grains, Map<String, Object> pillar) {
    public Facts {
        if (id == null) throw new IllegalArgumentException("a minion id is required");
        grains = grains == null ? Map.of() : grains;
        pillar = pillar == null ? Map.of() : pillar;
    }
}
