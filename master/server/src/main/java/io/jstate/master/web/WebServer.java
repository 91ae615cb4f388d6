package io.jstate.master.web;

import io.jstate.common.net.HostPort;
import io.jstate.master.Master;
import io.jstate.master.admin.AdminCertificate;
import io.jstate.common.config.MasterConfig;
import io.jstate.master.jobs.Jids;
import io.jstate.master.keys.Keys;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The master's read-only web dashboard, on its own HTTPS listener ({@code web.listen}), apart from the
 * admin API. TLS uses the master's server certificate and asks (does not require) a client
 * certificate from the master's CA: a request is let in when it comes with exactly the admin
 * certificate (the same check as the admin API, so a minion's certificate from the same CA opens
 * nothing), or with the cookie of an operator's login. Anonymous requests reach only the login page
 * and its stylesheet. Only GET is served, plus POST to /login and /logout.
 * /metrics takes the admin certificate or the bearer token in {@code web.metrics_token_file}.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebServer.class.getName());
    static final String COOKIE = "__Host-jstate-session";
    static final String CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final int MAX_FAILURES = 5;
    private static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final Master master;
    private final MasterConfig.Web config;
    private final Clock clock;
    private final Supplier<String> metrics;
    private final WebUsers users;
    private final Sessions sessions;
    private final LoginLimiter limiter;
    private final Pages pages;
    private final Health health;
    /**
     * How long the health page waits for the minions' probes. rabbitmq.status starts an Erlang VM on the
     * minion (rabbitmqctl), which takes 1-3 s on a quiet host and more than 4 s on a loaded one: a
     * shorter bound shows a busy, healthy broker as one that did not answer.
     */
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);
    private final String css;
    /** The login form without an error; rendering it here also compiles the templates at start. */
    private final String loginForm;
    private final AdminCertificate admin;
    private HttpServer server;
    /** How many passwords this listener has checked, for the test that the limiter bounds them under concurrency. */
    final AtomicLong passwordChecks = new AtomicLong();

    /**
     * @param metrics the Prometheus text for /metrics, or null when this master has none
     */
    public WebServer(Vertx vertx, Master master, Clock clock, Supplier<String> metrics) {
        this.vertx = vertx;
        this.master = master;
        this.config = master.config().web();
        this.clock = clock;
        this.metrics = metrics;
        this.users = new WebUsers(config.usersFile());
        this.sessions = new Sessions(config.sessionIdle(), config.sessionLifetime(), clock::millis);
        this.limiter = new LoginLimiter(MAX_FAILURES, FAILURE_WINDOW.toMillis(), clock::millis);
        this.pages = new Pages(master);
        this.health = new Health(master, HEALTH_TIMEOUT, Duration.ofSeconds(10), clock::millis);
        this.css = resource("/web/style.css");
        this.loginForm = loginPage(null);
        this.admin = new AdminCertificate(master.pki().admin());
    }

    /** Listens on the configured address; returns the port (the real one when the configuration asked for 0). */
    public synchronized int start() {
        HostPort l = config.listen();
        HttpServerOptions o = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(master.pki().serverCert().toString())
                        .setKeyPath(master.pki().serverKey().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(master.pki().caCert().toString()))
                .setClientAuth(ClientAuth.REQUEST).setHost(l.wildcard() ? "0.0.0.0" : l.host()).setPort(l.port())
                .setMaxFormAttributeSize(4096).setIdleTimeout(120).setIdleTimeoutUnit(TimeUnit.SECONDS);
        try {
            server = vertx.createHttpServer(o).requestHandler(router()).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("web dashboard: cannot listen on " + l + ": " + c.getMessage(), c);
        }
        LOG.info(() -> "web dashboard listening on https://" + new HostPort(l.host(), server.actualPort()) + "/");
        return server.actualPort();
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing the web listener", e);
            }
            server = null;
        }
    }

    // ---- routing ----

    /** Who made a request: the admin certificate, or a logged-in operator. */
    record Who(String name, Sessions.Session session) {}

    private Router router() {
        Router r = Router.router(vertx);
        r.route().handler(this::guard);
        r.get("/static/style.css").handler(ctx -> send(ctx, 200, "text/css; charset=utf-8", css));
        r.get("/login").handler(ctx -> {
            if (who(ctx).isPresent()) redirect(ctx, "/minions");
            else send(ctx, 200, "text/html; charset=utf-8", loginForm);
        });
        r.post("/login").handler(BodyHandler.create(false).setBodyLimit(4096)).blockingHandler(this::login, false);
        r.post("/logout").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::logout);
        r.get("/metrics").blockingHandler(this::metrics, false);
        // Everything below needs a login or the admin certificate.
        r.route().handler(ctx -> {
            Optional<Who> who = who(ctx);
            if (who.isEmpty()) {
                if (ctx.request().method() == HttpMethod.GET) redirect(ctx, "/login");
                else send(ctx, 401, "text/plain; charset=utf-8", "log in first\n");
                return;
            }
            ctx.put("who", who.get());
            ctx.next();
        });
        r.get("/").handler(ctx -> redirect(ctx, "/minions"));
        r.get("/minions").blockingHandler(ctx -> html(ctx, pages.minions(user(ctx), clock.millis())), false);
        r.get("/minions/:id").blockingHandler(ctx -> {
            String id = ctx.pathParam("id");
            html(ctx, Keys.validId(id) ? pages.minion(user(ctx), id, clock.millis()) : Optional.empty());
        }, false);
        r.get("/jobs").blockingHandler(ctx -> html(ctx, pages.jobs(user(ctx), 100)), false);
        r.get("/jobs/:jid").blockingHandler(ctx -> {
            String jid = ctx.pathParam("jid");
            html(ctx, Jids.valid(jid) ? pages.job(user(ctx), jid) : Optional.empty());
        }, false);
        r.get("/health").blockingHandler(ctx -> html(ctx, health.page(user(ctx), health.snapshot())), false);
        r.route().handler(ctx -> send(ctx, 404, "text/html; charset=utf-8", Html.message("Not found", user(ctx), "No such page.")));
        r.errorHandler(500, ctx -> {
            LOG.log(Level.WARNING, "web dashboard: " + ctx.request().path(), ctx.failure());
            send(ctx, 500, "text/plain; charset=utf-8", "internal error; the master's log says more\n");
        });
        return r;
    }

    /**
     * Runs first on every request: the security headers, and the method check that keeps the
     * dashboard read-only. A POST with an Origin that is not this server is refused (a login or
     * logout driven from another site); the session cookie is SameSite=Strict on top.
     */
    private void guard(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.putHeader("Content-Security-Policy", CSP).putHeader("X-Frame-Options", "DENY").putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Strict-Transport-Security", "max-age=31536000");
        HttpServerRequest req = ctx.request();
        HttpMethod m = req.method();
        String path = req.path();
        boolean post = m == HttpMethod.POST && (path.equals("/login") || path.equals("/logout"));
        if (!(m == HttpMethod.GET || post)) {
            res.putHeader("Allow", path.equals("/login") ? "GET, POST" : path.equals("/logout") ? "POST" : "GET");
            send(ctx, 405, "text/plain; charset=utf-8", "the dashboard is read-only\n");
            return;
        }
        if (post) {
            String origin = req.getHeader("Origin");
            String host = req.getHeader("Host");
            if (origin != null && !origin.equals("null") && (host == null || !origin.equals("https://" + host))) {
                send(ctx, 403, "text/plain; charset=utf-8", "cross-site request refused\n");
                return;
            }
        }
        ctx.next();
    }

    private Optional<Who> who(RoutingContext ctx) {
        if (admin.presentedIn(ctx.request().sslSession())) return Optional.of(new Who("admin certificate", null));
        Cookie c = ctx.request().getCookie(COOKIE);
        if (c == null) return Optional.empty();
        return sessions.find(c.getValue()).map(s -> new Who(s.user, s));
    }

    private static String user(RoutingContext ctx) {
        Who w = ctx.get("who");
        return w == null ? null : w.name();
    }

    private void login(RoutingContext ctx) {
        String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().host();
        long wait = limiter.reserve(address);
        if (wait > 0) {
            ctx.response().putHeader("Retry-After", String.valueOf(wait));
            send(ctx, 429, "text/html; charset=utf-8", loginPage("Too many failed logins from your address; try again in " + wait + " s."));
            return;
        }
        String name = ctx.request().getFormAttribute("username");
        String password = ctx.request().getFormAttribute("password");
        char[] pw = password == null ? new char[0] : password.toCharArray();
        passwordChecks.incrementAndGet();
        boolean ok = users.check(name, pw);
        Arrays.fill(pw, '\0');
        if (!ok) {
            LOG.info(() -> "web dashboard: failed login from " + address);
            // The same answer whether the name exists or not.
            send(ctx, 401, "text/html; charset=utf-8", loginPage("Wrong user name or password."));
            return;
        }
        limiter.succeeded(address);
        Sessions.Session s = sessions.open(name);
        LOG.info(() -> "web dashboard: " + name + " logged in from " + address);
        ctx.response().addCookie(sessionCookie(s.id, config.sessionLifetime().toSeconds()));
        redirect(ctx, "/minions");
    }

    static Cookie sessionCookie(String value, long maxAgeSeconds) {
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSecure(true).setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSeconds);
    }

    private void logout(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        if (c != null) sessions.close(c.getValue());
        ctx.response().addCookie(sessionCookie("", 0));
        redirect(ctx, "/login");
    }

    private void metrics(RoutingContext ctx) {
        if (metrics == null) {
            send(ctx, 404, "text/plain; charset=utf-8", "this master has no metrics\n");
            return;
        }
        if (!admin.presentedIn(ctx.request().sslSession()) && !bearerOk(ctx.request().getHeader("Authorization"))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"jstate\"");
            send(ctx, 401, "text/plain; charset=utf-8", "a bearer token or the admin certificate is required\n");
            return;
        }
        send(ctx, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
    }

    /** Compares the bearer token in constant time with the token file, read each time so a new token works at once. */
    boolean bearerOk(String header) {
        Path file = config.metricsTokenFile();
        if (file == null || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            LOG.warning(() -> "web dashboard: cannot read the metrics token file " + file + ": " + e.getMessage());
            return false;
        }
        if (token.length() < 16) {
            LOG.warning(() -> "web dashboard: the metrics token in " + file + " is shorter than 16 characters; refusing it");
            return false;
        }
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    // ---- answers ----

    private static String loginPage(String error) {
        return Html.page("Log in", "", null, Html.render("login", java.util.Collections.singletonMap("error", error)), 0);
    }

    private static void html(RoutingContext ctx, String page) {
        send(ctx, 200, "text/html; charset=utf-8", page);
    }

    private static void html(RoutingContext ctx, Optional<String> page) {
        if (page.isPresent()) html(ctx, page.get());
        else send(ctx, 404, "text/html; charset=utf-8", Html.message("Not found", user(ctx), "No such minion or job."));
    }

    private static void redirect(RoutingContext ctx, String to) {
        ctx.response().putHeader("Location", to);
        send(ctx, 303, "text/plain; charset=utf-8", "");
    }

    private static void send(RoutingContext ctx, int status, String type, String body) {
        if (ctx.response().ended()) return;
        ctx.response().setStatusCode(status).putHeader("Content-Type", type).end(body);
    }

    private static String resource(String name) {
        try (InputStream in = WebServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
