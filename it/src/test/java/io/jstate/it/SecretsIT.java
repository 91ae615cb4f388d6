package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PEM key tagged {@code !secret} in pillar, written by file.managed on a real minion, then
 * rotated: no line of either key may leave the minion. Checked at every exit an operator sees:
 * the CLI's text and {@code --json} output, {@code jstate jobs show}, the event stream, the job
 * store on the master's disk, the dashboard's job page, and the master's and minion's logs and
 * the minion's spool.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecretsIT {
    private static final Duration CLI_LIMIT = Duration.ofSeconds(60);
    private static final String MINION = "sec1";
    private static final String TOKEN = "secrets-it-enrollment-token";
    private static final String OPERATOR = "operator";
    private static final String PASSWORD = "secrets-it-dashboard-pw";
    private static final Pattern JID = Pattern.compile("\\b(\\d{20})\\b");

    @TempDir
    static Path tmp;

    private final Launchers launchers = Launchers.ofCheckout();
    private Procs procs;
    private Path masterYaml;
    private Path pillar;
    private Path out;
    private int web;
    private Procs.Proc events;

    @BeforeAll
    void start() throws Exception {
        procs = new Procs(Files.createDirectories(tmp.resolve("logs")));
        out = Files.createDirectories(tmp.resolve("out"));
        Path states = Files.createDirectories(tmp.resolve("states/tls"));
        Files.writeString(states.resolveSibling("tls.sls"), """
                tls-key:
                  file.managed:
                    - name: {{pillar.root}}/key.pem
                    - source: tls/key.pem.mustache
                """);
        Files.writeString(states.resolve("key.pem.mustache"), "# managed by jstate\n{{pillar.tls_key}}");
        pillar = Files.createDirectories(tmp.resolve("pillar"));
        Files.writeString(pillar.resolve("top.sls"), "base:\n  '*':\n    - tls\n");
        int gateway = freePort();
        int admin = freePort();
        web = freePort();
        masterYaml = Files.createDirectories(tmp.resolve("master")).resolve("master.yaml");
        Files.writeString(masterYaml, """
                data_dir: data
                gateway: {listen: "127.0.0.1:%d"}
                admin: {listen: "127.0.0.1:%d"}
                web: {listen: "127.0.0.1:%d"}
                states: ../states
                pillar: ../pillar
                enrollment: {token: %s}
                """.formatted(gateway, admin, web, TOKEN));
        Procs.Proc master = procs.start("master", List.of(launchers.path("jstate-master"), "--config", masterYaml.toString()));
        master.awaitLine(l -> l.contains("jstate-master") && l.contains("started in"), Duration.ofSeconds(60), "start");
        events = procs.start("events", launchers.cli(masterYaml, "events", "--json"));
        events.awaitLine(l -> l.startsWith("Following events matching '*'"), Duration.ofSeconds(30), "the event stream");

        Path minionYaml = Files.createDirectories(tmp.resolve("minion")).resolve("minion.yaml");
        Files.writeString(minionYaml, """
                id: %s
                master: ["127.0.0.1:%d"]
                data_dir: %s
                bind_address: 127.0.0.1
                enrollment_token: %s
                """.formatted(MINION, gateway, tmp.resolve("minion/data"), TOKEN));
        Procs.Proc minion = procs.start(MINION, List.of(launchers.path("jstate-minion"), "run", "--config", minionYaml.toString()));
        minion.awaitLine(l -> l.contains("connected to master"), Duration.ofSeconds(40), "connect");
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (procs == null) return;
        String keep = System.getProperty("jstate.itLogs");
        procs.closeAndKeep(keep == null ? null : Path.of(keep).resolve("secrets"));
    }

    @Test
    void aRotatedPemSecretLeavesTheMinionByNoPath() throws Exception {
        String first = pem(1);
        String second = pem(2);
        Path key = out.resolve("key.pem");

        writePillar(first);
        Procs.Ran created = cli("apply", "tls", "-t", MINION);
        assertEquals(0, created.exit(), created::toString);
        assertEquals("# managed by jstate\n" + first, Files.readString(key));

        writePillar(second);
        Procs.Ran rotated = cli("apply", "tls", "-t", MINION, "--json");
        assertEquals(0, rotated.exit(), rotated::toString);
        assertEquals("# managed by jstate\n" + second, Files.readString(key));
        Procs.Ran rotatedText = cli("apply", "tls", "-t", MINION, "--test");
        assertEquals(0, rotatedText.exit(), rotatedText::toString);

        // Both changes are reported, by checksum.
        assertTrue(created.out().contains(sha256("# managed by jstate\n" + first)), created::toString);
        assertTrue(rotated.out().contains(sha256("# managed by jstate\n" + first))
                && rotated.out().contains(sha256("# managed by jstate\n" + second)), rotated::toString);

        List<String> jids = new ArrayList<>();
        for (Procs.Ran r : List.of(created, rotated)) {
            Matcher m = JID.matcher(r.out() + r.err());
            assertTrue(m.find(), "no jid in " + r);
            jids.add(m.group(1));
        }
        List<String> exits = new ArrayList<>();
        for (Procs.Ran r : List.of(created, rotated, rotatedText)) exits.add(r.out() + r.err());
        for (String jid : jids) {
            Procs.Ran shown = cli("jobs", "show", jid);
            assertEquals(0, shown.exit(), shown::toString);
            assertTrue(shown.out().contains("sha256:"), shown::toString);
            Procs.Ran json = cli("jobs", "show", jid, "--json");
            assertEquals(0, json.exit(), json::toString);
            exits.add(shown.out() + shown.err() + json.out() + json.err());
            String page = dashboard("/jobs/" + jid);
            assertTrue(page.contains("sha256:"), page);
            exits.add(page);
        }
        events.awaitLine(l -> l.contains("jstate/job/" + jids.get(1) + "/done"), Duration.ofSeconds(20), "the second job's end");
        exits.add(events.output());
        exits.add(files(tmp.resolve("master/data/jobs")));
        exits.add(files(tmp.resolve("minion/data")));
        exits.add(files(procs.dir()));

        for (String text : exits) {
            for (String secret : List.of(first, second)) {
                for (String line : secret.split("\n")) {
                    assertTrue(!text.contains(line), "a line of a secret key left the minion: " + line + "\nin:\n" + text);
                }
            }
        }
    }

    /** A PEM block of random base64 lines, as a private key looks. */
    private static String pem(int seed) {
        Random r = new Random(seed * 7919L);
        StringBuilder sb = new StringBuilder("-----BEGIN PRIVATE KEY " + seed + "-----\n");
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[48];
            r.nextBytes(b);
            sb.append(Base64.getEncoder().encodeToString(b)).append('\n');
        }
        return sb.append("-----END PRIVATE KEY ").append(seed).append("-----\n").toString();
    }

    private void writePillar(String key) throws IOException {
        StringBuilder sb = new StringBuilder("root: " + out + "\ntls_key: !secret |\n");
        for (String line : key.split("\n")) sb.append("  ").append(line).append('\n');
        Files.writeString(pillar.resolve("tls.sls"), sb.toString());
    }

    /** Every file below {@code dir} as text (binary protobuf holds its strings as UTF-8 too). */
    private static String files(Path dir) throws IOException {
        if (!Files.exists(dir)) return "";
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                sb.append("== ").append(p).append('\n').append(new String(Files.readAllBytes(p), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return sb.toString();
    }

    /** A dashboard page as the operator sees it after logging in with a password set by {@code jstate web passwd}. */
    private String dashboard(String path) throws Exception {
        Procs.Ran passwd = procs.run(List.of("sh", "-c", "printf '%s\\n' '" + PASSWORD + "' | " + String.join(" ",
                launchers.cli(masterYaml, "web", "passwd", OPERATOR))), CLI_LIMIT);
        assertEquals(0, passwd.exit(), passwd::toString);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(tmp.resolve("master/data/pki/ca.crt"))) {
            trust.setCertificateEntry("master-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        String base = "https://127.0.0.1:" + web;
        String form = "username=" + URLEncoder.encode(OPERATOR, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        String set = login.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("no login: " + login.statusCode() + " " + login.body()));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Cookie", set.substring(0, set.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page::body);
        return page.body();
    }

    private static String sha256(String text) throws Exception {
        return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Procs.Ran cli(String... args) throws IOException, InterruptedException {
        return procs.run(launchers.cli(masterYaml, args), CLI_LIMIT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
