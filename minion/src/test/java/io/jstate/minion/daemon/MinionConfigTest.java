package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinionConfigTest {
    @TempDir
    Path tmp;

    @Test
    void readsEverySettingAndResolvesTheDataDirAgainstTheFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("minion.yaml"), """
                id: web1
                master: ["m1.example:4506", m2.example, "[::1]:7000"]
                master_ca_fingerprint: "AB:CD"
                master_signing_fingerprint: ef01
                enrollment_token: s3cret
                data_dir: data
                grains: {roles: [controller]}
                bind_address: 127.0.0.3
                """);
        MinionConfig c = MinionConfig.load(f);
        assertEquals("web1", c.id());
        assertEquals(List.of("m1.example:4506", "m2.example:4506", "[::1]:7000"), c.masters());
        assertEquals("AB:CD", c.caFingerprint());
        assertEquals("ef01", c.signingFingerprint());
        assertEquals("s3cret", c.enrollmentToken());
        assertEquals(tmp.resolve("data"), c.dataDir());
        assertEquals(Map.of("roles", List.of("controller")), c.grains());
        assertEquals("127.0.0.3", c.bindAddress());
    }

    @Test
    void defaultsTheIdToTheHostnameAndTheDataDir() throws Exception {
        MinionConfig c = MinionConfig.load(Files.writeString(tmp.resolve("m.yaml"), "master: salt\n"));
        assertTrue(!c.id().isBlank());
        assertEquals(MinionConfig.DEFAULT_DATA_DIR, c.dataDir());
        assertEquals(List.of("salt:4506"), c.masters());
        assertNull(c.caFingerprint());
    }

    @Test
    void mistakesAreNamed() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> MinionConfig.load(Files.writeString(tmp.resolve("a.yaml"), "masters: [x]\n")));
        assertTrue(e.getMessage().contains("a.yaml:1: unknown key 'masters' (did you mean master?)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MinionConfig.load(Files.writeString(tmp.resolve("b.yaml"), "id: x\n")));
        assertTrue(e.getMessage().contains("master is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MinionConfig.load(tmp.resolve("none.yaml")));
        assertTrue(e.getMessage().contains("no configuration file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MinionConfig.load(Files.writeString(tmp.resolve("c.yaml"), "id: a/b\nmaster: m\n")));
        assertTrue(e.getMessage().contains("id 'a/b'"), e.getMessage());
    }

    @Test
    void theIdFollowsTheMastersRule() throws Exception {
        String longest = "m".repeat(io.jstate.common.wire.MinionIds.MAX_LENGTH);
        assertEquals(longest, MinionConfig.load(Files.writeString(tmp.resolve("d.yaml"), "id: " + longest + "\nmaster: m\n")).id());
        var e = assertThrows(IllegalArgumentException.class,
                () -> MinionConfig.load(Files.writeString(tmp.resolve("e.yaml"), "id: " + longest + "m\nmaster: m\n")));
        assertTrue(e.getMessage().contains("is not allowed: " + io.jstate.common.wire.MinionIds.RULE), e.getMessage());
    }

    @Test
    void anUnknownKeyIsRefusedWithItsLineAndTheNearestKnownKey() throws Exception {
        Path f = Files.writeString(tmp.resolve("minion.yaml"), "id: web1\nmaster: salt\n# pinned\nmaster_ca_fingerprnt: SHA256:abc\n");
        var e = assertThrows(IllegalArgumentException.class, () -> MinionConfig.load(f));
        assertTrue(e.getMessage().startsWith(f + ":4: unknown key 'master_ca_fingerprnt' (did you mean master_ca_fingerprint"), e.getMessage());
        assertTrue(e.getMessage().contains("; known: bind_address, data_dir,"), e.getMessage());
    }
}
