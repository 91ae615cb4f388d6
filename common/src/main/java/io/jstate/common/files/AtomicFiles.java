package io.jstate.common.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes that a crash cannot tear: a temporary file beside the target, created readable
 * by its owner only, written and forced to disk, given its final attributes, then renamed over the
 * target. Readers see the old content or the new, never a part. Every atomic write in jstate —
 * managed files, the master's keys and jobs, the minion's spool — goes through here.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Sets the temporary file's attributes (mode, owner) before it replaces the target. */
    @FunctionalInterface
    public interface Prepare {
        void accept(Path tmp) throws IOException;
    }

    /** Writes {@code content} with the given mode (e.g. 0600 for keys, 0644 for certificates). */
    public static void write(Path target, byte[] content, int mode) {
        try {
            write(target, content, tmp -> Files.setAttribute(tmp, "unix:mode", mode & 07777));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code content}, letting {@code prepare} set the attributes; the temporary file is removed on failure. */
    public static void write(Path target, byte[] content, Prepare prepare) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".jstate-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // A file system without POSIX permissions: nothing to restrict.
                }
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            prepare.accept(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The original error is the one worth reporting.
            }
            throw e;
        }
    }
}
