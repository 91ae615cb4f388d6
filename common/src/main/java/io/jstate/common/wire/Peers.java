package io.jstate.common.wire;

import io.jstate.proto.v1.Peer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The target's other minions as templates see them ({@code peers} in the render context). The
 * master sends them typed in the bundle and compiles with this view; the minion compiles with the
 * same view of the same messages, so both render alike.
 */
public final class Peers {
    private Peers() {}

    /** Each peer as {@code {id, addresses, roles, connected, grains}}, in the bundle's order. */
    public static List<Map<String, Object>> forTemplates(List<Peer> peers) {
        return peers.stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.getId());
            m.put("addresses", List.copyOf(p.getAddressesList()));
            m.put("roles", List.copyOf(p.getRolesList()));
            m.put("connected", p.getConnected());
            m.put("grains", Structs.map(p.getGrains()));
            return m;
        }).toList();
    }
}
