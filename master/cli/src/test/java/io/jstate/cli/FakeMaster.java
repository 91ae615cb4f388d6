package io.jstate.cli;

import com.google.protobuf.MessageLite;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.jstate.proto.v1.AdminError;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A stand-in for the master's admin API: HTTPS on loopback that demands the one admin client
 * certificate (as the master does) and answers each route with a canned protobuf body or stream.
 */
final class FakeMaster implements AutoCloseable {
    /** What the fake received: method, path with query, body. */
    record Request(String method, String uri, byte[] body) {}

    /** Writes a route's answer. */
    interface Route {
        void answer(HttpExchange ex, byte[] body) throws Exception;
    }

    private final HttpsServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-master");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    /** Serves with {@code identity}, accepting only {@code admin} as client. */
    FakeMaster(TestPki pki, TestPki.Identity identity, X509Certificate admin) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", identity.keys().getPrivate(), new char[0], new X509Certificate[] {identity.cert(), pki.ca.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), new X509ExtendedTrustManager[] {new OnlyAdmin(admin, pki.ca.cert())}, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeMaster on(String method, String pathAndQuery, Route route) {
        routes.put(method + " " + pathAndQuery, route);
        return this;
    }

    FakeMaster reply(String method, String pathAndQuery, MessageLite body) {
        return on(method, pathAndQuery, (ex, b) -> send(ex, 200, body));
    }

    FakeMaster error(String method, String pathAndQuery, int status, String message) {
        return on(method, pathAndQuery, (ex, b) -> send(ex, status, AdminError.newBuilder().setMessage(message).build()));
    }

    /** A job stream: each message written length-delimited and flushed, as the master does. */
    FakeMaster stream(String method, String pathAndQuery, List<? extends MessageLite> events) {
        return stream(method, pathAndQuery, events, 0, List.of());
    }

    /** A stream that stays silent for {@code silentMs} between {@code before} and {@code after}, as a long state makes it. */
    FakeMaster stream(String method, String pathAndQuery, List<? extends MessageLite> before, long silentMs, List<? extends MessageLite> after) {
        return on(method, pathAndQuery, (ex, b) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (MessageLite e : before) {
                e.writeDelimitedTo(out);
                out.flush();
            }
            if (silentMs > 0) Thread.sleep(silentMs);
            for (MessageLite e : after) {
                e.writeDelimitedTo(out);
                out.flush();
            }
            out.close();
        });
    }

    static void send(HttpExchange ex, int status, MessageLite body) throws IOException {
        byte[] bytes = body.toByteArray();
        ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String uri = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            requests.add(new Request(ex.getRequestMethod(), uri, body));
            Route r = routes.get(ex.getRequestMethod() + " " + uri);
            if (r == null) {
                send(ex, 404, AdminError.newBuilder().setMessage("no route " + ex.getRequestMethod() + " " + uri).build());
                return;
            }
            r.answer(ex, body);
        } catch (Exception e) {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** Trusts exactly one client certificate, the way the master accepts exactly the admin certificate it wrote. */
    private static final class OnlyAdmin extends X509ExtendedTrustManager {
        private final X509Certificate admin;
        private final X509Certificate ca;

        OnlyAdmin(X509Certificate admin, X509Certificate ca) {
            this.admin = admin;
            this.ca = ca;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            try {
                if (chain == null || chain.length == 0 || !Arrays.equals(chain[0].getEncoded(), admin.getEncoded())) {
                    throw new CertificateException("not the admin certificate");
                }
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server trusts no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a server trusts no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a server trusts no servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {ca};
        }
    }

    /** A canned master for timing the launcher: {@code FakeMaster PKI_DIR} prints its URL and serves until killed. */
    public static void main(String[] args) throws Exception {
        TestPki pki = new TestPki("jstate master CA");
        TestPki.Identity admin = pki.client("admin");
        // PKCS#8, as the master writes its admin key.
        pki.write(Path.of(args[0]), admin, true);
        FakeMaster m = new FakeMaster(pki, pki.server(), admin.cert());
        Canned.install(m);
        System.out.println(m.url());
        System.out.flush();
        Thread.currentThread().join();
    }
}
