package io.jstate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.jstate.common.tls.CaTrust;
import io.jstate.proto.v1.AdminError;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * The master's admin API over HTTPS with the admin certificate, on the JDK's
 * {@link HttpsURLConnection}: protobuf bodies both ways, errors as {@link AdminError}. The master's
 * certificate must lead to the master's CA ({@link Pki}, {@code CaTrust}) and name the host dialled,
 * which the JDK checks the standard way for any HTTPS URL (RFC 2818, after the handshake, before
 * any request is sent). Every failure becomes a {@link CliException} whose message tells the
 * operator what went wrong and where to look.
 *
 * <p>Why this client and not {@code java.net.http.HttpClient}: a command makes one or two short
 * exchanges, and HttpClient's start (its selector thread and some 330 more classes) cost each
 * command about 100 ms more than the whole exchange, measured with bench/cli/run. This one is
 * blocking, on the JDK's own {@code SSLSocket}, and starts no thread.
 *
 * <p>The TLS context, with its key loading, is built on a thread of its own as soon as this
 * exists, so that it overlaps with whatever the command prepares meanwhile.
 */
final class AdminClient {
    static final String PROTOBUF = "application/x-protobuf";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The most of an error answer's body read. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;
    /** The largest answer a command takes (a job list with every result is a few MB). */
    static final int MAX_BODY_BYTES = 256 * 1024 * 1024;

    /** Parses a response body; the generated {@code Message::parseFrom} methods fit. */
    interface Parser<T> {
        T parse(byte[] body) throws InvalidProtocolBufferException;
    }

    /** An answer whose status line and headers have been read, on the socket it came on. */
    private record Response(int status, String contentType, HttpsURLConnection connection, Sockets socket) {}

    private final URI base;
    private final java.nio.file.Path pki;
    private final CompletableFuture<SSLSocketFactory> tls;
    /** How long a request may take from sending it to its answer's end ({@link #REQUEST_TIMEOUT}; shorter in tests). */
    private final Duration requestTimeout;

    AdminClient(Endpoint endpoint) {
        this(endpoint, REQUEST_TIMEOUT);
    }

    AdminClient(Endpoint endpoint, Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        this.base = endpoint.master();
        this.pki = endpoint.pki();
        this.tls = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                SSLSocketFactory factory = Pki.context(pki).getSocketFactory();
                // Every connection is given its own factory, but the JDK makes each one with the
                // process-wide default first, and the JDK's own default (its CA bundle read into
                // a key store) costs a command some 50 ms: this process never uses it.
                HttpsURLConnection.setDefaultSSLSocketFactory(factory);
                tls.complete(factory);
            } catch (CliException | RuntimeException e) {
                tls.completeExceptionally(e);
            } catch (Throwable e) {
                // An Error (a key file that never ends) must not leave the command waiting for ever.
                tls.completeExceptionally(new CliException("cannot set up TLS from " + pki + ": " + detail(e)));
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
     * Null when the master answers a request now, whatever the answer's status; else why it does
     * not (the operator's terms, as for any command). After a stream ended early this tells a
     * master that went away (killed, stopped) from a connection that broke on the way.
     */
    String unanswered() {
        try {
            send("GET", "/admin/v1/minions", null, CONNECT_TIMEOUT).socket().close();
            return null;
        } catch (CliException e) {
            return e.getMessage();
        }
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
        Response resp = send(method, path, body, headers);
        Sockets socket = resp.socket();
        if (resp.status() / 100 != 2) {
            byte[] error = errorBody(resp);
            socket.close();
            throw failure(method, path, resp.status(), error, resp.contentType());
        }
        try {
            // The answer has come: from here the body is read for as long as it lasts.
            socket.unbound();
            InputStream in = resp.connection().getInputStream();
            return new FilterInputStream(in) {
                @Override
                public void close() {
                    // The socket, not the connection's stream: that one waits for a reader
                    // blocked on another thread, and a closed socket ends the read at once.
                    socket.close();
                }
            };
        } catch (IOException e) {
            socket.close();
            throw unreachable(e, socket);
        }
    }

    private <T> T call(String method, String path, byte[] body, Parser<T> parser) throws CliException {
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        Response resp = send(method, path, body, requestTimeout);
        byte[] bytes;
        if (resp.status() / 100 != 2) {
            bytes = errorBody(resp);
            resp.socket().close();
            throw failure(method, path, resp.status(), bytes, resp.contentType());
        }
        try (InputStream in = resp.connection().getInputStream()) {
            bytes = readBounded(in, resp.socket(), deadline, method, path);
        } catch (CliException e) {
            resp.socket().close();
            throw e;
        } catch (IOException e) {
            resp.socket().close();
            throw e instanceof SocketTimeoutException ? unreachable(e, resp.socket())
                    : new CliException("the answer of the master at " + base + " to " + method + " " + path(path) + " broke off: " + detail(e));
        }
        try {
            return parser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CliException("the master answered " + method + " " + path(path)
                    + " with a body that is not the expected message: " + e.getMessage());
        }
    }

    /**
     * The whole body of an answer, which must end by {@code deadline} (the request's bound, counted
     * from its sending) and be at most {@link #MAX_BODY_BYTES}: each read may wait only what is left
     * of that time, so a master that trickles its answer a byte at a time is cut off too.
     */
    private byte[] readBounded(InputStream in, Sockets socket, long deadline, String method, String path) throws IOException, CliException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new SocketTimeoutException("the answer did not end in time");
            socket.bound(Duration.ofNanos(left));
            int n = in.read(buf);
            if (n < 0) return body.toByteArray();
            if (body.size() + n > MAX_BODY_BYTES) {
                throw new CliException("the master's answer to " + method + " " + path(path) + " is larger than "
                        + MAX_BODY_BYTES / (1024 * 1024) + " MiB");
            }
            body.write(buf, 0, n);
        }
    }

