package io.jstate.states.kinds.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.TestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserPresentTest {

    final FakeHost host = new FakeHost();
    final FakeAccounts db = new FakeAccounts(host);
    final UserPresent state = new UserPresent(TestEnv.debian(host));

    static UserPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(UserPresent.Spec.class, "rabbitmq", args);
    }

    static final Map<String, Object> FULL = Map.of("uid", 120, "gid", "rabbitmq", "groups", List.of("ssl-cert"),
            "home", "/var/lib/rabbitmq", "shell", "/usr/sbin/nologin", "system", true);

    @Test
    void createsAMissingUserWithEveryAttributeThenIsInSync() {
        db.groups.put("rabbitmq", "120");
        db.groups.put("ssl-cert", "111");
        var spec = spec(FULL);
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("user", null, "rabbitmq"), Change.of("uid", null, 120), Change.of("gid", null, "rabbitmq"),
                Change.of("groups", null, "ssl-cert"), Change.of("home", null, "/var/lib/rabbitmq"),
                Change.of("shell", null, "/usr/sbin/nologin")), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run useradd -r -u 120 -g rabbitmq -G ssl-cert -d /var/lib/rabbitmq -m -s /usr/sbin/nologin rabbitmq"),
                host.mutations());
        assertTrue(state.check(spec).inSync());
    }

    @Test
    void createhomeFalseAsksForNoHome() {
        var spec = spec(Map.of("createhome", false));
        state.apply(spec, state.check(spec));
        assertEquals(List.of("run useradd -M rabbitmq"), host.mutations());
    }

    @Test
    void modifiesOnlyWhatDiffersAndAddsGroupsWithoutDroppingOthers() {
        db.groups.put("rabbitmq", "120");
        db.groups.put("ssl-cert", "111");
        db.groups.put("adm", "4");
        db.members.put("adm", new ArrayList<>(List.of("rabbitmq")));
        db.users.put("rabbitmq", new ArrayList<>(List.of("x", "120", "120", "", "/var/lib/rabbitmq", "/bin/bash")));
        var spec = spec(FULL);
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("groups", "rabbitmq,adm", "rabbitmq,adm,ssl-cert"), Change.of("shell", "/bin/bash", "/usr/sbin/nologin")),
                d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run usermod -a -G ssl-cert -s /usr/sbin/nologin rabbitmq"), host.mutations());
        assertTrue(state.check(spec).inSync());
        assertTrue(db.members.get("adm").contains("rabbitmq"));
    }

    @Test
    void thePrimaryGroupComparesByNumberWhetherGivenByNameOrNumber() {
        db.groups.put("galera", "990");
        db.users.put("mysql", new ArrayList<>(List.of("x", "105", "990", "", "/nonexistent", "/bin/false")));
        assertTrue(state.check(SpecBinder.bind(UserPresent.Spec.class, "mysql", Map.of("group", "galera"))).inSync());
        assertTrue(state.check(SpecBinder.bind(UserPresent.Spec.class, "mysql", Map.of("gid", 990))).inSync());
        var spec = SpecBinder.bind(UserPresent.Spec.class, "mysql", Map.of("gid", 991, "uid", 106));
        Drift d = state.check(spec);
        assertEquals(List.of(Change.of("uid", "105", 106), Change.of("gid", "990", "991")), d.changes());
        state.apply(spec, d);
        assertEquals(List.of("run usermod -u 106 -g 991 mysql"), host.mutations());
    }

    @Test
    void aMissingGroupFailsWithUsermodsWords() {
        db.users.put("mysql", new ArrayList<>(List.of("x", "105", "990", "", "/nonexistent", "/bin/false")));
        var spec = SpecBinder.bind(UserPresent.Spec.class, "mysql", Map.of("gid", "galera"));
        HostException e = assertThrows(HostException.class, () -> state.apply(spec, state.check(spec)));
        assertEquals("'usermod -g galera mysql' exited 6: usermod: group 'galera' does not exist", e.getMessage());
    }

    @Test
    void checkOnlyObserves() {
        db.users.put("rabbitmq", new ArrayList<>(List.of("x", "1", "1", "", "/", "/bin/sh")));
        var ro = new UserPresent(TestEnv.readOnly(TestEnv.debian(host)));
        assertEquals(5, ro.check(spec(FULL)).changes().size());
        assertTrue(host.mutations().isEmpty());
    }

    @Test
    void specErrorsNameTheProblem() {
        assertThrows(SpecException.class, () -> spec(Map.of("gid", "a", "group", "b")));
        assertThrows(SpecException.class, () -> spec(Map.of("home", "var/lib")));
        assertThrows(SpecException.class, () -> spec(Map.of("groups", List.of("bad group"))));
        assertThrows(SpecException.class, () -> SpecBinder.bind(UserPresent.Spec.class, "x:y", Map.of()));
    }
}
