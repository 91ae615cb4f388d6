package io.jstate.minion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jstate-minion apply --local}, run as its own process, on a state tree with a link that
 * leaves it: the run stops before anything is applied, exit status 1, and stderr names the file,
 * line and state id, with no Java stack trace.
 */
class ApplyLocalConfinementTest {
    @TempDir
    Path dir;

    @Test
    void aLinkOutOfTheStateTreeStopsTheRunWithFileLineAndId() throws IOException, InterruptedException {
        Path secret = Files.writeString(dir.resolve("secret.key"), "-----BEGIN PRIVATE KEY-----\n");
        Path states = Files.createDirectories(dir.resolve("states/files"));
        Files.createSymbolicLink(states.resolve("ca.key"), secret);
        Files.writeString(dir.resolve("states/app.sls"), """
                key:
                  file.managed:
                    - name: /etc/ca.key
                    - source: files/ca.key
                    - template: none
                """);
        Path root = Files.createDirectories(dir.resolve("root"));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-cp", cp, "io.jstate.minion.cli.Main", "apply", "--local",
                "--states", dir.resolve("states").toString(), "--root", root.toString(), "--id", "m1", "app")
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "apply did not finish");
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("app.sls:2: state 'key': file.managed template files/ca.key: is a link to " + secret.toRealPath()), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        assertEquals(List.of(), List.of(root.toFile().list()), "nothing was written below --root");
    }
}
