package io.jstate.common.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesContentAndSetsTheModeBeforeTheRename() throws IOException {
        Path f = dir.resolve("ca.crt");
        Files.writeString(f, "old");
        AtomicFiles.write(f, "new".getBytes(), 0644);
        assertEquals("new", Files.readString(f));
        assertEquals(0644, (Integer) Files.getAttribute(f, "unix:mode") & 07777);
        AtomicFiles.write(f, "secret".getBytes(), 0600);
        assertEquals(0600, (Integer) Files.getAttribute(f, "unix:mode") & 07777);
        assertEquals(List.of("ca.crt"), list());
    }

    @Test
    void aFailedPrepareLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("job.pb");
        Files.writeString(f, "kept");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, "lost".getBytes(), tmp -> {
            throw new IOException("no such user");
        }));
        assertEquals("kept", Files.readString(f));
        assertEquals(List.of("job.pb"), list());
    }

    private List<String> list() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
