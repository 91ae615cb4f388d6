package io.jstate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.jstate.proto.v1.AdminError;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * The master's admin API over HTTPS with the admin certificate: protobuf bodies both ways, errors
 * as {@link AdminError}. Every failure becomes a {@link CliException} whose message tells the
 * operator what went wrong and where to look.
 *
 * <p>It speaks just the HTTP/1.1 the admin API needs (one request per connection, bodies with a
 * length or chunked) over a plain {@link SSLSocket}: the JDK's HTTP client costs a short-lived
 * process more to start than the whole exchange takes. The connection, with the TLS handshake and
 * its key loading, is opened on a thread of its own as soon as the client exists, so that it
 * overlaps with whatever the command prepares meanwhile.
 */
final class AdminClient {
    static final String PROTOBUF = "application/x-protobuf";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The most a status line and headers may take; the admin API's are a few hundred bytes. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** Parses a response body; the generated {@code Message::parseFrom} methods fit. */
    interface Parser<T> {
        T parse(byte[] body) throws InvalidProtocolBufferException;
    }

    /** No connection within {@link #CONNECT_TIMEOUT}. */
    private static final class ConnectTimeout extends IOException {
        ConnectTimeout() {
            super("connect timed out");
        }
    }

    /** An answer whose status line and headers have been read. */
    private record Response(int status, String contentType, InputStream body) {}

    private final URI base;
    private final java.nio.file.Path pki;
    /** The first connection, opened ahead; later requests open their own. */
    private CompletableFuture<SSLSocket> opening;
    private volatile SSLContext ssl;

