package io.jstate.minion.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.BundleFile;
import io.jstate.proto.v1.Peer;
import io.jstate.states.lang.CompileRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundleTreeTest {
    private static BundleFile file(String path) {
        return BundleFile.newBuilder().setPath(path).setContent(ByteString.copyFromUtf8("x: 1\n")).build();
    }

    @Test
    void writesTheFilesAndRemovesThemAfterwards() throws Exception {
        Bundle b = Bundle.newBuilder().addFiles(file("top.sls")).addFiles(file("web/init.sls"))
                .setPillar(Structs.struct(Map.of("a", Map.of("b", 1)))).addSecrets("pw").putNodegroups("web", "G@roles:web")
                .addPeers(Peer.newBuilder().setId("db1").addAddresses("10.0.0.2").addRoles("db").setGrains(Structs.struct(Map.of("os", "Debian"))))
                .build();
        Path root;
        try (BundleTree t = BundleTree.write(b)) {
            root = t.root();
            assertEquals("x: 1\n", Files.readString(root.resolve("web/init.sls")));
            CompileRequest r = t.request("web1", Map.of("id", "web1"), List.of());
            assertEquals(List.of("highstate"), r.targets());
            assertEquals(Map.of("a", Map.of("b", 1)), r.pillarData().data());
            assertEquals(List.of("pw"), r.pillarData().secrets());
            assertEquals(Map.of("web", "G@roles:web"), r.nodegroups());
            assertEquals(List.of(Map.of("id", "db1", "addresses", List.of("10.0.0.2"), "roles", List.of("db"), "connected", false,
                    "grains", Map.of("os", "Debian"))), r.peers());
        }
        assertFalse(Files.exists(root));
    }

    @Test
    void pathsThatLeaveTheTreeAreRefusedBeforeAnythingIsWritten() {
        for (String bad : List.of("/etc/passwd", "../x.sls", "a/../../x", "a//b", "./a", "a\\b", "")) {
            var e = assertThrows(IllegalArgumentException.class, () -> BundleTree.write(Bundle.newBuilder().addFiles(file(bad)).build()), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        Struct deep = Struct.getDefaultInstance();
        for (int i = 0; i <= Structs.MAX_DEPTH; i++) deep = Struct.newBuilder().putFields("n", Value.newBuilder().setStructValue(deep).build()).build();
        Bundle tooDeep = Bundle.newBuilder().setPillar(deep).build();
        var deepError = assertThrows(IllegalArgumentException.class, () -> BundleTree.write(tooDeep));
        assertTrue(deepError.getMessage().contains("nested deeper than"), deepError.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> BundleTree.write(Bundle.newBuilder().addFiles(file("a.sls")).addFiles(file("a.sls")).build()));
        assertEquals("the bundle holds the file 'a.sls' twice", twice.getMessage());
        var both = assertThrows(IllegalArgumentException.class, () -> BundleTree.write(Bundle.newBuilder().addFiles(file("a/b/c.sls")).addFiles(file("a/b")).build()));
        assertEquals("the bundle holds 'a/b' both as a file and as a folder", both.getMessage());
    }
}
