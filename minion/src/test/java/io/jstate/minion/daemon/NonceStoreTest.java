package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonceStoreTest {
    @TempDir
    Path tmp;

    @Test
    void aUsedNonceStaysUsedAcrossRestartsUntilItExpires() {
        Path file = tmp.resolve("nonces");
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        b[0] = 1;
        assertTrue(new NonceStore(file).use(a, 2_000, 1_000));
        NonceStore restarted = new NonceStore(file);
        assertFalse(restarted.use(a, 2_000, 1_500));
        assertTrue(restarted.use(b, 5_000, 1_500));
        assertEquals(2, new NonceStore(file).size());
    }

    @Test
    void expiredNoncesArePrunedWhenAnotherIsRecorded() throws Exception {
        Path file = tmp.resolve("nonces");
        NonceStore s = new NonceStore(file);
        for (int i = 0; i < 5; i++) s.use(new byte[] {(byte) i}, 1_000 + i, 500);
        byte[] late = {42};
        assertTrue(s.use(late, 10_000, 2_000));
        assertEquals(1, s.size());
        assertEquals("2a 10000\n", Files.readString(file));
        assertFalse(Files.exists(tmp.resolve(".nonces.tmp")));
    }

    @Test
    void aDamagedLineIsDropped() throws Exception {
        Path file = tmp.resolve("nonces");
        Files.writeString(file, "00 notanumber\nff 9000\ngarbage\n");
        NonceStore s = new NonceStore(file);
        assertEquals(1, s.size());
        assertFalse(s.use(new byte[] {(byte) 0xff}, 9_000, 1_000));
    }
}
