package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.proto.v1.JobEvent;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream reader's silence bound: keepalives keep a stream alive, silence and a trickle end it. */
@Timeout(30)
class StreamReaderTest {
    private static final long MS = 1_000_000L;

    @Test
    void keepalivesKeepAStreamAliveAndSilenceEndsItSayingSo() throws Exception {
        PipedOutputStream master = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(master, 4096);
        try (StreamReader<JobEvent> r = new StreamReader<>(in, JobEvent::parseDelimitedFrom, "test", Duration.ofMillis(600))) {
            long t0 = System.nanoTime();
            // Three times the bound, with a keepalive every 200 ms: no error.
            while (System.nanoTime() - t0 < 1800 * MS) {
                JobEvent.getDefaultInstance().writeDelimitedTo(master);
                master.flush();
                StreamReader.Item<JobEvent> item = r.poll(400 * MS);
                assertNotNull(item, "a keepalive arrives");
                assertNull(item.error(), () -> "no error while keepalives come: " + item.error());
                Thread.sleep(200);
            }
            long quiet = System.nanoTime();
            StreamReader.Item<JobEvent> item = null;
            while (item == null && System.nanoTime() - quiet < 5000 * MS) item = r.poll(100 * MS);
            long took = (System.nanoTime() - quiet) / MS;
            assertNotNull(item);
            assertNotNull(item.error());
            assertTrue(item.error().getMessage().startsWith("the master sent nothing for "), item.error().getMessage());
            assertTrue(took >= 350 && took < 3000, took + " ms");
            assertEquals(item, r.poll(TimeUnit.SECONDS.toNanos(1)), "asked again, the same answer");
        }
    }

    @Test
    void aBodyTrickledAByteAtATimeIsSilence() throws Exception {
        PipedOutputStream master = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(master, 4096);
        // A message announced as 100 bytes long whose bytes come one every 100 ms.
        Thread trickle = new Thread(() -> {
            try {
                master.write(100);
                for (int i = 0; i < 100; i++) {
                    master.write(0x0a);
                    master.flush();
                    Thread.sleep(100);
                }
            } catch (Exception stopped) {
                // The reader closed the stream.
            }
        });
        trickle.setDaemon(true);
        trickle.start();
        try (StreamReader<JobEvent> r = new StreamReader<>(in, JobEvent::parseDelimitedFrom, "test", Duration.ofMillis(800))) {
            long t0 = System.nanoTime();
            StreamReader.Item<JobEvent> item = null;
            while (item == null && System.nanoTime() - t0 < 5000 * MS) item = r.poll(100 * MS);
            assertNotNull(item);
            assertNotNull(item.error(), "bytes without a whole message are no sign of life");
            assertTrue((System.nanoTime() - t0) / MS < 3000);
        }
    }
}
