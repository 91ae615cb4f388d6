package io.jstate.common.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jstate.proto.v1.Peer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeersTest {
    @Test
    void eachPeerAsTemplatesSeeItInTheBundlesOrder() {
        List<Peer> peers = List.of(
                Peer.newBuilder().setId("db1").addAddresses("10.0.0.2").addRoles("db").setConnected(true)
                        .setGrains(Structs.struct(Map.of("os", "Debian", "cpus", 4))).build(),
                Peer.newBuilder().setId("web1").build());
        assertEquals(List.of(
                Map.of("id", "db1", "addresses", List.of("10.0.0.2"), "roles", List.of("db"), "connected", true,
                        "grains", Map.of("os", "Debian", "cpus", 4)),
                Map.of("id", "web1", "addresses", List.of(), "roles", List.of(), "connected", false, "grains", Map.of())),
                Peers.forTemplates(peers));
    }

    @Test
    void grainsNestedTooDeepAreRefusedTheSameWayOnBothSides() {
        Struct deep = Struct.getDefaultInstance();
        for (int i = 0; i <= Structs.MAX_DEPTH; i++) deep = Struct.newBuilder().putFields("n", Value.newBuilder().setStructValue(deep).build()).build();
        List<Peer> peers = List.of(Peer.newBuilder().setId("db1").setGrains(deep).build());
        assertThrows(IllegalArgumentException.class, () -> Peers.forTemplates(peers));
    }
}
