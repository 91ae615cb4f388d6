package io.jstate.states.formulas;

import static io.jstate.states.formulas.Formulas.compile;
import static io.jstate.states.formulas.Formulas.ids;
import static io.jstate.states.formulas.Formulas.rendered;
import static io.jstate.states.formulas.Formulas.requisites;
import static io.jstate.states.formulas.Formulas.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jstate.states.engine.Plan;
import io.jstate.states.kinds.cmd.CmdRun;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.ini.IniOptionsPresent;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.lang.Compiled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoneFormulaTest {

    static final List<String> FERNET = List.of("xHB1r-o_vx30s4SMYSe2lTPOqbv1xIeSVeNzc_ju3mc=", "CirhJGe1yPtFXZ-kPJgwFrTtlz4ASujik1dNjCugrso=",
            "WFb0-4_ZVVq4TF2hy3-2MFP35SN9xbC37TzqL60el1c=");
    static final List<String> CREDENTIAL = List.of("84-jlCvjl5v7ytYHMYqRKdCTA91DbVCU-UomBtAW2kM=", "t3C6S6Hop0qVS3MnEWsVy75otThOtrsKvxQwCtum5mY=");
    static final String ADMIN_PASSWORD = "ksAdminLab7e41c9b2";

    @TempDir
    Path dir;

    @Test
    void everyControllerGetsThePackageTheSameConfigAndKeysAndServesOnItsOwnAddress() {
        Compiled c = compile("ctl2", "keystone");
        Plan plan = c.plan();
        assertEquals("keystone-token-script keystone-fernet-keys-valid keystone-default keystone-pkg keystone-conf keystone-fernet-dir keystone-credential-dir"
                + " keystone-fernet-key-2 keystone-fernet-key-1 keystone-fernet-key-0 keystone-credential-key-1 keystone-credential-key-0"
                + " keystone-fernet-keys-only keystone-credential-keys-only keystone-admin-openrc keystone-service keystone-conf-loaded keystone-listening", ids(plan));

        // The package does not start Keystone with its own configuration (an empty SQLite database).
        PkgInstalled.Spec pkg = spec(plan, "keystone-pkg", PkgInstalled.Spec.class);
        assertEquals(List.of("keystone", "python3-openstackclient"), pkg.pkgs());
        assertTrue(pkg.noStart());

        // uwsgi on this node's address only: HAProxy binds the VIP on every controller.
        String dflt = rendered(c, "keystone-default");
        assertTrue(dflt.contains("DAEMON_ARGS=\"--ini /etc/keystone/keystone-uwsgi.ini --http-socket 10.77.0.12:5000 --processes 2 --threads 8\"\n"),
                dflt);

        Map<String, Map<String, Object>> s = spec(plan, "keystone-conf", IniOptionsPresent.Spec.class).sections();
        assertEquals("mysql+pymysql://keystone:" + OpenstackFormulaTest.DB_PASSWORDS.get("keystone") + "@10.77.0.100/keystone",
                s.get("database").get("connection"));
        assertEquals(OpenstackFormulaTest.MEMCACHED, s.get("cache").get("memcache_servers"));
        assertEquals(OpenstackFormulaTest.TRANSPORT_URL, s.get("DEFAULT").get("transport_url"));
        assertEquals(OpenstackFormulaTest.OSLO_MESSAGING_RABBIT, s.get("oslo_messaging_rabbit"));
        assertEquals(Map.of("provider", "fernet"), s.get("token"));
        assertEquals(Map.of("key_repository", "/etc/keystone/fernet-keys/", "max_active_keys", 3), s.get("fernet_tokens"));
        assertEquals(Map.of("key_repository", "/etc/keystone/credential-keys/"), s.get("credential"));
        assertEquals("0640", spec(plan, "keystone-conf", IniOptionsPresent.Spec.class).mode());

        for (int i = 0; i < FERNET.size(); i++) {
            FileManaged.Spec key = spec(plan, "keystone-fernet-key-" + i, FileManaged.Spec.class);
            assertEquals("/etc/keystone/fernet-keys/" + i, key.name());
            assertEquals(FERNET.get(i), key.contents());
            assertEquals("0600", key.mode());
            assertEquals("keystone", key.user());
        }
        for (int i = 0; i < CREDENTIAL.size(); i++) {
            assertEquals(CREDENTIAL.get(i), spec(plan, "keystone-credential-key-" + i, FileManaged.Spec.class).contents());
        }
        assertTrue(plan.secrets().values().containsAll(FERNET), "the Fernet keys are secrets");
        assertTrue(plan.secrets().values().containsAll(CREDENTIAL), "the credential keys are secrets");

        CmdRun.Spec only = spec(plan, "keystone-fernet-keys-only", CmdRun.Spec.class);
        assertEquals("find /etc/keystone/fernet-keys -mindepth 1 -maxdepth 1 ! -name 2 ! -name 1 ! -name 0 -print -delete", only.name());
        assertEquals(List.of("require:keystone-conf", "require:keystone-default", "require:keystone-fernet-keys-only",
                "require:keystone-credential-keys-only"), requisites(plan, "keystone-service"));
    }

    /** A backend whose Keystone runs elsewhere: with keystone.enabled false the formula holds nothing, nor does HAProxy's config. */
    @Test
    void withKeystoneDisabledNothingOfKeystoneIsDeployed() throws Exception {
        Path pillar = Formulas.twoNodePillarWith(dir, "keystone.sls", "  enabled: true\n", "  enabled: false\n");
        for (String sls : List.of("keystone", "keystone.db", "keystone.health", "keystone.token")) {
            assertEquals("", ids(compile(pillar, "ctl1", sls).plan()), sls);
        }
        Compiled haproxy = compile(pillar, "ctl1", "haproxy");
        assertFalse(rendered(haproxy, "haproxy-conf").contains("listen keystone"), rendered(haproxy, "haproxy-conf"));
        assertTrue(rendered(compile("ctl1", "haproxy"), "haproxy-conf").contains("listen keystone"), "with it, HAProxy serves Keystone");
    }

    /**
     * A pillar whose Fernet keys lack the staged key 0 or a primary is refused before any key file is
     * touched: the guard, run for real, passes the lab's set and fails the broken ones.
     */
    @Test
    void aKeySetWithoutTheStagedKeyOrAPrimaryIsRefusedBeforeAnyKeyIsTouched() throws Exception {
        Plan plan = compile("ctl1", "keystone").plan();
        CmdRun.Spec valid = spec(plan, "keystone-fernet-keys-valid", CmdRun.Spec.class);
        assertEquals(0, Formulas.sh(valid.unless().get(0)), "the lab's keys 0, 1, 2");
        assertTrue(valid.name().startsWith("echo \"pillar keystone.fernet_keys lists index(es) [ 2 1 0 ]; it needs index 0"), valid.name());
        assertEquals(1, Formulas.sh(valid.name()));
        for (String broken : List.of("set -- 1 2", "set -- 0", "set --")) {
            assertEquals(1, Formulas.sh(valid.unless().get(0).replaceFirst("^set -- 2 1 0", broken)), broken);
        }
        assertTrue(requisites(plan, "keystone-fernet-keys-only").contains("require:keystone-fernet-keys-valid"));
        assertTrue(requisites(plan, "keystone-fernet-key-0").contains("require:keystone-fernet-keys-valid"));
    }

    /** The guard of keystone-fernet-keys-only, run for real: it finds exactly the files the pillar does not name. */
    @Test
    void aKeyTheRotationDroppedGoesAndTheOthersStay() throws Exception {
        CmdRun.Spec only = spec(compile("ctl1", "keystone").plan(), "keystone-fernet-keys-only", CmdRun.Spec.class);
        Path keys = Files.createDirectories(dir.resolve("fernet-keys"));
        String command = only.name().replace("/etc/keystone/fernet-keys", keys.toString());
        String guard = only.unless().get(0).replace("/etc/keystone/fernet-keys", keys.toString());
        for (String k : List.of("0", "1", "2")) Files.writeString(keys.resolve(k), "k" + k);
        assertEquals(0, Formulas.sh(guard), "the pillar's keys only: nothing to do");
        Files.writeString(keys.resolve("3"), "old");
        Files.writeString(keys.resolve("10"), "old");
        assertEquals(1, Formulas.sh(guard), "keys the pillar does not name: to be removed");
        assertEquals(0, Formulas.sh(command));
        assertEquals(List.of("0", "1", "2"), Files.list(keys).map(p -> p.getFileName().toString()).sorted().toList());
        assertEquals(0, Formulas.sh(guard));
    }

    @Test
    void theSchemaAndBootstrapRunOnceAndTheAdminPasswordNeverInArgv() {
        Plan plan = compile("ctl1", "keystone.db").plan();
        assertEquals("keystone-token-script keystone-db-sync keystone-bootstrap", ids(plan));
        CmdRun.Spec sync = spec(plan, "keystone-db-sync", CmdRun.Spec.class);
        assertEquals("keystone-manage db_sync", sync.name());
        assertEquals("keystone", sync.runas());
        assertEquals(List.of("keystone-manage db_sync --check"), sync.unless());

        CmdRun.Spec boot = spec(plan, "keystone-bootstrap", CmdRun.Spec.class);
        String url = "http://10.77.0.100:5000/v3/";
        assertEquals("keystone-manage bootstrap --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin"
                + " --bootstrap-service-name keystone --bootstrap-region-id RegionOne --bootstrap-admin-url " + url
                + " --bootstrap-internal-url " + url + " --bootstrap-public-url " + url, boot.name());
        assertEquals(ADMIN_PASSWORD, boot.env().get("OS_BOOTSTRAP_PASSWORD"));
        assertEquals(ADMIN_PASSWORD, boot.env().get("OS_PASSWORD"));
        assertFalse(boot.name().contains(ADMIN_PASSWORD));
        assertEquals(List.of("/usr/local/sbin/keystone-token http://10.77.0.11:5000/v3 --endpoint " + url + " --region RegionOne"), boot.unless());
        assertEquals(List.of("require:keystone-db-sync", "require:keystone-token-script"), requisites(plan, "keystone-bootstrap"));
        assertTrue(plan.secrets().values().contains(ADMIN_PASSWORD), "the admin password is a secret");
    }

    // ---- keystone-keys: the pillar's keys, made and rotated ----

    /**
     * A rotation on a copy of the lab pillar: the staged key becomes the primary one index above
     * the last, a new staged key takes 0, the oldest secondary goes (max_active_keys 3), nothing
     * else of the file changes, and the formula compiles the result into exactly those key files.
     */
    @Test
    void aRotationPromotesTheStagedKeyAndDropsTheOldestAndTheFormulaFollows() throws Exception {
        Path pillar = Formulas.twoNodePillar(dir);
        Path file = pillar.resolve("keystone.sls");
        String before = Files.readString(file);
        Ran r = keys("rotate", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("keystone-keys: " + file + ": Fernet keys now 0, 2, 3 (primary 3, staged 0)\n", r.out());
        Plan plan = compile(pillar, "ctl1", "keystone").plan();
        assertTrue(ids(plan).contains(" keystone-fernet-key-3 keystone-fernet-key-2 keystone-fernet-key-0 keystone-credential-key-1 "), ids(plan));
        String staged = spec(plan, "keystone-fernet-key-0", FileManaged.Spec.class).contents();
        assertEquals(FERNET.get(0), spec(plan, "keystone-fernet-key-3", FileManaged.Spec.class).contents(), "the staged key is the primary");
        assertEquals(FERNET.get(2), spec(plan, "keystone-fernet-key-2", FileManaged.Spec.class).contents(), "the old primary stays");
        assertFalse(FERNET.contains(staged), "a new staged key");
        assertEquals(32, java.util.Base64.getUrlDecoder().decode(staged).length);
        assertTrue(plan.secrets().values().contains(staged), "the new key is a secret too");
        assertEquals("find /etc/keystone/fernet-keys -mindepth 1 -maxdepth 1 ! -name 3 ! -name 2 ! -name 0 -print -delete",
                spec(plan, "keystone-fernet-keys-only", CmdRun.Spec.class).name());
        String after = Files.readString(file);
        assertEquals(strip(before), strip(after), "only the Fernet keys changed");

        assertEquals(0, keys("rotate", file.toString()).exit());
        plan = compile(pillar, "ctl1", "keystone").plan();
        assertEquals(staged, spec(plan, "keystone-fernet-key-4", FileManaged.Spec.class).contents(), "the next rotation promotes it");
        assertEquals(FERNET.get(0), spec(plan, "keystone-fernet-key-3", FileManaged.Spec.class).contents());
        assertFalse(ids(plan).contains("keystone-fernet-key-2"), ids(plan));
    }

    /** The pillar file without its Fernet key list (from `fernet_keys:` to the comment of the credential keys). */
    private static String strip(String pillar) {
        String out = pillar.replaceFirst("(?s)  fernet_keys:\n.*?(?=  # The keys that encrypt credentials)", "");
        assertTrue(out.length() < pillar.length() - 200, "the Fernet keys were found in:\n" + pillar);
        return out;
    }

    @Test
    void aFileNotAsExpectedIsRefusedWithItsLineAndLeftAsItWas() throws Exception {
        Path file = dir.resolve("keystone.sls");
        String bad = "keystone:\n  fernet_keys:\n    - index: 0\n      key: !secret \"short\"\n    - index: 1\n      key: !secret \""
                + FERNET.get(1) + "\"\n";
        Files.writeString(file, bad);
        Ran r = keys("rotate", file.toString());
        assertEquals(1, r.exit());
        assertEquals("keystone-keys: " + file + ":4: the key of index 0 is not a Fernet key (32 bytes in url-safe base64)\n", r.err());
        assertEquals(bad, Files.readString(file));

        Files.writeString(file, "keystone:\n  fernet_keys:\n    - index: 1\n      key: !secret \"" + FERNET.get(1) + "\"\n"
                + "    - index: 2\n      key: !secret \"" + FERNET.get(2) + "\"\n");
        assertTrue(keys("rotate", file.toString()).err().contains(":2: no key with index 0 (the staged key) under fernet_keys"));
        Files.writeString(file, "keystone:\n  port: 5000\n");
        assertTrue(keys("rotate", file.toString()).err().contains(file + ": no `fernet_keys:` list"));
        assertEquals(2, keys("rotate", file.toString(), "--max", "2").exit(), "fewer than 3 keys would drop the primary");
        assertEquals(2, keys("spin").exit());
        try (var left = Files.list(dir)) {
            assertEquals(List.of("keystone.sls"), left.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    /** Anything but entries inside the list (here a comment) is refused with its line, the file untouched: never a half-read list. */
    @Test
    void aLineInsideTheListThatIsNoEntryIsRefusedAndTheFileKept() throws Exception {
        Path file = dir.resolve("keystone.sls");
        String lab = Files.readString(Formulas.LAB_PILLAR.resolve("keystone.sls"));
        int line = (int) lab.substring(0, lab.indexOf("    - index: 1\n")).lines().count() + 1;
        for (String odd : List.of("    # the old primary\n", "\n", "      note: x\n")) {
            String text = lab.replace("    - index: 1\n", odd + "    - index: 1\n");
            Files.writeString(file, text);
            Ran r = keys("rotate", file.toString());
            assertEquals(1, r.exit(), odd + r.out());
            assertTrue(r.err().startsWith("keystone-keys: " + file + ":" + line + ": inside fernet_keys, want only `- index: N` entries"), r.err());
            assertEquals(text, Files.readString(file), "unchanged");
        }
    }

    /** A symlinked pillar file: the file it names is rotated, the link stays, and CRLF line endings stay CRLF. */
    @Test
    void theFileASymlinkNamesIsRotatedKeepingItsLineEndings() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real")).resolve("keystone.sls");
        String crlf = Files.readString(Formulas.LAB_PILLAR.resolve("keystone.sls")).replace("\n", "\r\n");
        Files.writeString(real, crlf);
        Path link = Files.createDirectories(dir.resolve("pillar")).resolve("keystone.sls");
        Files.createSymbolicLink(link, real);
        Ran r = keys("rotate", link.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        String after = Files.readString(real);
        assertTrue(after.contains("    - index: 3\r\n      key: !secret \"" + FERNET.get(0) + "\"\r\n"), after);
        assertEquals(after.split("\n", -1).length - 1, after.split("\r\n", -1).length - 1, "every line ends in CRLF");
        assertEquals(strip(crlf.replace("\r\n", "\n")), strip(after.replace("\r\n", "\n")), "only the Fernet keys changed");
    }

    /** Rotations of one file at the same time wait for each other: four of them rotate four times. */
    @Test
    void rotationsAtTheSameTimeAreEachApplied() throws Exception {
        Path file = dir.resolve("keystone.sls");
        Files.copy(Formulas.LAB_PILLAR.resolve("keystone.sls"), file);
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(new ProcessBuilder("python3", Formulas.STATES.resolve("keystone/keystone-keys").toString(), "rotate", file.toString(), "--max", "9")
                    .redirectErrorStream(true).start());
        }
        for (Process p : ps) {
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
        String after = Files.readString(file);
        for (int i = 6; i >= 0; i--) assertTrue(after.contains("    - index: " + i + "\n"), "index " + i + " in:\n" + after);
        assertFalse(after.contains("    - index: 7\n"), after);
    }

    @Test
    void newKeysAreFernetKeysInThePillarsLayout() throws Exception {
        Ran r = keys("new");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("  fernet_keys:", lines.get(0));
        assertEquals("  credential_keys:", lines.get(7));
        assertEquals(12, lines.size());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String l : lines) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^      key: !secret \"(.+)\"$").matcher(l);
            if (m.matches()) {
                assertEquals(32, java.util.Base64.getUrlDecoder().decode(m.group(1)).length, l);
                assertTrue(seen.add(m.group(1)), "every key differs");
            }
        }
        assertEquals(5, seen.size());
    }

    private static Ran keys(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("python3", Formulas.STATES.resolve("keystone/keystone-keys").toString()));
        argv.addAll(List.of(args));
        return exec(argv, Map.of());
    }

    // ---- keystone-token, run against a small Keystone of this test ----

    @Test
    void theTokenCheckWantsAToken() throws Exception {
        AtomicReference<String> body = new AtomicReference<>();
        HttpServer ks = keystone(201, catalog("http://10.77.0.100:5000/v3/", "RegionOne"), body);
        try {
            String url = "http://127.0.0.1:" + ks.getAddress().getPort() + "/v3";
            assertEquals(0, token(url).exit(), "a token");
            assertTrue(body.get().contains("\"password\": \"pw-in-env\""), body.get());
            assertTrue(body.get().contains("\"project\": {\"name\": \"admin\""), body.get());
            assertEquals(0, token(url, "--endpoint", "http://10.77.0.100:5000/v3/", "--region", "RegionOne").exit(), "the endpoints at the VIP");
            Ran wrong = token(url, "--endpoint", "http://10.77.0.11:5000/v3/", "--region", "RegionOne");
            assertEquals(1, wrong.exit());
            assertTrue(wrong.err().contains("the identity endpoints in RegionOne are not http://10.77.0.11:5000/v3/"), wrong.err());
            assertEquals(1, token(url, "--endpoint", "http://10.77.0.100:5000/v3/", "--region", "RegionTwo").exit(), "another region");
            assertFalse(wrong.out().contains("pw-in-env") || wrong.err().contains("pw-in-env"), "the password is never printed");
        } finally {
            ks.stop(0);
        }
    }

    @Test
    void aRefusedPasswordOrNoKeystoneIsAFailureWithItsReason() throws Exception {
        HttpServer ks = keystone(401, "{\"error\": {\"code\": 401}}", new AtomicReference<>());
        String url = "http://127.0.0.1:" + ks.getAddress().getPort() + "/v3";
        try {
            Ran r = token(url);
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("answered HTTP 401"), r.err());
        } finally {
            ks.stop(0);
        }
        Ran gone = token(url);
        assertEquals(1, gone.exit(), "nothing listens any more");
        assertTrue(gone.err().startsWith("keystone-token: " + url + "/auth/tokens: "), gone.err());
        Ran usage = run(Map.of(), "http://127.0.0.1:1/v3");
        assertEquals(2, usage.exit());
        assertTrue(usage.err().contains("not set in the environment: OS_USERNAME, OS_PROJECT_NAME, OS_PASSWORD"), usage.err());
        assertEquals(2, run(env(), "http://127.0.0.1:1/v3", "--endpoint", "x").exit());
    }

    /** The password goes to Keystone only: not to a proxy of the environment, nor along a redirect. */
    @Test
    void theTokenCheckUsesNoProxyAndFollowsNoRedirect() throws Exception {
        AtomicReference<String> proxied = new AtomicReference<>();
        HttpServer proxy = keystone(201, catalog("http://10.77.0.100:5000/v3/", "RegionOne"), proxied);
        proxy.createContext("/", ex -> {
            proxied.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(502, -1);
            ex.close();
        });
        HttpServer moved = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        moved.createContext("/v3/auth/tokens", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + proxy.getAddress().getPort() + "/v3/auth/tokens");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        moved.start();
        try {
            Map<String, String> env = new HashMap<>(env());
            env.put("http_proxy", "http://127.0.0.1:" + proxy.getAddress().getPort() + "/");
            env.put("HTTP_PROXY", env.get("http_proxy"));
            Ran direct = run(env, "http://127.0.0.1:1/v3");
            assertEquals(1, direct.exit(), "nothing listens on port 1; the proxy must not answer for it");
            assertEquals(null, proxied.get(), "nothing went to the proxy");
            Ran redirected = run(env(), "http://127.0.0.1:" + moved.getAddress().getPort() + "/v3");
            assertEquals(1, redirected.exit(), redirected.err());
            assertTrue(redirected.err().contains("answered HTTP 302"), redirected.err());
            assertEquals(null, proxied.get(), "the redirect was not followed with the password");
        } finally {
            moved.stop(0);
            proxy.stop(0);
        }
        HttpServer odd = keystone(201, "[]", new AtomicReference<>());
        try {
            Ran r = token("http://127.0.0.1:" + odd.getAddress().getPort() + "/v3");
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("answered 201 without a token"), r.err());
        } finally {
            odd.stop(0);
        }
    }

    private static String catalog(String url, String region) {
        StringBuilder eps = new StringBuilder();
        for (String i : List.of("public", "internal", "admin")) {
            if (eps.length() > 0) eps.append(", ");
            eps.append("{\"interface\": \"").append(i).append("\", \"region_id\": \"").append(region).append("\", \"url\": \"").append(url).append("\"}");
        }
        return "{\"token\": {\"catalog\": [{\"type\": \"identity\", \"endpoints\": [" + eps + "]}]}}";
    }

    private static HttpServer keystone(int status, String answer, AtomicReference<String> body) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/v3/auth/tokens", ex -> {
            body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        s.start();
        return s;
    }

    record Ran(int exit, String out, String err) {}

    private static Map<String, String> env() {
        return Map.of("OS_USERNAME", "admin", "OS_PROJECT_NAME", "admin", "OS_PASSWORD", "pw-in-env");
    }

    private static Ran token(String... args) throws Exception {
        return run(env(), args);
    }

    private static Ran run(Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("python3", Formulas.STATES.resolve("keystone/keystone-token.py").toString()));
        argv.addAll(List.of(args));
        return exec(argv, env);
    }

    private static Ran exec(List<String> argv, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("OS_"));
        e.putAll(new HashMap<>(env));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keystone-token ended");
        return new Ran(p.exitValue(), out, err);
    }

}
