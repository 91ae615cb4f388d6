package io.jstate.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jstate.common.config.MasterConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jstate-master's help has examples, and each example is a command line the master accepts. */
class MainTest {
    @Test
    void helpExamplesParse() throws Exception {
        List<String> examples = new ArrayList<>();
        boolean in = false;
        for (String line : Main.USAGE.split("\n")) {
            if (line.equals("Examples:")) in = true;
            else if (in && line.startsWith("  jstate-master")) examples.add(line.strip());
        }
        assertFalse(examples.isEmpty(), Main.USAGE);
        for (String example : examples) {
            String[] words = example.split(" ");
            assertEquals("jstate-master", words[0]);
            Main.Invocation run = Main.parse(java.util.Arrays.copyOfRange(words, 1, words.length));
            assertFalse(run == null, example);
        }
        assertEquals(new Main.Invocation(MasterConfig.DEFAULT_FILE, false), Main.parse());
        assertEquals(new Main.Invocation(Path.of("/srv/m.yaml"), true), Main.parse("--init", "--config=/srv/m.yaml"));
        assertNull(Main.parse("--help"));
        assertThrows(Main.UsageException.class, () -> Main.parse("--confg", "x"));
    }
}
