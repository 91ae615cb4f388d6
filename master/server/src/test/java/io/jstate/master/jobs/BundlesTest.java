package io.jstate.master.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.BundleFile;
import io.jstate.states.engine.PlanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master packs only files of its trees, and never one of its data folder. */
class BundlesTest {
    @TempDir
    Path dir;

    private static final String SHIP_KEY = """
            key:
              file.managed:
                - name: /tmp/ca.key
                - source: files/ca.key
                - template: none
            """;

    private Path write(String path, String text) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private Bundle bundle(Path states, Path pillar, Path data) {
        return new Bundles(states, pillar, Map.of(), data).bundle("m1", Map.of("id", "m1"), List.of(), List.of("app"), List.of(), Map.of());
    }

    @Test
    void aLinkToTheCaKeyIsRefusedBeforeAnythingIsPacked() throws IOException {
        Path key = write("data/pki/ca.key", "-----BEGIN PRIVATE KEY-----\n");
        write("states/app.sls", SHIP_KEY);
        Files.createDirectories(dir.resolve("states/files"));
        Files.createSymbolicLink(dir.resolve("states/files/ca.key"), key);
        PlanException e = assertThrows(PlanException.class, () -> bundle(dir.resolve("states"), null, dir.resolve("data")));
        assertTrue(e.getMessage().startsWith("app.sls:2: state 'key': file.managed template files/ca.key: is a link to "), e.getMessage());
        assertTrue(e.getMessage().contains("outside the tree"), e.getMessage());
    }

    @Test
    void aDataFolderInsideTheTreeIsRefusedAndTheRestIsPacked() throws IOException {
        write("tree/data/pki/ca.key", "-----BEGIN PRIVATE KEY-----\n");
        write("tree/app.sls", SHIP_KEY.replace("files/ca.key", "data/pki/ca.key"));
        PlanException e = assertThrows(PlanException.class, () -> bundle(dir.resolve("tree"), null, dir.resolve("tree/data")));
        assertTrue(e.getMessage().contains("state 'key'") && e.getMessage().contains("data folder"), e.getMessage());

        write("tree/files/motd", "hello\n");
        write("tree/app.sls", SHIP_KEY.replace("files/ca.key", "files/motd"));
        Bundle b = bundle(dir.resolve("tree"), null, dir.resolve("tree/data"));
        assertEquals(List.of("app.sls", "files/motd"), b.getFilesList().stream().map(BundleFile::getPath).toList());
        assertEquals("hello\n", b.getFiles(1).getContent().toStringUtf8());
    }

    @Test
    void aPillarFileInTheDataFolderIsRefused() throws IOException {
        write("data/secret.sls", "k: v\n");
        write("pillar/top.sls", "base:\n  '*':\n    - secret\n");
        Files.createSymbolicLink(dir.resolve("pillar/secret.sls"), dir.resolve("data/secret.sls"));
        write("states/app.sls", "x:\n  file.absent:\n    - name: /tmp/x\n");
        PlanException e = assertThrows(PlanException.class, () -> bundle(dir.resolve("states"), dir.resolve("pillar"), dir.resolve("data")));
        assertTrue(e.getMessage().startsWith("top.sls:3: secret.sls: is a link to "), e.getMessage());
    }
}
