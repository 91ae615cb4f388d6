package io.jstate.common.target;

import java.util.List;
import java.util.Map;

/**
 * What a target expression is matched against: a minion's id, grains, pillar and roles.
 *
 * @param id     the minion id
 * @param grains the minion's grains (nested maps and lists as loaded): what the minion says about itself
 * @param pillar the minion's pillar; empty while the pillar itself is being chosen
 * @param roles  the roles the master assigns to the minion (master.yaml {@code roles:} and its key);
 *               never anything the minion reports
 */
public record Facts(String id, Map<String, Object> grains, Map<String, Object> pillar, List<String> roles) {
    public Facts {
        if (id == null) throw new IllegalArgumentException("a minion id is required");
        grains = grains == null ? Map.of() : grains;
        pillar = pillar == null ? Map.of() : pillar;
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** A minion without master-assigned roles. */
    public Facts(String id, Map<String, Object> grains, Map<String, Object> pillar) {
        this(id, grains, pillar, List.of());
    }
}
