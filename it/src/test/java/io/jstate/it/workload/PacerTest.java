package io.jstate.it.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class PacerTest {
    @Test
    void itStopsAtMaxOps() throws Exception {
        Pacer p = new Pacer(5, 3, 1000);
        assertEquals(0, p.next());
        assertEquals(1, p.next());
        assertEquals(2, p.next());
        assertEquals(-1, p.next());
    }

    @Test
    void itStopsAtItsSecondsAtItsRate() throws Exception {
        Pacer p = new Pacer(1, 1_000_000, 20);
        int n = 0;
        while (p.next() >= 0) n++;
        long took = (System.nanoTime() - p.start()) / 1_000_000;
        assertTrue(n >= 15 && n <= 21, n + " operations in 1 s at 20 a second");
        assertTrue(took >= 900 && took < 1500, "ended after " + took + " ms");
    }

    @Test
    void itStopsEarlyOnceTheStopFileExists(@TempDir Path dir) throws Exception {
        Pacer p = new Pacer(60, 1_000_000, 1000, dir.resolve(WorkloadProcess.STOP_FILE));
        assertEquals(0, p.next());
        assertEquals(1, p.next());
        WorkloadProcess.stopEarly(dir);
        assertTrue(Files.exists(dir.resolve("stop")));
        assertEquals(-1, p.next());
    }
}
