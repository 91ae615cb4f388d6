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
            Thread.sleep(1200);
            Canned.started("ctl1").writeDelimitedTo(out);
            out.close();
        });
        try (InputStream in = client(master.url()).stream("/slow", Duration.ofMillis(300))) {
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
}
