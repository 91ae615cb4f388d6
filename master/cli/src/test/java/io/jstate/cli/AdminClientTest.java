package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin client's timing and failure edges, against the fake master over real mutual TLS. */
@Timeout(60)
class AdminClientTest extends CliFixture {
    private AdminClient client(String url) {
        return new AdminClient(new Endpoint(URI.create(url), pkiDir, Duration.ofMinutes(10)));
    }

    @Test
    void aStreamIsReadPastTheWaitForItsAnswer() throws Exception {
        master.on("GET", "/slow", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.flush();
            Thread.sleep(4000);
            Canned.started("ctl1").writeDelimitedTo(out);
            out.close();
        });
        // The wait covers the handshake too, which takes a second or more on a loaded machine.
        try (InputStream in = client(master.url()).stream("/slow", Duration.ofMillis(2000))) {
            JobEvent e = JobEvent.parseDelimitedFrom(in);
            assertEquals(JobEvent.Type.JOB_STARTED, e.getType());
        }
    }

    @Test
    void noAnswerWithinTheWaitIsSaid() {
        master.on("GET", "/silent", (ex, body) -> release.await(30, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        CliException e = assertThrows(CliException.class, () -> client(master.url()).stream("/silent", Duration.ofMillis(400)));
        assertEquals("the master at " + master.url() + " did not answer in time", e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 5000);
    }

    @Test
    void aListenerThatNeverSpeaksTlsIsNoAnswerNotNoConnection() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return mute.accept();
                } catch (IOException e) {
                    return null;
                }
            });
            String url = "https://127.0.0.1:" + mute.getLocalPort();
            CliException e = assertThrows(CliException.class, () -> client(url).stream("/x", Duration.ofMillis(400)));
            assertEquals("the master at " + url + " did not answer in time", e.getMessage());
            Socket s = held.get(5, TimeUnit.SECONDS);
            if (s != null) s.close();
        }
    }

    @Test
    void closingTheStreamEndsAReadBlockedOnAnotherThread() throws Exception {
        master.on("GET", "/stalled", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().flush();
            release.await(30, TimeUnit.SECONDS);
            ex.close();
        });
        InputStream in = client(master.url()).stream("/stalled", Duration.ofSeconds(5));
        CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(300);
        assertTrue(!read.isDone(), "the read waits for the master");
        long t0 = System.nanoTime();
        in.close();
        Object outcome = read.get(5, TimeUnit.SECONDS);
        assertTrue(outcome instanceof IOException || Integer.valueOf(-1).equals(outcome), String.valueOf(outcome));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 2000);
    }

    @Test
    void anErrorAnswerIsOneLineOfTextWhateverTheMasterSent() {
        master.on("GET", "/html", (ex, body) -> {
            byte[] page = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\nbad gateway\n</body>\n</html>\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(502, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        master.on("GET", "/binary", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(500, 4);
            ex.getResponseBody().write(new byte[] {(byte) 0xff, 0x01, 0x02, 0x1b});
            ex.close();
        });
        master.on("GET", "/huge", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(500, 0);
            byte[] line = "x".repeat(1023).concat("\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 64 * 1024; i++) out.write(line);
            } catch (IOException stoppedReading) {
                // The client read what it wanted and closed: 64 MB were never needed.
            }
        });
        AdminClient c = client(master.url());
        CliException html = assertThrows(CliException.class, () -> c.get("/html", JobEvent::parseFrom));
        assertEquals("the master refused GET /html (HTTP 502): <html> <head><title>502 Bad Gateway</title></head> <body> bad gateway </body> </html>",
                html.getMessage());
        CliException binary = assertThrows(CliException.class, () -> c.get("/binary", JobEvent::parseFrom));
        assertEquals("the master refused GET /binary (HTTP 500): an answer that is not text (4 bytes)", binary.getMessage());
        CliException huge = assertThrows(CliException.class, () -> c.get("/huge", JobEvent::parseFrom));
        assertTrue(huge.getMessage().endsWith("..."), huge.getMessage());
        assertTrue(huge.getMessage().length() < 700, huge.getMessage());
    }

    @Test
    void aPostWhoseConnectionBreaksIsSentOnce() {
        // The master takes the request and drops the connection without an answer: the job may have
        // started, so sending it again could start it twice.
        master.on("POST", "/admin/v1/jobs", (ex, body) -> ex.close());
        CliException e = assertThrows(CliException.class,
                () -> client(master.url()).post("/admin/v1/jobs", JobRequest.newBuilder().setTarget("*").build(), JobEvent::parseFrom));
        assertTrue(e.getMessage().contains(master.url()), e.getMessage());
        assertEquals(1, master.requests.size(), master.requests.toString());
    }

    @Test
    void aGetOrDeleteWhoseConnectionBreaksIsSentOnce() {
        // A DELETE the master carried out before the connection broke would, sent again, be
        // answered "no such key": the operator would read that the key never existed.
        master.on("GET", "/admin/v1/jobs", (ex, body) -> ex.close());
        master.on("DELETE", "/admin/v1/keys/ctl1", (ex, body) -> ex.close());
        AdminClient c = client(master.url());
        assertThrows(CliException.class, () -> c.get("/admin/v1/jobs", JobEvent::parseFrom));
        assertThrows(CliException.class, () -> c.delete("/admin/v1/keys/ctl1", JobEvent::parseFrom));
        assertEquals(2, master.requests.size(), master.requests.toString());
    }

    @Test
    void anAnswerTrickledAByteAtATimeIsCutOffAtTheRequestBound() throws Exception {
        // Each byte comes well within a read's timeout; the answer as a whole never ends.
        master.on("GET", "/trickle", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                for (int i = 0; i < 600 && release.getCount() > 0; i++) {
                    out.write(0x0a);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException clientLeft) {
                // The client gave up, as it should.
            }
        });
        long t0 = System.nanoTime();
        CliException e = assertThrows(CliException.class,
                () -> new AdminClient(new Endpoint(URI.create(master.url()), pkiDir, Duration.ofMinutes(10)), Duration.ofSeconds(2))
                        .get("/trickle", JobEvent::parseFrom));
        long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals("the master at " + master.url() + " did not answer in time", e.getMessage());
        assertTrue(took >= 1900 && took < 10_000, took + " ms");
    }

    @Test
    void anAnswerThatClosesItsConnectionAtItsEndIsReadWhole() throws Exception {
        // The real master says "Connection: close": the JDK closes the socket as soon as the body's
        // last byte is read, and the client must take that for the end, not for a broken answer.
        byte[] started = Canned.started("ctl1").toByteArray();
        for (boolean chunked : new boolean[] {false, true}) {
            master.on("GET", "/closing", (ex, body) -> {
                ex.getResponseHeaders().set("Content-Type", AdminClient.PROTOBUF);
                ex.getResponseHeaders().set("Connection", "close");
                ex.sendResponseHeaders(200, chunked ? 0 : started.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(started);
                }
            });
            JobEvent e = client(master.url()).get("/closing", JobEvent::parseFrom);
            assertEquals(JobEvent.Type.JOB_STARTED, e.getType(), chunked ? "chunked" : "with its length");
        }
    }
}
