package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code jstate ...} command line in the shell code blocks (fenced as sh, bash, shell,
 * console or with no language) of docs/*.md parses against the CLI's grammar (command, options,
 * values, number of arguments, and the checks a job's options get before anything is sent), so
 * the guide cannot drift from the CLI. A block preceded by the
 * comment {@code <!-- cli-check: pending -->} is skipped: it shows commands that are being added
 * on another branch and is unmarked when they land.
 */
class DocsCommandsTest {
    /** The repository's docs, from this module's folder (surefire's working directory). */
    static final Path DOCS = Path.of("..", "..", "docs");
    static final String PENDING = "<!-- cli-check: pending -->";
    /** The info strings of fenced blocks that hold command lines. */
    static final java.util.Set<String> SHELLS = java.util.Set.of("", "sh", "bash", "shell", "console");

    /** A command line of a document, where it was found. */
    record Line(String file, int line, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + text;
        }
    }

    @Test
    void everyDocumentedCommandParses() throws IOException {
        List<Line> lines = commands();
        List<String> bad = new ArrayList<>();
        for (Line l : lines) {
            try {
                check(words(l.text()));
            } catch (Args.UsageException | IllegalArgumentException e) {
                bad.add(l + "\n    -> " + e.getMessage());
            }
        }
        assertTrue(bad.isEmpty(), "documented commands the CLI would refuse (fix the doc or the CLI):\n" + String.join("\n", bad));
        // The guide shows every command at least once; far fewer lines means the extraction broke.
        assertTrue(lines.size() >= 20, "only " + lines.size() + " jstate command lines found in " + DOCS.toAbsolutePath());
        for (String command : Main.COMMANDS.keySet()) {
            if (Main.COMMANDS.get(command).maxPositional() < 0) continue;
            assertTrue(lines.stream().anyMatch(l -> parsesAs(l, command)),
                    "the docs show no example of 'jstate " + command + "'");
        }
    }

    @Test
    void theCheckRefusesWhatTheCliRefuses() {
        assertThrows(Args.UsageException.class, () -> check(words("jstate aply -t '*'")));
        assertThrows(Args.UsageException.class, () -> check(words("jstate apply --tset -t '*'")));
        assertThrows(Args.UsageException.class, () -> check(words("jstate apply galera")));
        assertThrows(Args.UsageException.class, () -> check(words("jstate keys reject")));
        assertThrows(Args.UsageException.class, () -> check(words("jstate keys accept")));
        assertThrows(Args.UsageException.class, () -> check(words("jstate keys")));
        assertThrows(Args.UsageException.class, () -> check(words("jstate apply -t '*' --batch 0")));
        assertThrows(Args.UsageException.class, () -> check(words("jstate jobs list --limit -3")));
        assertEquals(List.of("jstate", "run", "-t", "G@roles:controller and not ctl3", "cmd.run", "uptime"),
                words("jstate run -t 'G@roles:controller and not ctl3' cmd.run uptime   # comment"));
        assertEquals(List.of("jstate", "run", "-t", "*", "cmd.run", "a b"), words("jstate run -t \"*\" cmd.run 'a b' | head"));
    }

    /** Parses as the CLI does, then applies the checks its commands make before they talk to the master. */
    static Args check(List<String> words) throws Args.UsageException {
        if (words.isEmpty() || !words.get(0).equals("jstate")) throw new IllegalArgumentException("not a jstate command line");
        Args args = Args.parse(words.subList(1, words.size()).toArray(String[]::new), Main.COMMANDS);
        if (args.flag("--help")) return args;
        if (args.path.isEmpty() || Main.COMMANDS.get(args.path).maxPositional() < 0) {
            throw new Args.UsageException(args.path, "a command is required");
        }
        switch (args.path) {
            case "apply", "run" -> JobOptions.of(args);
            case "keys accept" -> {
                if (args.flag("--all") == !args.positionals.isEmpty()) throw new Args.UsageException(args.path, "give either a minion ID or --all");
                if (args.flag("--all") && args.flag("--role")) throw new Args.UsageException(args.path, "--role needs a minion ID, not --all");
            }
            case "orchestrate" -> args.positive("--timeout");
            case "jobs list" -> args.positive("--limit");
            default -> { }
        }
        return args;
    }

    private static boolean parsesAs(Line l, String command) {
        try {
            return check(words(l.text())).path.equals(command);
        } catch (Args.UsageException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The jstate command lines of every fenced block of docs/*.md, continuation lines joined. */
    static List<Line> commands() throws IOException {
        assertTrue(Files.isDirectory(DOCS), DOCS.toAbsolutePath() + " is missing");
        List<Path> files;
        try (Stream<Path> s = Files.list(DOCS)) {
            files = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        List<Line> out = new ArrayList<>();
        for (Path f : files) {
            List<String> text = Files.readAllLines(f, StandardCharsets.UTF_8);
            boolean inBlock = false;
            boolean skip = false;
            String previous = "";
            for (int i = 0; i < text.size(); i++) {
                String raw = text.get(i);
                String line = raw.strip();
                if (line.startsWith("```")) {
                    inBlock = !inBlock;
                    // Output (text), configs (yaml) and other languages are not command lines.
                    String lang = line.substring(3).strip();
                    skip = inBlock && (previous.equals(PENDING) || !SHELLS.contains(lang));
                    previous = line;
                    continue;
                }
                if (!line.isEmpty()) previous = line;
                if (!inBlock || skip) continue;
                if (line.startsWith("$ ") || line.startsWith("# ")) line = line.substring(2).strip();
                if (!line.startsWith("jstate ") && !line.equals("jstate")) continue;
                int at = i + 1;
                while (line.endsWith("\\") && i + 1 < text.size()) {
                    line = line.substring(0, line.length() - 1) + " " + text.get(++i).strip();
                }
                out.add(new Line(f.getFileName().toString(), at, line));
            }
        }
        return out;
    }

    /**
     * The words a POSIX shell would pass, for the simple lines docs hold: single and double quotes,
     * backslash escapes outside single quotes; a comment, a pipe, a redirection or a command
     * separator ends the command.
     */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) throw new IllegalArgumentException("unbalanced ' in: " + line);
                w.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    if (line.charAt(j) == '\\' && j + 1 < line.length()) j++;
                    w.append(line.charAt(j));
                }
                if (j >= line.length()) throw new IllegalArgumentException("unbalanced \" in: " + line);
                i = j;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                w.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) out.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else if (!inWord && (c == '#' || c == '|' || c == '>' || c == '<' || c == ';' || c == '&')) {
                break;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) out.add(w.toString());
        return out;
    }
}
