package io.jstate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.jstate.proto.v1.AdminError;
import java.io.EOFException;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * The master's admin API over HTTPS with the admin certificate, on the JDK's {@link HttpClient}:
 * protobuf bodies both ways, errors as {@link AdminError}. The client checks the master's host name
 * the standard way (HTTPS endpoint identification) against the master's CA ({@link Pki}). Every
 * failure becomes a {@link CliException} whose message tells the operator what went wrong and
 * where to look.
 *
 * <p>The client, with its key loading, is built on a thread of its own as soon as this exists, so
 * that it overlaps with whatever the command prepares meanwhile.
 */
final class AdminClient {
    static final String PROTOBUF = "application/x-protobuf";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** HTTP/1.1: one short exchange per command gains nothing from HTTP/2's framing (measured with bench/cli/run). */
    static final HttpClient.Version VERSION = HttpClient.Version.HTTP_1_1;

    /** Parses a response body; the generated {@code Message::parseFrom} methods fit. */
    interface Parser<T> {
        T parse(byte[] body) throws InvalidProtocolBufferException;
    }

    private final URI base;
    private final java.nio.file.Path pki;
    private final CompletableFuture<HttpClient> client;

    AdminClient(Endpoint endpoint) {
        this.base = endpoint.master();
        this.pki = endpoint.pki();
        this.client = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                client.complete(HttpClient.newBuilder().sslContext(Pki.context(pki)).connectTimeout(CONNECT_TIMEOUT)
                        .version(VERSION).followRedirects(HttpClient.Redirect.NEVER).build());
            } catch (CliException | RuntimeException e) {
                client.completeExceptionally(e);
            }
        }, "jstate-connect");
        t.setDaemon(true);
        t.start();
    }

    URI base() {
        return base;
    }

    <T> T get(String path, Parser<T> parser) throws CliException {
        return call("GET", path, null, parser);
    }

    <T> T post(String path, MessageLite body, Parser<T> parser) throws CliException {
        return call("POST", path, body.toByteArray(), parser);
    }

    <T> T delete(String path, Parser<T> parser) throws CliException {
        return call("DELETE", path, null, parser);
    }

    /**
     * Posts a request whose answer is a stream, and returns the body once the master has answered
     * with success; {@code headers} bounds the wait for that answer, the body is read as it
     * arrives for as long as it lasts. Closing the body ends the exchange, also while another
     * thread is blocked reading it.
     */
    InputStream stream(String path, MessageLite body, Duration headers) throws CliException {
        return stream("POST", path, body.toByteArray(), headers);
    }

    /** As {@link #stream(String, MessageLite, Duration)}, for a stream asked for with GET. */
    InputStream stream(String path, Duration headers) throws CliException {
        return stream("GET", path, null, headers);
    }

    private InputStream stream(String method, String path, byte[] body, Duration headers) throws CliException {
        HttpResponse<InputStream> resp = send(method, path, body, headers, HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() / 100 == 2) return resp.body();
        byte[] error;
        try (InputStream in = resp.body()) {
            error = in.readAllBytes();
        } catch (IOException e) {
            error = new byte[0];
        }
        throw failure(method, path, resp.statusCode(), error, contentType(resp));
    }

    private <T> T call(String method, String path, byte[] body, Parser<T> parser) throws CliException {
        HttpResponse<byte[]> resp = send(method, path, body, REQUEST_TIMEOUT, HttpResponse.BodyHandlers.ofByteArray());
        byte[] bytes = resp.body();
        if (resp.statusCode() / 100 != 2) throw failure(method, path, resp.statusCode(), bytes, contentType(resp));
        try {
            return parser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CliException("the master answered " + method + " " + path(path)
                    + " with a body that is not the expected message: " + e.getMessage());
        }
    }

    private <B> HttpResponse<B> send(String method, String path, byte[] body, Duration timeout, HttpResponse.BodyHandler<B> handler)
            throws CliException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", PROTOBUF);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", PROTOBUF).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        try {
            return client().send(request.build(), handler);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while talking to the master at " + base);
        }
    }

    private HttpClient client() throws CliException {
        try {
            return client.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while talking to the master at " + base);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CliException c) throw c;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String contentType(HttpResponse<?> resp) {
        return resp.headers().firstValue("Content-Type").orElse("");
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
        if (caused(e, ConnectException.class) && !caused(e, SSLException.class)) {
            return new CliException("cannot reach the master at " + base + ": connection refused"
                    + " (is jstate-master running? check --master or JSTATE_MASTER)");
        }
        // A refused client certificate shows in TLS 1.3 only after the handshake, often as the
        // connection simply closing before any answer: that is the likely cause of an early EOF too.
        String detail = detail(e);
        if (caused(e, SSLException.class) || caused(e, EOFException.class) || detail.contains("EOF")
                || detail.contains("received no bytes") || detail.startsWith("Connection reset") || detail.equals("Broken pipe")) {
            return new CliException("TLS with the master at " + base + " failed: " + detail
                    + ". The master must present a certificate from " + pki.resolve(Pki.CA)
                    + " and accept the admin certificate " + pki.resolve(Pki.ADMIN_CERT)
                    + " (check --pki or JSTATE_PKI)");
        }
        return new CliException("the connection to the master at " + base + " failed: " + detail);
    }

    private CliException failure(String method, String path, int status, byte[] body, String contentType) {
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
        return new CliException("the master refused " + method + " " + path(path) + " (HTTP " + status + "): " + message);
    }

    /** A request's path as the operator reads it: decoded, without the query. */
    private String path(String path) {
        return URI.create(base + path).getPath();
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

    /** A path segment or query value, percent-encoded (spaces as %20, which every server decodes alike). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
