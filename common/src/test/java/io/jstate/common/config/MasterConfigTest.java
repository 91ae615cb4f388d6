package io.jstate.common.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.jstate.common.net.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterConfigTest {
    @TempDir
    Path dir;

    MasterConfig load(String yaml) throws IOException {
        Path f = dir.resolve("master.yaml");
        Files.writeString(f, yaml);
        return MasterConfig.load(f);
    }

    @Test
    void everyKeyIsReadAndRelativePathsFollowTheFile() throws IOException {
        MasterConfig c = load("""
                data_dir: data
                gateway: {listen: "10.0.0.1:5506"}
                admin: {listen: "[::1]:5507"}
                tls_names: [salt.example, 10.0.0.2]
                states: ../srv/states
                pillar: /srv/pillar
                nodegroups: {controllers: 'G@roles:controller'}
                enrollment: {token: abc, rate_per_minute: 30}
                jobs: {retention_days: 3, default_timeout_seconds: 120}
                """);
        assertEquals(dir.resolve("data"), c.dataDir());
        assertEquals(new HostPort("10.0.0.1", 5506), c.gateway());
        assertEquals(new HostPort("::1", 5507), c.admin());
        assertEquals(List.of("salt.example", "10.0.0.2"), c.tlsNames());
        assertEquals(dir.getParent().resolve("srv/states"), c.states());
        assertEquals(Path.of("/srv/pillar"), c.pillar());
        assertEquals(Map.of("controllers", "G@roles:controller"), c.nodegroups());
        assertEquals("abc", c.enrollmentToken());
        assertEquals(30, c.enrollPerMinute());
        assertEquals(Duration.ofDays(3), c.retention());
        assertEquals(Duration.ofSeconds(120), c.defaultJobTimeout());
    }

    @Test
    void rolesAreTargetsOverWhatTheMasterDecides() throws IOException {
        MasterConfig c = load("""
                nodegroups: {ctls: 'ctl*', grained: 'G@roles:controller'}
                roles: {controller: 'N@ctls', db: [db1, db2], backup: 'R@db and not db2'}
                """);
        assertEquals(Map.of("controller", "N@ctls", "db", "L@db1,db2", "backup", "R@db and not db2"), c.roles());
        assertEquals(Map.of(), load("").roles());
        ConfigException g = assertThrows(ConfigException.class, () -> load("roles: {db: 'G@roles:db'}\n"));
        assertEquals(dir.resolve("master.yaml") + ": roles.db: target 'G@roles:db' at position 3: 'G@roles:db' matches what the"
                + " minion says about itself (its grains); assign the role on the master (roles: in master.yaml or jstate keys"
                + " accept ID --role db) and write 'R@db'", g.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> load("""
                nodegroups: {grained: 'G@roles:controller'}
                roles: {controller: 'N@grained'}
                """)).getMessage().contains("roles.controller: target 'N@grained': nodegroup 'grained' uses 'G@roles:controller'"));
        assertTrue(assertThrows(ConfigException.class, () -> load("roles: {'a b': 'x*'}\n")).getMessage()
                .contains("bad role name 'a b'"));
    }

    @Test
    void anEmptyFileMeansTheDefaults() throws IOException {
        MasterConfig c = load("");
        assertEquals(Path.of("/var/lib/jstate/master"), c.dataDir());
        assertEquals(new HostPort("0.0.0.0", 4506), c.gateway());
        assertTrue(c.gateway().wildcard());
        assertEquals(new HostPort("127.0.0.1", 4507), c.admin());
        assertNull(c.pillar());
        assertEquals("", c.enrollmentToken());
        assertEquals(60, c.enrollPerMinute());
        assertEquals(Duration.ofDays(7), c.retention());
        assertEquals(Duration.ofSeconds(600), c.defaultJobTimeout());
        assertEquals(Duration.ofSeconds(5), c.lostAfter());
    }

    @Test
    void theWebDashboardKeys() throws IOException {
        MasterConfig d = load("");
        assertEquals(new HostPort("127.0.0.1", 4508), d.web().listen());
        assertEquals(d.file().getParent().resolve("web-users"), d.web().usersFile());
        assertNull(d.web().metricsTokenFile());
        assertEquals(Duration.ofMinutes(30), d.web().sessionIdle());
        assertEquals(Duration.ofHours(12), d.web().sessionLifetime());
        MasterConfig c = load("web: {listen: \"0.0.0.0:8443\", users_file: /etc/jstate/ops, metrics_token_file: token, session_idle_minutes: 5}\n");
        assertEquals(new HostPort("0.0.0.0", 8443), c.web().listen());
        assertEquals(Path.of("/etc/jstate/ops"), c.web().usersFile());
        assertEquals(c.file().getParent().resolve("token"), c.web().metricsTokenFile());
        assertEquals(Duration.ofMinutes(5), c.web().sessionIdle());
        var e = assertThrows(ConfigException.class, () -> load("web: {users: x}\n"));
        assertTrue(e.getMessage().contains("unknown key 'web.users'"), e.getMessage());
    }

    @Test
    void mistakesNameTheFileAndTheKey() {
        var e = assertThrows(ConfigException.class, () -> load("gatway: {listen: x}\n"));
        assertTrue(e.getMessage().contains("master.yaml") && e.getMessage().contains("unknown key 'gatway'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("gateway: {listen: nohost}\n"));
        assertTrue(e.getMessage().contains("gateway.listen"), e.getMessage());
        assertEquals(Duration.ofSeconds(2), assertDoesNotThrow(() -> load("jobs: {lost_after_seconds: 2}\n")).lostAfter());
        var zero = assertThrows(ConfigException.class, () -> load("jobs: {lost_after_seconds: 0}\n"));
        assertTrue(zero.getMessage().contains("jobs.lost_after_seconds must be at least 1"), zero.getMessage());
        e = assertThrows(ConfigException.class, () -> load("jobs: {retention_days: soon}\n"));
        assertTrue(e.getMessage().contains("jobs.retention_days"), e.getMessage());
    }

    @Test
    void anUnknownKeyAtAnyDepthIsRefusedWithItsLineAndTheNearestKnownOne() {
        var e = assertThrows(ConfigException.class, () -> load("data_dir: d\nenrollment:\n  token: t\n  rate_per_minut: 5\n"));
        assertTrue(e.getMessage().endsWith("master.yaml:4: unknown key 'enrollment.rate_per_minut' (did you mean rate_per_minute?);"
                + " known under enrollment: rate_per_minute, token"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("gateway: {lisen: \"0.0.0.0:4506\"}\n"));
        assertTrue(e.getMessage().contains("master.yaml:1: unknown key 'gateway.lisen' (did you mean listen?)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("jobs:\n  retention_day: 3\n"));
        assertTrue(e.getMessage().contains(":2: unknown key 'jobs.retention_day' (did you mean retention_days?)"), e.getMessage());
        // Node group names are the operator's own.
        assertEquals("web*", assertDoesNotThrow(() -> load("nodegroups: {webservers: \"web*\"}\n")).nodegroups().get("webservers"));
    }
}
