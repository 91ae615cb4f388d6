package io.jstate.minion.functions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A request and its answer over a socket, for the functions that ask a daemon directly (memcached's
 * text protocol, HAProxy's stats socket). The host seam has no sockets beyond a connect check; this
 * small one lets each such function's unit test answer for the daemon.
 */
interface Wire {
    /**
     * Sends {@code request} to {@code host:port} and reads until the answer ends with {@code end}
     * or the peer closes; at most {@code timeout} in all.
     */
    String tcp(String host, int port, String request, String end, Duration timeout) throws IOException;

    /** As {@link #tcp}, over a UNIX socket. */
    String unix(Path socket, String request, String end, Duration timeout) throws IOException;

    /** The real network, loopback or a local socket in practice. */
    Wire REAL = new Wire() {
        @Override
        public String tcp(String host, int port, String request, String end, Duration timeout) throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                s.setSoTimeout((int) timeout.toMillis());
                return exchange(s.getInputStream(), s.getOutputStream(), request, end, System.nanoTime() + timeout.toNanos());
            }
        }

        @Override
        public String unix(Path socket, String request, String end, Duration timeout) throws IOException {
            // A UNIX socket channel has no read timeout: the exchange runs on its own thread and is cut off.
            ExecutorService one = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "jstate-wire");
                t.setDaemon(true);
                return t;
            });
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                Future<String> f = one.submit(() -> {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
                    return exchange(Channels.newInputStream(ch), OutputStream.nullOutputStream(), "", end, Long.MAX_VALUE);
                });
                try {
                    return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    throw new IOException("no answer within " + timeout.toSeconds() + " s");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            } finally {
                one.shutdownNow();
            }
        }

        private String exchange(InputStream in, OutputStream out, String request, String end, long deadline) throws IOException {
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
                if (got.size() > 4 << 20) throw new IOException("answer longer than 4 MiB");
                if (!end.isEmpty() && got.toString(StandardCharsets.UTF_8).endsWith(end)) break;
                if (System.nanoTime() > deadline) throw new IOException("answer not finished in time");
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    };
}
