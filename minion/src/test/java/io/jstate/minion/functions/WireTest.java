package io.jstate.minion.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real socket exchange, against loopback and a UNIX socket served by the test. */
@Timeout(20)
class WireTest {
    @TempDir
    Path tmp;

    @Test
    void tcpReadsUntilTheEndMarker() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    byte[] buf = new byte[7];
                    s.getInputStream().readNBytes(buf, 0, 7);
                    s.getOutputStream().write("STAT uptime 5\r\nEND\r\n".getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    Thread.sleep(3000);
                } catch (IOException | InterruptedException e) {
                    // The test has its answer already.
                }
            });
            t.start();
            String got = Wire.REAL.tcp("127.0.0.1", server.getLocalPort(), "stats\r\n", "END\r\n", Duration.ofSeconds(5));
            assertEquals("STAT uptime 5\r\nEND\r\n", got);
            t.interrupt();
        }
        assertThrows(IOException.class, () -> Wire.REAL.tcp("127.0.0.1", 1, "stats\r\n", "END\r\n", Duration.ofSeconds(2)));
    }

    @Test
    void unixReadsUntilThePeerCloses() throws Exception {
        Path sock = tmp.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread t = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    c.read(ByteBuffer.allocate(64));
                    c.write(ByteBuffer.wrap("# pxname,svname\ngalera,BACKEND\n".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    // Nothing to tell the test.
                }
            });
            t.start();
            assertEquals("# pxname,svname\ngalera,BACKEND\n", Wire.REAL.unix(sock, "show stat\n", "", Duration.ofSeconds(5)));
            t.join();
        }
        assertThrows(IOException.class, () -> Wire.REAL.unix(tmp.resolve("none.sock"), "show stat\n", "", Duration.ofSeconds(2)));
    }
}
