package io.jstate.states.lang;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to compile for one minion.
 *
 * @param stateRoot  the state tree (SLS files, templates, top.sls)
 * @param pillarRoot the pillar tree with its own top.sls; null for no pillar
 * @param grains     the minion's grains
 * @param minionId   the minion's id
 * @param peers      the other minions of the target (id, addresses, roles, connected); empty when masterless
 * @param targets    {@code ["highstate"]} for the top file, or SLS names
 * @param nodegroups named targets usable as N@name in top files
 * @param pillarData the pillar already compiled (what a minion receives from the master); at most
 *                   one of {@code pillarRoot} and {@code pillarData} is given
 * @param roles      the roles the master assigns to the minion ({@code R@} targets, {@code minion.roles});
 *                   empty when masterless
 */
public record CompileRequest(Path stateRoot, Path pillarRoot, Map<String, Object> grains, String minionId,
                             List<Map<String, Object>> peers, List<String> targets, Map<String, String> nodegroups,
                             PillarData pillarData, List<String> roles) {

    public CompileRequest(Path stateRoot, Path pillarRoot, Map<String, Object> grains, String minionId,
                          List<Map<String, Object>> peers, List<String> targets, Map<String, String> nodegroups) {
        this(stateRoot, pillarRoot, grains, minionId, peers, targets, nodegroups, null, List.of());
    }

    public CompileRequest(Path stateRoot, Path pillarRoot, Map<String, Object> grains, String minionId,
                          List<Map<String, Object>> peers, List<String> targets, Map<String, String> nodegroups,
                          PillarData pillarData) {
        this(stateRoot, pillarRoot, grains, minionId, peers, targets, nodegroups, pillarData, List.of());
    }

    public CompileRequest {
        if (pillarRoot != null && pillarData != null) throw new IllegalArgumentException("give a pillar tree or pillar data, not both");
        grains = grains == null ? Map.of() : grains;
        peers = peers == null ? List.of() : List.copyOf(peers);
        targets = List.copyOf(targets);
        nodegroups = nodegroups == null ? Map.of() : Map.copyOf(nodegroups);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }
}
