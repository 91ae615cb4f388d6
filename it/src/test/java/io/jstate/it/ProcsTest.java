package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcsTest {
    @TempDir
    Path logs;

    /** A second process of the same name appends to the same log, and sees only what it wrote. */
    @Test
    void aProcessSeesOnlyItsOwnPartOfALogNamedAsAnEarlierOnes() throws Exception {
        try (Procs procs = new Procs(logs)) {
            Procs.Proc first = procs.start("loop", List.of("bash", "-c", "echo '{\"run\": \"old\"}'"));
            first.awaitLine(l -> l.startsWith("{\"run\""), Duration.ofSeconds(30), "the first result");
            assertTrue(first.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            Procs.Proc second = procs.start("loop", List.of("bash", "-c", "sleep 0.5; echo '{\"run\": \"new\"}'"));
            String line = second.awaitLine(l -> l.startsWith("{\"run\""), Duration.ofSeconds(30), "the second result");
            assertEquals("{\"run\": \"new\"}", line);
            assertFalse(second.output().contains("old"), second.output());
            assertTrue(second.output().startsWith("$ bash -c sleep 0.5;"), second.output());
            assertTrue(Files.readString(logs.resolve("loop.log")).contains("{\"run\": \"old\"}"), "the log keeps both");
        }
    }
}