    /**
     * One request on a connection of its own, up to its answer's status and headers. It is sent
     * once: the JDK would send a GET or DELETE again on a new connection when the first breaks
     * before the answer, and {@link Sockets} refuses that second connection (a DELETE carried out
     * once would come back the second time as "no such thing"); a POST is sent with its length,
     * which the JDK never sends twice either.
     */
    private Response send(String method, String path, byte[] body, Duration timeout) throws CliException {
        Sockets socket = new Sockets(tls());
        HttpsURLConnection c;
        try {
            c = (HttpsURLConnection) URI.create(base + path).toURL().openConnection(Proxy.NO_PROXY);
            c.setSSLSocketFactory(socket);
            c.setHostnameVerifier(socket);
            c.setConnectTimeout(millis(CONNECT_TIMEOUT));
            c.setReadTimeout(millis(timeout));
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestMethod(method);
            c.setRequestProperty("Accept", PROTOBUF);
            // One request per connection: the master closes it after the answer, so the JDK never
            // keeps it (and a thread to expire it) for a reuse that never comes.
            c.setRequestProperty("Connection", "close");
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", PROTOBUF);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            String type = c.getContentType();
            return new Response(status, type == null ? "" : type, c, socket);
        } catch (IOException e) {
            socket.close();
            throw unreachable(e, socket);
        }
    }

