package io.jstate.master.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.jstate.master.FakeMinion;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.master.TlsClients;
import io.jstate.master.pki.Pem;
import io.jstate.master.pki.Pki;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.Failed;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import io.jstate.common.auth.PasswordHash;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard over real HTTPS: who gets in (a login, the admin certificate; not anonymous users,
 * not a minion's certificate), the cookie, the headers, the read-only methods, /metrics, escaping,
 * and the health page gathering values through the job path from a minion that answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebServerTest {
    static final String PASSWORD = "correct horse battery";
    static final String TOKEN = "0123456789abcdef0123456789abcdef";

    TestMaster tm;
    Master master;
    Vertx vertx;
    WebServer web;
    String base;
    ManagedChannel channel;
    FakeMinion minion;
    FakeMinion.Stream stream;
    Thread answering;
    String jid;

    @BeforeAll
    void start() throws Exception {
        tm = new TestMaster("enrollment: {token: tok}\n");
        master = tm.start();
        Files.writeString(tm.root.resolve("web-users"), "# operators\nalice:" + PasswordHash.hash(PASSWORD.toCharArray()) + "\n");
        Files.writeString(tm.root.resolve("metrics-token"), TOKEN + "\n");
        vertx = Vertx.vertx();
        web = new WebServer(vertx, master, Clock.systemUTC(), master.metrics()::scrape);
        base = "https://127.0.0.1:" + web.start();
        channel = tm.channel();
        minion = new FakeMinion("web1");
        assertEquals(EnrollReply.Status.ACCEPTED, minion.enroll(channel, "tok").getStatus());
        stream = minion.connect(channel, "{\"roles\":[\"controller\"],\"os\":\"Debian\",\"osrelease\":\"12\",\"note\":\"<script>alert(1)</script>\"}");
        answering = new Thread(this::answerJobs, "fake-minion-answers");
        answering.setDaemon(true);
        answering.start();
        for (int i = 0; i < 100 && !master.connections().connected("web1"); i++) Thread.sleep(20);
        jid = storedJob();
    }

    @AfterAll
    void stop() throws Exception {
        if (answering != null) answering.interrupt();
        if (web != null) web.close();
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (channel != null) channel.shutdownNow();
        tm.close();
    }

    /** Answers the health page's function jobs as a controller with Galera, RabbitMQ and memcached but no HAProxy would. */
    private void answerJobs() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                MasterMessage m = stream.next(60_000);
                if (m == null || !m.hasJob()) continue;
                Job job = Job.parseFrom(m.getJob().getJob());
                String json = switch (job.getFunction().getName()) {
                    case "galera.facts" -> "{\"running\":true,\"wsrep_local_state_comment\":\"Synced\",\"wsrep_cluster_status\":\"Primary\","
                            + "\"wsrep_cluster_size\":3,\"wsrep_ready\":\"ON\"}";
                    case "rabbitmq.status" -> "{\"installed\":true,\"running\":true,\"running_nodes\":[\"rabbit@web1\",\"rabbit@<b>x</b>\"],"
                            + "\"partitions\":[],\"alarms\":[]}";
                    case "memcached.stats" -> "{\"installed\":true,\"running\":true,\"instances\":[{\"address\":\"127.0.0.1:11211\","
                            + "\"reachable\":true,\"uptime\":99,\"curr_connections\":4,\"version\":\"1.6.18\"}]}";
                    default -> "{\"installed\":false,\"error\":\"haproxy is not installed\"}";
                };
                stream.send(MinionMessage.newBuilder().setResult(JobResult.newBuilder().setJid(job.getJid()).setMinionId("web1")
                        .setFunction(FunctionReturn.newBuilder().setSuccess(true).setValue(FakeMinion.value(json)))).build());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A finished apply in the job store whose results carry markup, as a hostile file or command output could. */
    private String storedJob() {
        String id = "20260301100000000001";
        master.store().create(JobRecord.newBuilder().setJid(id).setStartedUnixMs(1_772_359_200_000L).addMinions("web1")
                .setRequest(JobRequest.newBuilder().setTarget("web*").setApply(ApplyRequest.newBuilder().addTargets("motd"))).build());
        StateResult changed = StateResult.newBuilder().setId("motd").setKind("file.managed").setName("/etc/motd").setDurationUs(1500)
                .setChanged(Changed.newBuilder().setComment("written").addChanges(Change.newBuilder().setAttribute("content")
                        .setDiff("--- /etc/motd\n+++ /etc/motd\n@@ -1 +1 @@\n-old\n+<img src=x onerror=alert(1)>\n"))).build();
        StateResult failed = StateResult.newBuilder().setId("svc").setKind("service.running").setDurationUs(2_000_000)
                .setFailed(Failed.newBuilder().setError("exit 1: <script>boom</script>")).build();
        master.store().saveResult(JobResult.newBuilder().setJid(id).setMinionId("web1")
                .setReport(RunReport.newBuilder().addStates(changed).addStates(failed).setDurationUs(2_001_500)).build());
        master.store().finish(id, 1_772_359_201_000L);
        return id;
    }

    // ---- clients ----

    HttpClient client(X509Certificate cert, PrivateKey key) throws Exception {
        return TlsClients.client(master.pki().ca(), cert, key);
    }

    HttpResponse<String> get(HttpClient c, String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) b.header("Cookie", cookie);
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(HttpClient c, String user, String password) throws Exception {
        return login(c, base, user, password);
    }

    HttpResponse<String> login(HttpClient c, String base, String user, String password) throws Exception {
        String form = "username=" + java.net.URLEncoder.encode(user, "UTF-8") + "&password=" + java.net.URLEncoder.encode(password, "UTF-8");
        return c.send(HttpRequest.newBuilder(URI.create(base + "/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String cookie(HttpResponse<?> r) {
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    // ---- tests ----

    @Test
    void anonymousRequestsReachOnlyTheLoginPage() throws Exception {
        HttpClient anon = client(null, null);
        for (String path : List.of("/", "/minions", "/minions/web1", "/jobs", "/jobs/" + jid, "/health", "/nothing-here", "/static/../minions")) {
            HttpResponse<String> r = get(anon, path, null);
            assertEquals(303, r.statusCode(), path);
            assertEquals("/login", r.headers().firstValue("Location").orElse(null), path);
            assertFalse(r.body().contains("web1"), path);
        }
        assertEquals(401, get(anon, "/metrics", null).statusCode());
        assertEquals(303, get(anon, "/minions", WebServer.COOKIE + "=" + "A".repeat(43)).statusCode());
        HttpResponse<String> page = get(anon, "/login", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<form method=\"post\" action=\"/login\""));
        assertEquals(WebServer.CSP, page.headers().firstValue("Content-Security-Policy").orElse(null));
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals(200, get(anon, "/static/style.css", null).statusCode());
        // Read-only: no other method anywhere, logged in or not.
        for (String method : List.of("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")) {
            HttpResponse<String> r = anon.send(HttpRequest.newBuilder(URI.create(base + "/minions")).method(method, HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, r.statusCode(), method);
        }
        HttpResponse<String> post = anon.send(HttpRequest.newBuilder(URI.create(base + "/jobs")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void aLoginGivesAStrictCookieAndLogoutEndsIt() throws Exception {
        HttpClient anon = client(null, null);
        HttpResponse<String> wrong = login(anon, "alice", "not it");
        HttpResponse<String> nobody = login(anon, "mallory", "not it");
        assertEquals(401, wrong.statusCode());
        assertEquals(401, nobody.statusCode());
        assertTrue(wrong.body().contains("Wrong user name or password."));
        // The same answer for a wrong password and an unknown user: nothing tells which names exist.
        assertEquals(wrong.body(), nobody.body());
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());

        HttpResponse<String> ok = login(anon, "alice", PASSWORD);
        assertEquals(303, ok.statusCode());
        assertEquals("/minions", ok.headers().firstValue("Location").orElse(null));
        String set = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(set.startsWith(WebServer.COOKIE + "="), set);
        for (String flag : List.of("path=/", "httponly", "secure", "samesite=strict")) assertTrue(set.toLowerCase(java.util.Locale.ROOT).contains(flag), set);
        String cookie = cookie(ok);
        assertEquals(43, cookie.length() - WebServer.COOKIE.length() - 1, "256 random bits, base64url");

        HttpResponse<String> minions = get(anon, "/minions", cookie);
        assertEquals(200, minions.statusCode());
        assertTrue(minions.body().contains(">web1</a>"));
        assertTrue(minions.body().contains("connected"));
        assertTrue(minions.body().contains("alice"));

        // A cross-site logout is refused; a same-site one ends the session.
        HttpResponse<String> forged = anon.send(HttpRequest.newBuilder(URI.create(base + "/logout")).header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode());
        assertEquals(200, get(anon, "/minions", cookie).statusCode());
        HttpResponse<String> out = anon.send(HttpRequest.newBuilder(URI.create(base + "/logout")).header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, out.statusCode());
        assertEquals(303, get(anon, "/minions", cookie).statusCode());
    }

    @Test
    void theAdminCertificateOpensTheDashboardAndAMinionCertificateDoesNot() throws Exception {
        HttpClient admin = client(master.pki().admin(), Pem.readPrivateKey(master.pki().adminKey(), "EC"));
        HttpResponse<String> r = get(admin, "/minions", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("admin certificate"));
        assertEquals(200, get(admin, "/minions/web1", null).statusCode());
        HttpResponse<String> metrics = get(admin, "/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("jstate_minions_connected 1"), metrics.body());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));

        var pair = Pki.ecKeyPair();
        HttpClient asMinion = client(master.pki().issueMinion("web1", pair.getPublic()), pair.getPrivate());
        HttpResponse<String> refused = get(asMinion, "/minions", null);
        assertEquals(303, refused.statusCode());
        assertEquals(401, get(asMinion, "/metrics", null).statusCode());
    }

    @Test
    void metricsTakeTheBearerTokenComparedExactly() throws Exception {
        HttpClient anon = client(null, null);
        for (String auth : List.of("Bearer " + TOKEN.substring(1), "Bearer " + TOKEN + "x", "Basic " + TOKEN, "Bearer ")) {
            HttpResponse<String> r = anon.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", auth).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), auth);
            assertEquals("Bearer realm=\"jstate\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
        }
        HttpResponse<String> ok = anon.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("jstate_minions_connected"));
        // The token opens /metrics only.
        assertEquals(303, anon.send(HttpRequest.newBuilder(URI.create(base + "/minions")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void everyValueIsEscaped() throws Exception {
        HttpClient admin = client(master.pki().admin(), Pem.readPrivateKey(master.pki().adminKey(), "EC"));
        String job = get(admin, "/jobs/" + jid, null).body();
        assertTrue(job.contains("&lt;img src=x onerror=alert(1)&gt;"), job);
        assertTrue(job.contains("exit 1: &lt;script&gt;boom&lt;/script&gt;"));
        assertFalse(job.contains("<img src=x"));
        assertFalse(job.contains("<script>"));
        assertTrue(job.contains("file.managed") && job.contains("service.running") && job.contains("2.0 s"));
        String grains = get(admin, "/minions/web1", null).body();
        assertTrue(grains.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertFalse(grains.contains("<script>"));
        assertTrue(get(admin, "/jobs", null).body().contains("apply motd"));
        assertEquals(404, get(admin, "/jobs/not-a-jid", null).statusCode());
        assertEquals(404, get(admin, "/minions/nobody", null).statusCode());
    }

    @Test
    void theHealthPageShowsLiveValuesGatheredByJobs() throws Exception {
        HttpClient admin = client(master.pki().admin(), Pem.readPrivateKey(master.pki().adminKey(), "EC"));
        HttpResponse<String> r = get(admin, "/health", null);
        assertEquals(200, r.statusCode());
        String page = r.body();
        assertTrue(page.contains("1 of 1 node(s) Synced."), page);
        assertTrue(page.contains("class=\"galera-size num\">3<"), page);
        assertTrue(page.contains("<span class=\"count\">2</span> rabbit@web1, rabbit@&lt;b&gt;x&lt;/b&gt;"), page);
        assertTrue(page.contains("127.0.0.1:11211"), page);
        assertTrue(page.contains("Not installed on: web1"), page);
        assertFalse(page.contains("Did not answer"), page);
        // The values came through the job path and are recorded as jobs.
        assertTrue(master.store().list(10).stream().anyMatch(j -> j.getRequest().getFunction().getName().equals("haproxy.stats")));
        assertNotNull(r.headers().firstValue("Content-Security-Policy").orElse(null));
    }

    @Test
    void failedLoginsAreLimitedPerAddress() throws Exception {
        // A limiter of its own with a manual clock: the server's would lock this test's address out of the other tests.
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(0);
        LoginLimiter l = new LoginLimiter(3, 60_000, now::get);
        for (int i = 0; i < 3; i++) assertEquals(0, l.reserve("10.0.0.1"));
        assertEquals(60, l.reserve("10.0.0.1"));
        assertEquals(0, l.reserve("10.0.0.2"));
        l.succeeded("10.0.0.2");
        now.set(60_000);
        assertEquals(0, l.reserve("10.0.0.1"), "the window has passed");

        // And the server's: a listener of its own, so that its lockout of 127.0.0.1 touches no other test.
        WebServer other = new WebServer(vertx, master, Clock.systemUTC(), null);
        try {
            String at = "https://127.0.0.1:" + other.start();
            HttpClient anon = client(null, null);
            for (int i = 0; i < 5; i++) assertEquals(401, login(anon, at, "alice", "guess " + i).statusCode());
            HttpResponse<String> locked = login(anon, at, "alice", PASSWORD);
            assertEquals(429, locked.statusCode());
            assertTrue(locked.body().contains("Too many failed logins"), locked.body());
            assertTrue(Integer.parseInt(locked.headers().firstValue("Retry-After").orElseThrow()) > 0);
            assertTrue(locked.headers().firstValue("Set-Cookie").isEmpty());
        } finally {
            other.close();
        }
    }

    @Test
    void parallelLoginsGetNoMoreThanFivePasswordChecks() throws Exception {
        // Each client makes its own TLS handshake; the server drops one that takes over 10 s, which 50 at once
        // could on a loaded 2-core machine. Twenty still race well past the limit of five.
        int clients = 20;
        WebServer other = new WebServer(vertx, master, Clock.systemUTC(), null);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            String at = "https://127.0.0.1:" + other.start();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String password = i == clients - 1 ? PASSWORD : "guess " + i;
                HttpClient own = client(null, null);
                answers.add(pool.submit(() -> {
                    go.await();
                    return login(own, at, "alice", password).statusCode();
                }));
            }
            go.countDown();
            Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
            for (var a : answers) byStatus.merge(a.get(60, TimeUnit.SECONDS), 1, Integer::sum);
            // The right password may have been among the first checked; it then takes no wrong guess's place.
            int right = byStatus.getOrDefault(303, 0);
            assertTrue(other.passwordChecks.get() <= 5 + right, other.passwordChecks.get() + " password checks; answers " + byStatus);
            assertTrue(byStatus.getOrDefault(401, 0) <= 5, "answers " + byStatus);
            assertTrue(byStatus.getOrDefault(429, 0) >= clients - 6, "answers " + byStatus);
            long checks = other.passwordChecks.get();
            HttpResponse<String> after = login(client(null, null), at, "alice", PASSWORD);
            if (byStatus.getOrDefault(401, 0) == 5) {
                assertEquals(429, after.statusCode(), "the right password while locked; answers " + byStatus);
                assertEquals(checks, other.passwordChecks.get(), "no password is checked while locked");
            } else {
                // The right password was checked early and gave its attempt back after every other guess
                // had been refused: fewer than five failures stand, so one more check is allowed, and only one.
                assertEquals(1, right, "answers " + byStatus);
                assertEquals(303, after.statusCode(), "answers " + byStatus);
                assertEquals(checks + 1, other.passwordChecks.get());
            }
        } finally {
            pool.shutdownNow();
            other.close();
        }
    }
}
