package io.jstate.master.keys;

import io.jstate.common.target.Facts;
import io.jstate.common.target.Target;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The roles the master assigns to a minion: those set on its key ({@code jstate keys accept ID --role
 * R}, {@code jstate keys roles ID R1,R2}) and those of master.yaml's {@code roles:} whose target
 * chooses it. Nothing the minion reports takes part, so roles may decide which pillar it receives.
 */
public final class Roles {
    private final Map<String, String> assigned;
    private final Map<String, String> nodegroups;
    private final Keys keys;

    /** {@code assigned}: role name to a target expression over ids, already checked by the config. */
    public Roles(Map<String, String> assigned, Map<String, String> nodegroups, Keys keys) {
        this.assigned = Map.copyOf(assigned);
        this.nodegroups = Map.copyOf(nodegroups);
        this.keys = keys;
    }

    /** The minion's roles, sorted. A role target's R@ reads the roles set on the key. */
    public List<String> of(String id) {
        List<String> own = keys.roles(id);
        TreeSet<String> out = new TreeSet<>(own);
        Facts facts = new Facts(id, Map.of(), Map.of(), own);
        assigned.forEach((role, expr) -> {
            if (Target.parse(expr).matches(facts, nodegroups)) out.add(role);
        });
        return List.copyOf(out);
    }
}