    AdminClient(Endpoint endpoint) {
        this.base = endpoint.master();
        this.pki = endpoint.pki();
        this.opening = new CompletableFuture<>();
        CompletableFuture<SSLSocket> first = opening;
        Thread t = new Thread(() -> {
            try {
                first.complete(open());
            } catch (CliException | IOException | RuntimeException e) {
                first.completeExceptionally(e);
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
     * with success; {@code headers} bounds the wait for that answer. Closing the body closes the
     * connection, also while another thread is blocked reading it.
     */
    InputStream stream(String path, MessageLite body, Duration headers) throws CliException {
        return stream("POST", path, body.toByteArray(), headers);
    }

    /** As {@link #stream(String, MessageLite, Duration)}, for a stream asked for with GET. */
    InputStream stream(String path, Duration headers) throws CliException {
        return stream("GET", path, null, headers);
    }

    private InputStream stream(String method, String path, byte[] body, Duration headers) throws CliException {
        Response resp = exchange(method, path, body, headers, true);
        if (resp.status() / 100 == 2) return resp.body();
        byte[] error;
        try (InputStream in = resp.body()) {
            error = in.readAllBytes();
        } catch (IOException e) {
            error = new byte[0];
        }
        throw failure(method, path, resp.status(), error, resp.contentType());
    }

    private <T> T call(String method, String path, byte[] body, Parser<T> parser) throws CliException {
        Response resp = exchange(method, path, body, REQUEST_TIMEOUT, false);
        byte[] bytes;
        try (InputStream in = resp.body()) {
            bytes = in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw new CliException("the master at " + base + " did not answer in time");
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (resp.status() / 100 != 2) throw failure(method, path, resp.status(), bytes, resp.contentType());
        try {
            return parser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CliException("the master answered " + method + " " + path(path)
                    + " with a body that is not the expected message: " + e.getMessage());
        }
    }

    /** Sends one request on a connection of its own and reads the status line and headers. */
    private Response exchange(String method, String path, byte[] body, Duration headers, boolean stream) throws CliException {
        SSLSocket socket = connection();
        try {
            URI uri = URI.create(base + path);
            String target = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getRawAuthority()).append("\r\n")
                    .append("Accept: ").append(PROTOBUF).append("\r\n")
                    .append("Connection: close\r\n");
            if (body != null) {
                head.append("Content-Type: ").append(PROTOBUF).append("\r\n")
                        .append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (body == null) {
                out.write(h);
            } else {
                // One write, so that the request leaves in one TLS record.
                byte[] all = new byte[h.length + body.length];
                System.arraycopy(h, 0, all, 0, h.length);
                System.arraycopy(body, 0, all, h.length, body.length);
                out.write(all);
            }
            out.flush();

            socket.setSoTimeout(millis(headers));
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            int status;
            String contentType = "";
            long length = -1;
            boolean chunked = false;
            do {
                String statusLine = line(in);
                // "HTTP/1.1 200 OK": the code is the second word.
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) throw new IOException("the master's answer is not HTTP: " + statusLine);
                try {
                    status = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException("the master's answer is not HTTP: " + statusLine);
                }
                for (String line = line(in); !line.isEmpty(); line = line(in)) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) continue;
                    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim();
                    switch (name) {
                        case "content-type" -> contentType = value;
                        case "content-length" -> length = Long.parseLong(value);
                        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                        default -> {
                            // Nothing else matters to the CLI.
                        }
                    }
                }
            } while (status / 100 == 1);
            // A stream waits as long as its events take; the command bounds that wait itself.
            if (stream) socket.setSoTimeout(0);
            InputStream payload = chunked ? new Chunked(in) : length >= 0 ? new Bounded(in, length) : in;
            return new Response(status, contentType, new Closing(payload, socket));
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new CliException("the master at " + base + " did not answer in time");
        } catch (IOException | NumberFormatException e) {
            closeQuietly(socket);
            throw unreachable(e instanceof IOException io ? io : new IOException("bad Content-Length: " + e.getMessage(), e));
        }
    }

    /** The connection opened ahead for the first request, or a new one. */
    private SSLSocket connection() throws CliException {
        CompletableFuture<SSLSocket> first;
        synchronized (this) {
            first = opening;
            opening = null;
        }
        if (first == null) {
            try {
                return open();
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        try {
            return first.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while talking to the master at " + base);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CliException c) throw c;
            if (cause instanceof IOException io) throw unreachable(io);
            if (cause instanceof RuntimeException r) throw r;
            throw new IllegalStateException(cause);
        }
    }

    /** Connects and shakes hands; a failure closes what was opened. */
    private SSLSocket open() throws CliException, IOException {
        String host = base.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port = base.getPort() < 0 ? 443 : base.getPort();
        SSLContext context = ssl;
        if (context == null) ssl = context = Pki.context(pki, host);
        Socket raw = new Socket();
        try {
            try {
                raw.connect(new InetSocketAddress(host, port), millis(CONNECT_TIMEOUT));
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeout();
            }
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(millis(REQUEST_TIMEOUT));
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    /** An I/O failure in the operator's terms: nobody listening, no answer, or TLS refused either way. */
    CliException unreachable(IOException e) {
        if (e instanceof ConnectTimeout) {
            return new CliException("cannot reach the master at " + base + ": no connection within "
                    + CONNECT_TIMEOUT.toSeconds() + " s (check --master or JSTATE_MASTER)");
        }
        if (e instanceof SocketTimeoutException) {
            return new CliException("the master at " + base + " did not answer in time");
        }
        if (caused(e, ConnectException.class)) {
            return new CliException("cannot reach the master at " + base + ": connection refused"
                    + " (is jstate-master running? check --master or JSTATE_MASTER)");
        }
        // A refused client certificate shows in TLS 1.3 only after the handshake, often as the
        // connection simply closing before any answer: that is the likely cause of an early EOF too.
        String detail = detail(e);
        if (caused(e, SSLException.class) || e instanceof EOFException || detail.contains("EOF")
                || detail.startsWith("Connection reset") || detail.equals("Broken pipe")) {
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

    /** One header line without its CRLF, in ISO-8859-1 as HTTP has it. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("EOF before the end of the master's headers");
            if (b == '\n') break;
            if (++total > MAX_HEADER_BYTES) throw new IOException("the master's headers are too long");
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
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
     * A body's end is the end of the connection: closing it closes the socket under the TLS layer,
     * which also ends a read blocked on another thread at once (the connection is not reused, so
     * no TLS goodbye is owed).
     */
    private static final class Closing extends FilterInputStream {
        private final SSLSocket socket;

        Closing(InputStream in, SSLSocket socket) {
            super(in);
            this.socket = socket;
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }

    /** A body of a known length. */
    static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b < 0) throw new EOFException("the master's answer ended early");
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("the master's answer ended early");
            left -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }
    }

    /** A body in HTTP/1.1 chunks: each is its size in hex on a line, the bytes, CRLF; size 0 ends it. */
    static final class Chunked extends FilterInputStream {
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (!next()) return -1;
            int b = in.read();
            if (b < 0) throw new EOFException("the master's answer ended mid-chunk");
            if (--left == 0) endOfChunk();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!next()) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("the master's answer ended mid-chunk");
            left -= n;
            if (left == 0) endOfChunk();
            return n;
        }

        @Override
        public int available() throws IOException {
            return done ? 0 : (int) Math.min(in.available(), left);
        }

        /** Whether there are bytes to read, reading the next chunk's size when needed. */
        private boolean next() throws IOException {
            if (done) return false;
            if (left > 0) return true;
            String size = line(in);
            int semicolon = size.indexOf(';');
            if (semicolon >= 0) size = size.substring(0, semicolon);
            try {
                left = Long.parseLong(size.trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("the master's chunked answer is malformed: '" + size + "'");
            }
            if (left < 0) throw new IOException("the master's chunked answer is malformed: '" + size + "'");
            if (left == 0) {
                // Trailers, if any, up to the empty line that ends the body.
                while (!line(in).isEmpty()) {
                    // Trailers carry nothing the CLI uses.
                }
                done = true;
                return false;
            }
            return true;
        }

        private void endOfChunk() throws IOException {
            String crlf = line(in);
            if (!crlf.isEmpty()) throw new IOException("the master's chunked answer is malformed: no CRLF after a chunk");
        }
    }
}
