package io.jstate.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.master.pki.Pem;
import io.jstate.master.pki.Pki;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code jstate-master --init}, which a package's postinst runs: the first start's PKI, nothing started. */
class BootstrapInitTest {
    private Path root;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory("jstate-init-test");
        config = root.resolve("master.yaml");
        Files.writeString(config, "data_dir: data\ngateway: {listen: \"127.0.0.1:4506\"}\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void initMakesThePkiOnceAndPrintsTheSamePinsEveryTime() {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        Pki made = Bootstrap.init(config, new PrintStream(first, true, StandardCharsets.UTF_8));
        Path pki = root.resolve("data/pki");
        assertEquals(made.caFingerprint(), Pki.load(pki).caFingerprint(), "no complete PKI in " + pki);
        String out = first.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("created the PKI"), out);
        assertTrue(out.contains("CA fingerprint:          " + made.caFingerprint()), out);
        assertTrue(out.contains("signing key fingerprint: " + made.signingFingerprint()), out);

        // A second run (an upgrade's postinst) keeps the keys: minions' pins stay valid.
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        Pki again = Bootstrap.init(config, new PrintStream(second, true, StandardCharsets.UTF_8));
        assertEquals(made.caFingerprint(), again.caFingerprint());
        assertEquals(made.signingFingerprint(), again.signingFingerprint());
        assertTrue(!second.toString(StandardCharsets.UTF_8).contains("created the PKI"), second.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aNameAddedToTlsNamesAfterInstallGetsANewServerCertificateUnderTheSameCaAtStart() throws Exception {
        Pki made = Bootstrap.init(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Path serverCrt = root.resolve("data/pki/server.crt");
        String before = Files.readString(serverCrt);
        assertFalse(dnsNames(serverCrt).contains("master.example.org"));

        Files.writeString(config, "data_dir: data\ngateway: {listen: \"127.0.0.1:4506\"}\ntls_names: [master.example.org, 192.0.2.7]\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bootstrap.prepare(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        Pki again = Pki.load(root.resolve("data/pki"));
        String said = out.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("issued a new server certificate (same CA) that also names master.example.org, 192.0.2.7"), said);
        assertEquals(made.caFingerprint(), again.caFingerprint(), "minions' pins stay valid");
        assertTrue(dnsNames(serverCrt).contains("master.example.org"));
        X509Certificate server = Pem.readCertificate(serverCrt);
        server.verify(again.ca().getPublicKey());
        assertTrue(Files.isRegularFile(root.resolve("data/pki/server.key")));

        // Nothing new to name: the certificate is left as it is.
        String now = Files.readString(serverCrt);
        assertNotEquals(before, now);
        Bootstrap.prepare(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(now, Files.readString(serverCrt));
    }

    private static List<String> dnsNames(Path crt) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans = Pem.readCertificate(crt).getSubjectAlternativeNames();
        if (sans != null) for (List<?> san : sans) out.add(String.valueOf(san.get(1)));
        return out;
    }
}
