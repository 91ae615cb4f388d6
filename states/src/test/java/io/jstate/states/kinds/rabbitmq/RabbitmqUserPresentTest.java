package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitmqUserPresentTest {

    private static final String SECRET = "s3cret-Pa55";

    private static RabbitmqUserPresent.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(RabbitmqUserPresent.Spec.class, "openstack", args);
    }

    /** The SLS of the OpenStack guide: password, a tag, all rights on the openstack vhost. */
    private static Map<String, Object> openstack() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("password", SECRET);
        a.put("tags", List.of("monitoring"));
        a.put("perms", List.of(Map.of("openstack", List.of(".*", ".*", ".*"))));
        return a;
    }

    private static void assertNoSecretAnywhere(FakeHost h, Drift d, Applied a) {
        for (Exec e : h.commands()) assertFalse(e.argv().contains(SECRET), "password in argv: " + e.display());
        for (String m : h.mutations()) assertFalse(m.contains(SECRET), m);
        for (Change c : d.changes()) assertFalse(String.valueOf(c).contains(SECRET), String.valueOf(c));
        if (a != null) {
            assertFalse(String.valueOf(a.comment()).contains(SECRET));
            assertFalse(a.data().toString().contains(SECRET));
        }
    }

    @Test
    void newUserIsCreatedWithPasswordOnStdinThenTagsAndPerms() throws Exception {
        FakeBroker b = new FakeBroker();
        b.vhosts.add("openstack");
        RabbitmqUserPresent s = new RabbitmqUserPresent(b.env());
        RabbitmqUserPresent.Spec spec = spec(openstack());
        Drift d = s.check(spec);
        assertEquals(List.of(Change.of("user", null, "openstack"), Change.of("tags", "[]", "[monitoring]"),
                Change.of("perms:openstack", null, "[.*, .*, .*]")), d.changes());
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -"), b.host.commandLines());
        b.host.clear();
        Applied a = s.apply(spec, d);
        assertEquals(List.of(
                List.of("rabbitmqctl", "-q", "add_user", "--", "openstack"),
                List.of("rabbitmqctl", "-q", "set_user_tags", "--", "openstack", "monitoring"),
                List.of("rabbitmqctl", "-q", "set_permissions", "-p", "openstack", "--", "openstack", ".*", ".*", ".*")),
                b.host.commands().stream().map(Exec::argv).toList());
        assertEquals(SECRET + "\n", b.host.commands().get(0).stdin());
        assertEquals(SECRET, b.users.get("openstack").password());
        assertNoSecretAnywhere(b.host, d, a);
    }

    @Test
    void reRunIsInSyncFromOneExportWithThePasswordCheckedAgainstItsHash() throws Exception {
        FakeBroker b = new FakeBroker();
        b.vhosts.add("openstack");
        RabbitmqUserPresent s = new RabbitmqUserPresent(b.env());
        RabbitmqUserPresent.Spec spec = spec(openstack());
        s.apply(spec, s.check(spec));
        b.host.clear();
        Drift again = s.check(spec);
        assertTrue(again.inSync(), again.toString());
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -"), b.host.commandLines());
        assertTrue(b.host.mutations().isEmpty());
        assertNoSecretAnywhere(b.host, again, null);
    }

    @Test
    void passwordChangedBehindOurBackIsDriftWithoutTheValueAndIsPutBack() throws Exception {
        FakeBroker b = new FakeBroker();
        b.vhosts.add("openstack");
        RabbitmqUserPresent s = new RabbitmqUserPresent(b.env());
        RabbitmqUserPresent.Spec spec = spec(openstack());
        s.apply(spec, s.check(spec));
        b.users.put("openstack", new FakeBroker.User("someone-else-set-this", List.of("monitoring")));
        b.host.clear();
        Drift d = s.check(spec);
        assertEquals(List.of(Change.of("password", null, "changed")), d.changes());
        b.host.clear();
        Applied a = s.apply(spec, d);
        assertEquals(List.of("rabbitmqctl -q change_password -- openstack"), b.host.commandLines());
        assertEquals(SECRET + "\n", b.host.commands().get(0).stdin());
        assertTrue(s.check(spec).inSync());
        assertNoSecretAnywhere(b.host, d, a);
        assertFalse(spec.toString().contains(SECRET), spec.toString());
    }

    @Test
    void tagsCompareAsSetsAgainstRealListing() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "export_definitions"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        RabbitmqUserPresent s = new RabbitmqUserPresent(FakeBroker.env(h));
        assertTrue(s.check(spec(Map.of("name", "alice", "tags", List.of("management", "monitoring")))).inSync());
        Drift d = s.check(spec(Map.of("name", "alice", "tags", List.of("administrator"))));
        assertEquals(List.of(Change.of("tags", "[management, monitoring]", "[administrator]")), d.changes());
        h.clear();
        h.on(List.of("rabbitmqctl", "-q", "set_user_tags"), e -> ExecResult.ok(""));
        s.apply(spec(Map.of("name", "alice", "tags", List.of("administrator"))), d);
        assertEquals(List.of("rabbitmqctl -q set_user_tags -- alice administrator"), h.commandLines());
    }

    @Test
    void emptyTagsClearThem() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "export_definitions"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        h.on(List.of("rabbitmqctl", "-q", "set_user_tags"), e -> ExecResult.ok(""));
        RabbitmqUserPresent s = new RabbitmqUserPresent(FakeBroker.env(h));
        RabbitmqUserPresent.Spec spec = spec(Map.of("name", "guest", "tags", List.of()));
        Drift d = s.check(spec);
        assertEquals(List.of(Change.of("tags", "[administrator]", "[]")), d.changes());
        h.clear();
        s.apply(spec, d);
        assertEquals(List.of(List.of("rabbitmqctl", "-q", "set_user_tags", "--", "guest")),
                h.commands().stream().map(Exec::argv).toList());
    }

    @Test
    void permissionsFromRealListingAreComparedPerVhost() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-n", "rabbit@ctl1", "-q", "export_definitions"),
                e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        h.on(List.of("rabbitmqctl", "-n", "rabbit@ctl1", "-q", "set_permissions"), e -> ExecResult.ok(""));
        RabbitmqUserPresent s = new RabbitmqUserPresent(FakeBroker.env(h));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", "alice");
        args.put("node", "rabbit@ctl1");
        args.put("perms", List.of(Map.of("openstack", List.of(".*", ".*", "^amq\\.")), Map.of("nova", List.of(".*", ".*", ".*"))));
        RabbitmqUserPresent.Spec spec = spec(args);
        Drift d = s.check(spec);
        assertEquals(List.of(Change.of("perms:nova", null, "[.*, .*, .*]")), d.changes());
        assertEquals(List.of("rabbitmqctl -n rabbit@ctl1 -q export_definitions -- -"), h.commandLines());
        h.clear();
        s.apply(spec, d);
        assertEquals(List.of("rabbitmqctl -n rabbit@ctl1 -q set_permissions -p nova -- alice .* .* .*"), h.commandLines());
    }

    @Test
    void userWithoutPasswordIsCreatedWithABlankOneAndPasswordIsNotChecked() throws Exception {
        FakeBroker b = new FakeBroker();
        RabbitmqUserPresent s = new RabbitmqUserPresent(b.env());
        RabbitmqUserPresent.Spec spec = spec(Map.of("name", "svc"));
        s.apply(spec, s.check(spec));
        assertEquals(List.of("rabbitmqctl", "-q", "add_user", "--", "svc", ""), b.host.commands().get(1).argv());
        b.host.clear();
        assertTrue(s.check(spec).inSync());
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -"), b.host.commandLines());
    }

    /** alice's password in the captured export is this one; the check needs no rabbitmqctl call of its own. */
    @Test
    void passwordsAreCheckedAgainstTheRealExportsHashes() throws Exception {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "export_definitions"), e -> ExecResult.ok(FakeBroker.fixture("export_definitions.json")));
        assertTrue(new RabbitmqUserPresent(FakeBroker.env(h)).check(spec(Map.of("name", "alice", "password", "alice-Secret-1"))).inSync());
        assertTrue(new RabbitmqUserPresent(FakeBroker.env(h)).check(spec(Map.of("name", "guest", "password", "guest"))).inSync());
        Drift d = new RabbitmqUserPresent(FakeBroker.env(h)).check(spec(Map.of("name", "alice", "password", SECRET)));
        assertEquals(List.of(Change.of("password", null, "changed")), d.changes());
        assertEquals(3, h.commands().size(), "one export per check, nothing else: " + h.commandLines());
    }

    /** A user whose hash is of a kind only the broker knows: authenticate_user decides, with the password on stdin. */
    private static FakeHost unknownHashingAlgorithm() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "export_definitions"), e -> ExecResult.ok("""
                {"permissions":[],"policies":[],"users":[{"hashing_algorithm":"rabbit_password_hashing_custom","name":"alice",
                "password_hash":"AQIDBA==","tags":[]}],"vhosts":[{"name":"/"}]}
                """));
        return h;
    }

    @Test
    void anUnknownHashIsAskedOfTheBrokerWithThePasswordOnStdin() throws Exception {
        FakeHost h = unknownHashingAlgorithm();
        h.on(List.of("rabbitmqctl", "-q", "authenticate_user"), e -> ExecResult.ok("Success\n"));
        assertTrue(new RabbitmqUserPresent(FakeBroker.env(h)).check(spec(Map.of("name", "alice", "password", SECRET))).inSync());
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -", "rabbitmqctl -q authenticate_user -- alice"), h.commandLines());
        assertEquals(SECRET + "\n", h.commands().get(1).stdin());
    }

    @Test
    void authenticationFailureOtherThanAMismatchIsAnError() {
        FakeHost h = unknownHashingAlgorithm();
        h.on(List.of("rabbitmqctl", "-q", "authenticate_user"), e -> ExecResult.fail(69, FakeBroker.fixture("unreachable.txt")));
        RabbitmqUserPresent s = new RabbitmqUserPresent(FakeBroker.env(h));
        HostException e = assertThrows(HostException.class, () -> s.check(spec(Map.of("name", "alice", "password", SECRET))));
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void realMismatchOutputIsDrift() throws Exception {
        FakeHost h = unknownHashingAlgorithm();
        h.on(List.of("rabbitmqctl", "-q", "authenticate_user"), e -> ExecResult.fail(65, FakeBroker.fixture("auth_failed.txt")));
        Drift d = new RabbitmqUserPresent(FakeBroker.env(h)).check(spec(Map.of("name", "alice", "password", SECRET)));
        assertEquals(List.of(Change.of("password", null, "changed")), d.changes());
    }

    @Test
    void checkUnderReadOnlyHostMutatesNothing() throws Exception {
        FakeBroker b = new FakeBroker();
        RabbitmqUserPresent.Spec spec = spec(openstack());
        RabbitmqUserPresent ro = new RabbitmqUserPresent(b.env().withHost(new ReadOnlyHost(b.host)));
        assertEquals(List.of("user", "tags", "perms:openstack"), ro.check(spec).changes().stream().map(Change::attribute).toList());
        b.vhosts.add("openstack");
        b.users.put("openstack", new FakeBroker.User("old", List.of()));
        // A new run: the first one's export is not reused.
        ro = new RabbitmqUserPresent(b.env().withHost(new ReadOnlyHost(b.host)));
        assertEquals(List.of("password", "tags", "perms:openstack"), ro.check(spec).changes().stream().map(Change::attribute).toList());
        assertTrue(b.host.mutations().isEmpty());
        assertEquals("old", b.users.get("openstack").password());
        assertEquals(List.of(), b.users.get("openstack").tags());
    }

    @Test
    void passwordsRabbitmqctlWouldAlterAreRejected() {
        for (String bad : List.of(" lead", "trail ", "two\nlines", "")) {
            assertThrows(SpecException.class, () -> spec(Map.of("password", bad)), bad);
        }
    }

    @Test
    void malformedPermsAreRejected() {
        assertThrows(SpecException.class, () -> spec(Map.of("perms", List.of(Map.of("openstack", List.of(".*", ".*"))))));
        assertThrows(SpecException.class, () -> spec(Map.of("perms", List.of(
                Map.of("openstack", List.of(".*", ".*", ".*")), Map.of("openstack", List.of("", "", ""))))));
    }
}
