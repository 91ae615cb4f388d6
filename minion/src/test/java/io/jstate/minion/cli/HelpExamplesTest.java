package io.jstate.minion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * jstate-minion's help, of the main command and each subcommand, ends with examples, and each
 * example is accepted by the same command-line model (parsed, not run), so help cannot drift.
 */
class HelpExamplesTest {
    @Test
    void everyCommandsHelpHasExamplesThatParse() {
        int checked = 0;
        for (List<String> command : List.of(List.<String>of(), List.of("apply"), List.of("run"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
            List<String> argv = new ArrayList<>(command);
            argv.add("--help");
            int code = Main.run(argv.toArray(String[]::new), ps, ps, ApplyCommand.system(ps, ps, false), RunCommand.system(ps));
            String help = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, help);
            List<String> examples = new ArrayList<>();
            boolean in = false;
            for (String line : help.split("\n")) {
                if (line.equals("Examples:")) in = true;
                else if (in && line.startsWith("  jstate-minion")) examples.add(line.strip());
            }
            assertFalse(examples.isEmpty(), "no examples in:\n" + help);
            for (String example : examples) {
                String[] words = example.split(" ");
                assertEquals("jstate-minion", words[0]);
                CommandLine cmd = Main.commandLine(ps, ApplyCommand.system(ps, ps, false), RunCommand.system(ps));
                CommandLine.ParseResult parsed;
                try {
                    parsed = cmd.parseArgs(Arrays.copyOfRange(words, 1, words.length));
                } catch (CommandLine.ParameterException e) {
                    throw new AssertionError("example does not parse: " + example + ": " + e.getMessage());
                }
                if (!command.isEmpty()) {
                    assertTrue(parsed.hasSubcommand() && parsed.subcommand().commandSpec().name().equals(command.get(0)),
                            "an example of '" + command + "' runs another command: " + example);
                }
                checked++;
            }
        }
        assertTrue(checked >= 7, "only " + checked + " examples");
    }
}
