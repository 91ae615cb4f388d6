package io.jstate.states.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a state's comment says when a file operation fails: the path and why, never a Java class name. */
class LocalHostErrorsTest {
    @TempDir
    Path root;

    @Test
    void aFailedReadOrWriteSaysWhyInWords() throws IOException {
        LocalHost host = LocalHost.under(root);
        Files.createDirectories(root.resolve("etc/dir"));
        Files.writeString(root.resolve("etc/file"), "x");

        assertEquals("cannot read /etc/nope: no such file or directory",
                assertThrows(HostException.class, () -> host.read(Path.of("/etc/nope"))).getMessage());
        assertEquals("cannot read /etc/dir: Is a directory",
                assertThrows(HostException.class, () -> host.read(Path.of("/etc/dir"))).getMessage());
        assertEquals("cannot create directory /etc/file/sub: a file is in the way",
                assertThrows(HostException.class, () -> host.mkdirs(Path.of("/etc/file/sub"), new FileAttrs(null, null, null))).getMessage());
    }
}
