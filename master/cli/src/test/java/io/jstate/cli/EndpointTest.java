package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals(tmp.resolve("etc/../data/pki").toAbsolutePath(), e.pki());
        assertEquals(Duration.ofSeconds(90), e.defaultTimeout());
    }

    @Test
    void optionsWinOverTheEnvironmentWhichWinsOverTheConfig() throws Exception {
        Path config = tmp.resolve("master.yaml");
        Files.writeString(config, "data_dir: /srv/jstate\nadmin: {listen: '127.0.0.2:4507'}\n");
        Map<String, String> env = Map.of("JSTATE_MASTER", "https://10.0.0.1:4507/", "JSTATE_PKI", "/env/pki");
        assertEquals(new Endpoint(URI.create("https://10.0.0.1:4507"), Path.of("/env/pki"), Endpoint.DEFAULT_TIMEOUT),
                Endpoint.resolve(null, null, null, env));
        assertEquals(new Endpoint(URI.create("https://127.0.0.3:4507"), Path.of("/opt/pki"), Endpoint.DEFAULT_TIMEOUT),
                Endpoint.resolve("https://127.0.0.3:4507", Path.of("/opt/pki"), config, env));
        Endpoint fromConfig = Endpoint.resolve(null, null, config, Map.of());
        assertEquals(URI.create("https://127.0.0.2:4507"), fromConfig.master());
        assertEquals(Path.of("/srv/jstate/pki"), fromConfig.pki());
    }

    @Test
    void listenAddresses() {
        assertEquals("https://127.0.0.1:4507", Endpoint.fromListen("0.0.0.0:4507"));
        assertEquals("https://[::1]:4507", Endpoint.fromListen("[::]:4507"));
        assertEquals("https://master.lan:4600", Endpoint.fromListen("master.lan:4600"));
    }

    @Test
    void badUrlsAndConfigsAreNamed() throws Exception {
        CliException e = assertThrows(CliException.class, () -> Endpoint.resolve("http://127.0.0.1:4507", Path.of("/p"), null, Map.of()));
        assertEquals("the master URL must look like https://HOST:PORT, got 'http://127.0.0.1:4507'", e.getMessage());
        e = assertThrows(CliException.class, () -> Endpoint.resolve(null, null, tmp.resolve("none.yaml"), Map.of()));
        assertEquals("cannot read the master config " + tmp.resolve("none.yaml") + ": no such file", e.getMessage());
        Files.writeString(tmp.resolve("list.yaml"), "- a\n");
        e = assertThrows(CliException.class, () -> Endpoint.resolve(null, null, tmp.resolve("list.yaml"), Map.of()));
        assertEquals(tmp.resolve("list.yaml") + ": the master config must be a mapping", e.getMessage());
    }
}
