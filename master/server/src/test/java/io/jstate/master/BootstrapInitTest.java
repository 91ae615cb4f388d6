package io.jstate.master;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.master.pki.Pem;
import io.jstate.master.pki.Pki;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jstate-master --init}, which a package's postinst runs, and the start: the PKI is made once,
 * into an empty folder, and never again over a PKI that lost a file.
 */
class BootstrapInitTest {
    private static final List<String> FILES = List.of("ca.crt", "ca.key", "server.crt", "server.key", "admin.crt", "admin.key",
            "signing.key", "signing.pub");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private Path root;
    private Path config;
    private Path pki;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory("jstate-init-test");
        config = root.resolve("master.yaml");
        pki = root.resolve("data/pki");
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

    @Test
    void aMissingFileRefusesTheStartNamingItAndLeavesThePkiAsItWas() throws Exception {
        Bootstrap.init(config, QUIET);
        for (String f : FILES) {
            Path file = pki.resolve(f);
            byte[] saved = Files.readAllBytes(file);
            Files.delete(file);
            Map<String, byte[]> before = contents();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Pki.PkiException e = assertThrows(Pki.PkiException.class,
                    () -> Bootstrap.prepare(config, new PrintStream(out, true, StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().startsWith(file + " is missing; restore it from a backup of " + pki), e.getMessage());
            assertTrue(e.getMessage().contains("move the whole folder " + pki + " away"), e.getMessage());
            assertTrue(!out.toString(StandardCharsets.UTF_8).contains("created the PKI"), out.toString(StandardCharsets.UTF_8));
            assertSameContents(before, contents());
            // --init refuses just the same.
            assertThrows(Pki.PkiException.class, () -> Bootstrap.init(config, QUIET));
            assertSameContents(before, contents());
            Files.write(file, saved);
        }
        Bootstrap.prepare(config, QUIET);
    }

    @Test
    void anEmptyOrDamagedFileRefusesTheStartNamingIt() throws Exception {
        Bootstrap.init(config, QUIET);
        Path key = pki.resolve("server.key");
        byte[] saved = Files.readAllBytes(key);

        Files.write(key, new byte[0]);
        Pki.PkiException empty = assertThrows(Pki.PkiException.class, () -> Bootstrap.prepare(config, QUIET));
        assertTrue(empty.getMessage().startsWith(key + " is empty; restore it from a backup"), empty.getMessage());

        Files.writeString(key, "not a key\n");
        Pki.PkiException garbage = assertThrows(Pki.PkiException.class, () -> Bootstrap.prepare(config, QUIET));
        assertTrue(garbage.getMessage().startsWith(key + ": no PRIVATE KEY block; restore it"), garbage.getMessage());

        Path ca = pki.resolve("ca.crt");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Files.write(key, saved);
        Pki.PkiException badCa = assertThrows(Pki.PkiException.class, () -> Bootstrap.prepare(config, QUIET));
        assertTrue(badCa.getMessage().startsWith(ca + ": not an X.509 certificate"), badCa.getMessage());

        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class, () -> Pem.readPrivateKey(ca, "EC"));
        assertEquals(ca + ": no PRIVATE KEY block", direct.getMessage());
    }

    @Test
    void aKeyThatIsNotItsCertificatesRefusesTheStart() throws Exception {
        Bootstrap.init(config, QUIET);
        // The admin key where the server key belongs: each is a valid key, just not the pair's.
        Files.copy(pki.resolve("admin.key"), pki.resolve("server.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Pki.PkiException e = assertThrows(Pki.PkiException.class, () -> Bootstrap.prepare(config, QUIET));
        assertTrue(e.getMessage().startsWith(pki.resolve("server.key") + " is not the private key of " + pki.resolve("server.crt")
                + "; restore it from a backup"), e.getMessage());
    }

    @Test
    void initOnAnExistingPkiChangesNothingInIt() throws Exception {
        Pki made = Bootstrap.init(config, QUIET);
        Map<String, byte[]> before = contents();
        Map<String, FileTime> times = mtimes();
        Thread.sleep(20);
        // Even with a name the certificate lacks: --init leaves the PKI to the start.
        Files.writeString(config, "data_dir: data\ngateway: {listen: \"127.0.0.1:4506\"}\ntls_names: [master.example.org]\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Pki again = Bootstrap.init(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(made.caFingerprint(), again.caFingerprint());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("CA fingerprint:          " + made.caFingerprint()), out.toString());
        assertSameContents(before, contents());
        assertEquals(times, mtimes());
    }

    @Test
    void aReissuedServerCertificateKeepsTheCaAndLeavesNoTemporaryFile() throws Exception {
        Bootstrap.init(config, QUIET);
        Map<String, byte[]> before = contents();
        Files.writeString(config, "data_dir: data\ngateway: {listen: \"127.0.0.1:4506\"}\ntls_names: [master.example.org]\n");
        Bootstrap.prepare(config, QUIET);
        Map<String, byte[]> after = contents();
        assertEquals(before.keySet(), after.keySet(), "no temporary file is left behind");
        for (String f : List.of("ca.crt", "ca.key", "admin.crt", "admin.key", "signing.key", "signing.pub")) {
            assertArrayEquals(before.get(f), after.get(f), f);
        }
        Pki loaded = Pki.load(pki);
        Pem.readCertificate(loaded.serverCert()).verify(loaded.ca().getPublicKey());
        assertTrue(!java.util.Arrays.equals(before.get("server.crt"), after.get("server.crt")));
    }

    @Test
    void anEmptyPkiFolderGetsAPkiAndALeftoverOfAnInterruptedCreationIsMadeAgain() throws Exception {
        Files.createDirectories(pki);
        Files.createDirectories(root.resolve("data/.pki.new"));
        Files.writeString(root.resolve("data/.pki.new/ca.key"), "half");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bootstrap.prepare(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("created the PKI in " + pki), out.toString());
        assertEquals(FILES.stream().sorted().toList(), List.copyOf(contents().keySet()));
        assertTrue(!Files.exists(root.resolve("data/.pki.new")));
    }

    private Map<String, byte[]> contents() throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(pki)) {
            for (Path p : s.toList()) out.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return out;
    }

    private Map<String, FileTime> mtimes() throws Exception {
        Map<String, FileTime> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(pki)) {
            for (Path p : s.toList()) out.put(p.getFileName().toString(), Files.getLastModifiedTime(p));
        }
        return out;
    }

    private static void assertSameContents(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }

    private static List<String> dnsNames(Path crt) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans = Pem.readCertificate(crt).getSubjectAlternativeNames();
        if (sans != null) for (List<?> san : sans) out.add(String.valueOf(san.get(1)));
        return out;
    }
}
