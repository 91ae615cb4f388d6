package io.jstate.minion.daemon;

import io.jstate.common.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The minion's data folder: {@code pki/} (its key and certificate, the master's CA and signing
 * key), {@code spool/} (final results waiting for the master's ack) and {@code nonces}.
 */
public record DataDir(Path root) {

    public Path pki() {
        return root.resolve("pki");
    }

    public Path minionKey() {
        return pki().resolve("minion.key");
    }

    public Path minionCert() {
        return pki().resolve("minion.crt");
    }

    public Path masterCa() {
        return pki().resolve("master-ca.crt");
    }

    public Path masterSigningKey() {
        return pki().resolve("master-signing.pub");
    }

    public Path spool() {
        return root.resolve("spool");
    }

    public Path nonces() {
        return root.resolve("nonces");
    }

    /** Creates the folders; only root may look into them, since pki/ holds the private key. */
    public DataDir create() {
        for (Path p : new Path[] {root, pki(), spool()}) {
            try {
                if (!Files.isDirectory(p)) Files.createDirectories(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // A file system without POSIX permissions (only seen in tests) keeps its defaults.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + p + ": " + e.getMessage(), e);
            }
        }
        return this;
    }

    /**
     * Writes a file so that a crash leaves either the old content or the new, never a part: a
     * private temporary file beside it, forced to disk, then renamed over the target.
     */
    public static void writeAtomically(Path target, byte[] content) {
        AtomicFiles.write(target, content, 0600);
    }
}
