package io.jstate.master.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.jstate.master.FakeMinion;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.proto.v1.Key;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Roles assigned on the master: on keys (kept across restarts, old key files included) and in master.yaml. */
class RolesTest {
    final TestMaster tm = new TestMaster("""
            nodegroups: {dbs: 'L@db1,db2'}
            roles:
              controller: 'ctl*'
              db: 'N@dbs'
              web: [web1, web2]
              backup: 'R@db and not db2'
            """);

    @AfterEach
    void down() {
        tm.close();
    }

    @Test
    void aKeyAcceptedWithRolesKeepsThemAcrossRestartsAndConfigRolesAddToThem() throws Exception {
        Master master = tm.start();
        ManagedChannel ch = tm.channel();
        new FakeMinion("db9").enroll(ch, "");
        assertEquals(Key.State.PENDING, master.keys().find("db9").orElseThrow().getState());

        List<Key> changed = master.keys().accept("db9", List.of("db", "analytics", "db"));
        assertEquals(Key.State.ACCEPTED, changed.get(0).getState());
        assertEquals(List.of("analytics", "db"), changed.get(0).getRolesList());
        assertEquals(List.of("analytics", "backup", "db"), master.roles().of("db9"), "R@db in master.yaml reads the key's roles");
        assertEquals(List.of("db"), master.roles().of("db1"), "R@ in master.yaml reads the key's roles only, not other roles of master.yaml");
        assertEquals(List.of("db"), master.roles().of("db2"));
        assertEquals(List.of("controller"), master.roles().of("ctl7"));
        assertEquals(List.of("web"), master.roles().of("web2"));
        assertEquals(List.of(), master.roles().of("mail1"));
        ch.shutdownNow();

        // A key file written before roles existed has no field 6 and loads with none.
        // Its CSR and certificate are copies of db9's: the store moves aside a record without them.
        Path accepted = tm.root.resolve("data/keys/accepted");
        Files.copy(accepted.resolve("db9.csr"), accepted.resolve("old1.csr"));
        Files.copy(accepted.resolve("db9.crt"), accepted.resolve("old1.crt"));
        Path old = accepted.resolve("old1.pb");
        Files.write(old, Key.newBuilder().setMinionId("old1").setState(Key.State.ACCEPTED).setFingerprint("aa:bb").build().toByteArray());
        tm.stop();
        master = tm.start();
        assertEquals(List.of("analytics", "db"), master.keys().find("db9").orElseThrow().getRolesList());
        assertEquals(List.of(), master.keys().find("old1").orElseThrow().getRolesList());
        assertEquals("aa:bb", master.keys().find("old1").orElseThrow().getFingerprint());

        Master restarted = master;
        assertEquals(List.of("db9"), restarted.jobs().match("R@analytics and R@backup"), "job targets match master roles");
        assertEquals(List.of(), restarted.keys().setRoles("db9", List.of()).get(0).getRolesList());
        assertEquals(List.of(), restarted.jobs().match("R@db or R@backup"));
        assertThrows(Keys.BadRoleException.class, () -> restarted.keys().setRoles("db9", List.of("db;rm")));
        assertThrows(Keys.NoSuchKeyException.class, () -> restarted.keys().setRoles("nobody", List.of("db")));
    }
}
