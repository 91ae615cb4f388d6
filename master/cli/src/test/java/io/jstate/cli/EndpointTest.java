package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.common.net.HostPort;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointTest {
    @TempDir
    Path tmp;

    @Test
    void theConfigGivesThePkiFolderTheAdminAddressAndTheJobTimeout() throws Exception {
        Path config = tmp.resolve("etc/master.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                data_dir: ../data
                admin: {listen: "0.0.0.0:14507"}
                jobs: {default_timeout_seconds: 90}
                """);
        Endpoint e = Endpoint.resolve(null, null, config, Map.of());
        assertEquals(URI.create("https://127.0.0.1:14507"), e.master());
        assertEquals(tmp.resolve("data/pki").toAbsolutePath(), e.pki());
        assertEquals(Duration.ofSeconds(90), e.defaultTimeout());
    }

    @Test
    void optionsWinOverTheEnvironmentWhichWinsOverTheConfig() throws Exception {
        Path config = tmp.resolve("master.yaml");
        Files.writeString(config, "data_dir: /srv/jstate\nadmin: {listen: '127.0.0.2:4507'}\n");
        Map<String, String> env = Map.of("JSTATE_MASTER", "https://10.0.0.1:4507/", "JSTATE_PKI", "/env/pki");
        assertEquals(new Endpoint(URI.create("https://10.0.0.1:4507"), Path.of("/env/pki"), Duration.ofSeconds(600)),
                Endpoint.resolve(null, null, null, env));
        assertEquals(new Endpoint(URI.create("https://127.0.0.3:4507"), Path.of("/opt/pki"), Duration.ofSeconds(600)),
                Endpoint.resolve("https://127.0.0.3:4507", Path.of("/opt/pki"), config, env));
        Endpoint fromConfig = Endpoint.resolve(null, null, config, Map.of());
        assertEquals(URI.create("https://127.0.0.2:4507"), fromConfig.master());
        assertEquals(Path.of("/srv/jstate/pki"), fromConfig.pki());
    }

    @Test
    void listenAddresses() {
        assertEquals("https://127.0.0.1:4507", Endpoint.url(HostPort.parse("x", "0.0.0.0:4507")));
        assertEquals("https://[::1]:4507", Endpoint.url(HostPort.parse("x", "[::]:4507")));
        assertEquals("https://master.lan:4600", Endpoint.url(HostPort.parse("x", "master.lan:4600")));
    }

    @Test
    void badUrlsAndConfigsAreNamed() throws Exception {
        CliException e = assertThrows(CliException.class, () -> Endpoint.resolve("http://127.0.0.1:4507", Path.of("/p"), null, Map.of()));
        assertEquals("the master URL must look like https://HOST:PORT, got 'http://127.0.0.1:4507'", e.getMessage());
        e = assertThrows(CliException.class, () -> Endpoint.resolve(null, null, tmp.resolve("none.yaml"), Map.of()));
        assertEquals("no configuration file " + tmp.resolve("none.yaml") + " (give one with --config)", e.getMessage());
        Files.writeString(tmp.resolve("list.yaml"), "- a\n");
        e = assertThrows(CliException.class, () -> Endpoint.resolve(null, null, tmp.resolve("list.yaml"), Map.of()));
        assertEquals(tmp.resolve("list.yaml") + ": expected a mapping at the top", e.getMessage());
        // The master's own loader reads it, so the CLI refuses what the master would refuse.
        Files.writeString(tmp.resolve("typo.yaml"), "admin: {lisen: '127.0.0.2:4507'}\n");
        e = assertThrows(CliException.class, () -> Endpoint.resolve(null, null, tmp.resolve("typo.yaml"), Map.of()));
        assertTrue(e.getMessage().contains("unknown key 'admin.lisen' (did you mean listen?)"), e.getMessage());
    }
}
