package io.jstate.minion.daemon;

import io.jstate.common.wire.Fingerprints;
import io.jstate.proto.v1.JobResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Final job results on disk ({@code spool/<jid>.pb}) from before they are sent until the master
 * acknowledges them, so that neither a cut connection nor a restart of either side loses one.
 */
final class Spool {
    private final Path dir;

    Spool(Path dir) {
        this.dir = dir;
    }

    void write(JobResult result) {
        DataDir.writeAtomically(file(result.getJid()), result.toByteArray());
    }

    void delete(String jid) {
        try {
            Files.deleteIfExists(file(jid));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the spooled result of " + jid + ": " + e.getMessage(), e);
        }
    }

    /** The spooled results, oldest jid first; an unreadable file is left for an operator to look at. */
    List<JobResult> all() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.pb")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spool " + dir + ": " + e.getMessage(), e);
        }
        files.sort(null);
        List<JobResult> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(JobResult.parseFrom(Files.readAllBytes(f)));
            } catch (IOException e) {
                // Kept on disk but not sent: resending garbage would not help the master.
            }
        }
        return out;
    }

    /**
     * A jid names its file when it is a plain token (as every jid the master makes is); any other
     * string, such as the unverified jid of a refused envelope, is named by its hash instead.
     */
    private Path file(String jid) {
        String name = jid.matches("[A-Za-z0-9_-]{1,64}") ? jid
                : "x" + Fingerprints.sha256(jid.getBytes(StandardCharsets.UTF_8)).replace(":", "").substring(0, 32);
        return dir.resolve(name + ".pb");
    }
}
