package io.jstate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.jstate.proto.v1.AdminError;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLContext;

/**
 * The master's admin API over HTTPS with the admin certificate: protobuf bodies both ways, errors
 * as {@link AdminError}. Every failure becomes a {@link CliException} whose message tells the
 * operator what went wrong and where to look.
 */
final class AdminClient {
    static final String PROTOBUF = "application/x-protobuf";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Parses a response body; the generated {@code Message::parseFrom} methods fit. */
    interface Parser<T> {
        T parse(byte[] body) throws InvalidProtocolBufferException;
    }

    private final URI base;
    private final java.nio.file.Path pki;
    private final HttpClient http;

    AdminClient(Endpoint endpoint) throws CliException {
        this.base = endpoint.master();
        this.pki = endpoint.pki();
        SSLContext ssl = Pki.context(endpoint.pki());
        // HTTP/1.1 keeps start-up lean (no HTTP/2 machinery) and streams a chunked body just as well.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(ssl)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI base() {
        return base;
    }

    <T> T get(String path, Parser<T> parser) throws CliException {
        return call(request(path).GET(), parser);
    }

    <T> T post(String path, MessageLite body, Parser<T> parser) throws CliException {
        return call(request(path).header("Content-Type", PROTOBUF).POST(bytes(body)), parser);
    }

    <T> T delete(String path, Parser<T> parser) throws CliException {
        return call(request(path).DELETE(), parser);
    }

    /**
     * Posts a request whose answer is a stream, and returns the body once the master has answered
     * with success; {@code headers} bounds the wait for that answer.
     */
    InputStream stream(String path, MessageLite body, Duration headers) throws CliException {
        HttpRequest req = request(path).timeout(headers).header("Content-Type", PROTOBUF).POST(bytes(body)).build();
        HttpResponse<InputStream> resp = send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() / 100 == 2) return resp.body();
        byte[] error;
        try (InputStream in = resp.body()) {
            error = in.readAllBytes();
        } catch (IOException e) {
            error = new byte[0];
        }
        throw failure(req, resp.statusCode(), error, resp.headers().firstValue("Content-Type").orElse(""));
    }

    private HttpRequest.Builder request(String path) {
        // Paths start with '/' and are appended, so that a master URL with a path prefix keeps it.
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).header("Accept", PROTOBUF);
    }

    private static HttpRequest.BodyPublisher bytes(MessageLite body) {
        return HttpRequest.BodyPublishers.ofByteArray(body.toByteArray());
    }

    private <T> T call(HttpRequest.Builder builder, Parser<T> parser) throws CliException {
        HttpRequest req = builder.build();
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() / 100 != 2) {
            throw failure(req, resp.statusCode(), resp.body(), resp.headers().firstValue("Content-Type").orElse(""));
        }
        try {
            return parser.parse(resp.body());
        } catch (InvalidProtocolBufferException e) {
            throw new CliException("the master answered " + req.method() + " " + req.uri().getPath()
                    + " with a body that is not the expected message: " + e.getMessage());
        }
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws CliException {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while talking to the master at " + base);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** An I/O failure in the operator's terms: nobody listening, no answer, or TLS refused either way. */
    CliException unreachable(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return new CliException("cannot reach the master at " + base + ": no connection within "
                    + CONNECT_TIMEOUT.toSeconds() + " s (check --master or JSTATE_MASTER)");
        }
        if (e instanceof HttpTimeoutException) {
            return new CliException("the master at " + base + " did not answer in time");
        }
        if (caused(e, ConnectException.class)) {
            return new CliException("cannot reach the master at " + base + ": connection refused"
                    + " (is jstate-master running? check --master or JSTATE_MASTER)");
        }
        // A refused client certificate shows in TLS 1.3 only after the handshake, often as the
        // connection simply closing before any answer: that is the likely cause of an early EOF too.
        if (caused(e, SSLException.class) || caused(e, ClosedChannelException.class)
                || detail(e).contains("EOF") || detail(e).equals("Connection reset")) {
            return new CliException("TLS with the master at " + base + " failed: " + detail(e)
                    + ". The master must present a certificate from " + pki.resolve(Pki.CA)
                    + " and accept the admin certificate " + pki.resolve(Pki.ADMIN_CERT)
                    + " (check --pki or JSTATE_PKI)");
        }
        return new CliException("the connection to the master at " + base + " failed: " + detail(e));
    }

    private static CliException failure(HttpRequest req, int status, byte[] body, String contentType) {
        String message = null;
        if (contentType.startsWith(PROTOBUF) && body.length > 0) {
            try {
                message = AdminError.parseFrom(body).getMessage();
            } catch (InvalidProtocolBufferException ignored) {
                // Not an AdminError after all: the raw text below says more than nothing.
            }
        }
        if (message == null || message.isBlank()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            message = text.isEmpty() ? "no details" : text.length() > 500 ? text.substring(0, 500) + "..." : text;
        }
        return new CliException("the master refused " + req.method() + " " + req.uri().getPath()
                + " (HTTP " + status + "): " + message);
    }

    private static boolean caused(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    static String detail(Throwable e) {
        String last = e.toString();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) last = t.getMessage();
        }
        return last;
    }

    /**
     * Ends the selector threads of this process's HTTP clients. JDK 17's client has no close, and
     * its selector thread waits in native code, which the JVM at exit waits for up to 300 ms
     * before giving up; interrupting a selector makes the thread end at once.
     */
    static void stopSelectors() {
        Thread[] threads = new Thread[Thread.activeCount() + 8];
        int n = Thread.enumerate(threads);
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
                t.interrupt();
                try {
                    t.join(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A path segment or query value, percent-encoded (spaces as %20, which every server decodes alike). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
