package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every command's help ends with examples, and every example is a command line the command's
 * grammar accepts, naming that command: help and parser cannot drift apart.
 */
class HelpExamplesTest {
    private static final List<String> NUMBERS = List.of("--timeout", "--count", "--limit");

    @Test
    void everyCommandsHelpHasExamplesThatParseAsThatCommand() throws Exception {
        List<String> paths = new ArrayList<>(Main.COMMANDS.keySet());
        paths.add(0, "");
        int checked = 0;
        for (String path : paths) {
            List<String> argv = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
            argv.add("--help");
            CliFixture.Result r = CliFixture.run(Map.of(), java.time.Duration.ofSeconds(5), argv.toArray(String[]::new));
            assertEquals(0, r.code(), r::toString);
            List<String> examples = examples(r.out());
            assertFalse(examples.isEmpty(), "'jstate " + path + " --help' has no Examples block:\n" + r.out());
            for (String example : examples) {
                List<String> words = words(example);
                assertEquals("jstate", words.get(0), example);
                Args a;
                try {
                    a = Args.parse(words.subList(1, words.size()).toArray(String[]::new), Main.COMMANDS);
                } catch (Args.UsageException e) {
                    throw new AssertionError("example of 'jstate " + path + "' does not parse: " + example + ": " + e.getMessage());
                }
                assertTrue(path.isEmpty() ? !a.path.isEmpty() : a.path.equals(path) || a.path.startsWith(path + " "),
                        "example of 'jstate " + path + "' runs '" + a.path + "': " + example);
                assertTrue(Main.COMMANDS.get(a.path).maxPositional() >= 0, "an example names a whole command: " + example);
                for (String n : NUMBERS) a.positive(n);
                checked++;
            }
        }
        assertTrue(checked > 2 * Main.COMMANDS.size(), "only " + checked + " examples");
    }

    @Test
    void theExampleReaderRefusesWhatTheParserRefuses() {
        assertThrowsUsage("jstate apply -t 'web*' --tset");
        assertThrowsUsage("jstate keys reject");
        assertEquals(List.of("jstate", "run", "-t", "web*", "cmd.run", "ls -l"), words("jstate run -t 'web*' cmd.run \"ls -l\""));
    }

    private static void assertThrowsUsage(String line) {
        List<String> w = words(line);
        try {
            Args.parse(w.subList(1, w.size()).toArray(String[]::new), Main.COMMANDS);
            fail("parsed: " + line);
        } catch (Args.UsageException expected) {
            // As it must.
        }
    }

    /** The lines of the "Examples:" block: indented lines after the heading, up to a blank line or the end. */
    static List<String> examples(String help) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : help.split("\n")) {
            if (line.equals("Examples:")) {
                in = true;
                continue;
            }
            if (!in) continue;
            if (line.isBlank() || !line.startsWith("  ")) break;
            out.add(line.strip());
        }
        return out;
    }

    /** A command line split as a POSIX shell would split it, for single and double quotes (no expansions). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean have = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                have = true;
            } else if (c == ' ') {
                if (have) out.add(w.toString());
                w.setLength(0);
                have = false;
            } else {
                w.append(c);
                have = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unbalanced quote in " + line);
        if (have) out.add(w.toString());
        return out;
    }
}
