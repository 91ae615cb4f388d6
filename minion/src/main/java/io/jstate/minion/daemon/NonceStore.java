package io.jstate.minion.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every job nonce this minion accepted, kept on disk until its envelope expires, so that a
 * replayed envelope is refused even after a restart. One line per nonce: hex, space, expiry in
 * Unix milliseconds. An expired envelope is refused for being expired, so its nonce can go.
 */
final class NonceStore {
    private final Path file;
    private final Map<String, Long> seen = new LinkedHashMap<>();

    NonceStore(Path file) {
        this.file = file;
        if (!Files.exists(file)) return;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] f = line.strip().split(" ");
                if (f.length != 2) continue;
                try {
                    seen.put(f[0], Long.parseLong(f[1]));
                } catch (NumberFormatException e) {
                    // A damaged line is dropped; its envelope has most likely expired anyway.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seen nonces in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a nonce as used until {@code expiresMs}.
     *
     * @return false when the nonce was seen before (a replay); nothing is recorded then
     */
    synchronized boolean use(byte[] nonce, long expiresMs, long nowMs) {
        String key = HexFormat.of().formatHex(nonce);
        Long until = seen.get(key);
        if (until != null && until > nowMs) return false;
        seen.values().removeIf(exp -> exp <= nowMs);
        seen.put(key, expiresMs);
        StringBuilder sb = new StringBuilder(seen.size() * 50);
        seen.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        // The nonce is on disk before the job runs: a crash right after cannot make it runnable again.
        DataDir.writeAtomically(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    synchronized int size() {
        return seen.size();
    }
}