    private static byte[] errorBody(Response resp) {
        try (InputStream in = resp.connection().getErrorStream()) {
            // An error's text is a line or two; whatever sent more is not worth reading whole.
            return in == null ? new byte[0] : in.readNBytes(MAX_ERROR_BYTES);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private SSLSocketFactory tls() throws CliException {
        try {
            return tls.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while talking to the master at " + base);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CliException c) throw c;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    /** An I/O failure in the operator's terms: nobody listening, no answer, or TLS refused either way. */
    private CliException unreachable(IOException e, Sockets socket) {
        if (e instanceof SocketTimeoutException && !socket.connected()) {
            return new CliException("cannot reach the master at " + base + ": no connection within "
                    + CONNECT_TIMEOUT.toSeconds() + " s (check --master or JSTATE_MASTER)");
        }
        if (e instanceof SocketTimeoutException) {
            return new CliException("the master at " + base + " did not answer in time");
        }
        if (caused(e, ConnectException.class) && !caused(e, SSLException.class)) {
            return new CliException("cannot reach the master at " + base + ": connection refused"
                    + " (is jstate-master running? check --master or JSTATE_MASTER)");
        }
        // A refused client certificate shows in TLS 1.3 only after the handshake, often as the
        // connection simply closing before any answer: that is the likely cause of an early EOF too.
        String detail = socket.misnamed() != null ? socket.misnamed() : detail(e);
        if (socket.misnamed() != null || caused(e, SSLException.class) || caused(e, EOFException.class) || caused(e, BrokeBeforeAnswer.class)
                || detail.contains("EOF")
                || detail.contains("Unexpected end of file") || detail.startsWith("Connection reset") || detail.equals("Broken pipe")) {
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
        if (message == null || message.isBlank()) message = new String(body, StandardCharsets.UTF_8);
        message = oneLine(message, body.length);
        return new CliException("the master refused " + method + " " + path(path) + " (HTTP " + status + "): " + message);
    }

    /**
     * An answer's text as one line of at most 500 characters; a body that is not text (control
     * characters, bytes that are not UTF-8) is named by its size instead of being printed.
     */
    static String oneLine(String text, int bytes) {
        boolean binary = text.chars().anyMatch(c -> c == 0xFFFD || (Character.isISOControl(c) && !Character.isWhitespace(c)));
        if (binary) return "an answer that is not text (" + bytes + " bytes)";
        String line = text.strip().replaceAll("\\s+", " ");
        return line.isEmpty() ? "no details" : line.length() > 500 ? line.substring(0, 500) + "..." : line;
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

    /**
     * The first connection of a request closed before any answer, and the JDK asked for a second
     * to send the request again, which is refused: like an early EOF, most often the master
     * refusing the admin certificate after a TLS 1.3 handshake.
     */
    private static final class BrokeBeforeAnswer extends IOException {
        BrokeBeforeAnswer() {
            super("the connection broke before the master answered");
        }
    }

    /**
     * The TLS socket factory for one request, which keeps the socket it made: the client can then
     * tell a connect timeout from a slow answer, lift the read timeout once a stream's answer has
     * come, and close the socket under a blocked reader.
     *
     * <p>It is also the request's host-name verifier, which the JDK asks only when its own check
     * found that the master's certificate does not name the host dialled: it refuses, and keeps
     * the reason in the operator's terms. (A verifier of one's own also keeps the JDK from asking
     * the trust manager for the same check during the handshake, a PKIX validation that costs a
     * command more than the rest of its TLS.)
     */
    private static final class Sockets extends SSLSocketFactory implements HostnameVerifier {
        private final SSLSocketFactory tls;
        private volatile Socket socket;
        private volatile String misnamed;

        @Override
        public boolean verify(String host, SSLSession session) {
            try {
                misnamed = CaTrust.mismatch(host, (X509Certificate) session.getPeerCertificates()[0]);
            } catch (SSLPeerUnverifiedException | RuntimeException e) {
                misnamed = "the master's certificate does not name '" + host + "'";
            }
            return false;
        }

        /** Why the master's certificate was refused for its names, or null. */
        String misnamed() {
            return misnamed;
        }

        Sockets(SSLSocketFactory tls) {
            this.tls = tls;
        }

        private Socket keep(Socket s) throws IOException {
            if (socket != null) {
                s.close();
                throw new BrokeBeforeAnswer();
            }
            socket = s;
            return s;
        }

        /** A TLS socket layered on the one the JDK just connected: the same connection, not a second. */
        private Socket layered(Socket s) {
            socket = s;
            return s;
        }

        boolean connected() {
            Socket s = socket;
            return s != null && s.isConnected();
        }

        void unbound() throws IOException {
            Socket s = socket;
            if (s != null && !s.isClosed()) s.setSoTimeout(0);
        }

        /**
         * Each further read waits at most {@code d}. The JDK closes the socket once it has read the
         * last byte of an answer that closes its connection: the next read ends without it.
         */
        void bound(Duration d) throws IOException {
            Socket s = socket;
            if (s != null && !s.isClosed()) s.setSoTimeout(millis(d));
        }

        void close() {
            Socket s = socket;
            if (s == null) return;
            try {
                // A TLS close reads what the peer still sends, for as long as the read timeout
                // allows: a master that stalls would hold the command another 30 s.
                s.setSoTimeout(1);
            } catch (IOException ignored) {
                // Closed already, or never connected: the close below does what is left.
            }
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing is all that is wanted; a socket that cannot close cleanly is gone anyway.
            }
        }

        @Override
        public Socket createSocket() throws IOException {
            return keep(tls.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return layered(tls.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return keep(tls.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return keep(tls.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return keep(tls.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return keep(tls.createSocket(host, port, local, localPort));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }
    }
}
