package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.host.HostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** export_definitions as rabbitmqctl 3.10.8 printed it (captured from a real node: export_definitions.json). */
class DefinitionsTest {

    private static final Definitions REAL = Definitions.parse(FakeBroker.fixture("export_definitions.json"));

    @Test
    void vhostsUsersPermissionsAndPoliciesOfTheRealExport() {
        assertTrue(REAL.hasVhost("/"));
        assertTrue(REAL.hasVhost("-dash"));
        assertTrue(REAL.hasVhost("openstack"));
        assertFalse(REAL.hasVhost("nova"));
        assertEquals(new TreeSet<>(List.of("management", "monitoring")), REAL.user("alice").orElseThrow().tags());
        assertEquals(new TreeSet<>(List.of("administrator")), REAL.user("guest").orElseThrow().tags());
        assertEquals(new TreeSet<>(), REAL.user("carol").orElseThrow().tags());
        assertTrue(REAL.user("bob").isEmpty());
        assertEquals(Map.of("openstack", List.of(".*", ".*", "^amq\\."), "/", List.of("", "", "")), REAL.permissionsOf("alice"));
        assertEquals(Map.of(), REAL.permissionsOf("carol"));
        Definitions.Policy ha = REAL.policy("openstack", "ha-all").orElseThrow();
        assertEquals("^(?!amq\\.).*", ha.pattern());
        assertEquals("{\"ha-mode\":\"exactly\",\"ha-params\":2,\"ha-sync-mode\":\"automatic\"}", Rabbitmqctl.canonical(ha.definition()));
        assertEquals("all", ha.applyTo());
        assertEquals("0", String.valueOf(ha.priority()));
        Definitions.Policy p2 = REAL.policy("openstack", "p2").orElseThrow();
        assertEquals("queues", p2.applyTo());
        assertEquals("1", String.valueOf(p2.priority()));
        assertTrue(REAL.policy("/", "ha-all").isEmpty());
    }

    @Test
    void passwordsMatchTheRealHashesAsRabbitmqChecksThemAtLogin() {
        Definitions.User alice = REAL.user("alice").orElseThrow();
        assertEquals("rabbit_password_hashing_sha256", alice.algorithm());
        assertEquals(Optional.of(true), Definitions.passwordMatches(alice, "alice-Secret-1"));
        assertEquals(Optional.of(false), Definitions.passwordMatches(alice, "alice-Secret-2"));
        assertEquals(Optional.of(false), Definitions.passwordMatches(alice, "carol-Secret-1"));
        assertEquals(Optional.of(true), Definitions.passwordMatches(REAL.user("guest").orElseThrow(), "guest"));
        assertEquals(Optional.of(true), Definitions.passwordMatches(REAL.user("carol").orElseThrow(), "carol-Secret-1"));
        assertFalse(alice.toString().contains(alice.hash()), alice.toString());
    }

    @Test
    void sha512AndMd5HashesAreCheckedAndUnknownOnesAreLeftToTheBroker() {
        byte[] salt = {9, 8, 7, 6};
        String sha512 = java.util.Base64.getEncoder().encodeToString(Definitions.hash("SHA-512", salt, "pw"));
        assertEquals(Optional.of(true), Definitions.passwordMatches(
                new Definitions.User("u", new TreeSet<>(), sha512, "rabbit_password_hashing_sha512"), "pw"));
        String md5 = java.util.Base64.getEncoder().encodeToString(Definitions.hash("MD5", salt, "pw"));
        assertEquals(Optional.of(false), Definitions.passwordMatches(
                new Definitions.User("u", new TreeSet<>(), md5, "rabbit_password_hashing_md5"), "other"));
        assertEquals(Optional.empty(), Definitions.passwordMatches(
                new Definitions.User("u", new TreeSet<>(), sha512, "my_hashing_module"), "pw"));
        assertEquals(Optional.of(false), Definitions.passwordMatches(
                new Definitions.User("u", new TreeSet<>(), "", "rabbit_password_hashing_sha256"), "pw"), "no password: none matches");
    }

    @Test
    void tagsOfOlderBrokersAreOneCommaSeparatedText() {
        Definitions d = Definitions.parse("{\"users\":[{\"name\":\"a\",\"tags\":\"administrator,monitoring\",\"password_hash\":\"\"}]}");
        assertEquals(new TreeSet<>(List.of("administrator", "monitoring")), d.user("a").orElseThrow().tags());
    }

    @Test
    void malformedExportsAreNamedWithoutQuotingTheirText() {
        HostException notJson = assertThrows(HostException.class,
                () -> Definitions.parse("{\"users\":[{\"name\":\"a\",\"password_hash\":\"SECRET-HASH\"}] trailing"));
        assertFalse(notJson.getMessage().contains("SECRET-HASH"), notJson.getMessage());
        assertTrue(notJson.getMessage().contains("not one JSON document"), notJson.getMessage());
        HostException noName = assertThrows(HostException.class,
                () -> Definitions.parse("{\"users\":[{\"password_hash\":\"SECRET-HASH\"}]}"));
        assertEquals("rabbitmqctl export_definitions: an entry of 'users' has no 'name'", noName.getMessage());
        assertThrows(HostException.class, () -> Definitions.parse("[]"));
        assertThrows(HostException.class, () -> Definitions.parse("{\"vhosts\":{}}"));
    }
}
