package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion scripts: the committed copies are what the command generates, and real bash and
 * zsh complete with them (bash through its completion function and COMPREPLY, zsh by loading the
 * script through compinit and calling its function with compadd recorded).
 */
@Timeout(60)
class CompletionTest {
    static final Path REPO = Path.of("").toAbsolutePath().resolve("../..").normalize();
    static final Path BASH = REPO.resolve("packaging/completion/jstate.bash");
    static final Path ZSH = REPO.resolve("packaging/completion/_jstate");
    /** Set to rewrite the committed copies from the generator. */
    static final boolean WRITE = Boolean.getBoolean("jstate.completion.write");

    @TempDir
    Path tmp;

    @Test
    void theCommittedScriptsAreTheGeneratedOnes() throws IOException {
        for (String shell : List.of("bash", "zsh")) {
            CliFixture.Result r = CliFixture.run(Map.of(), Duration.ofSeconds(5), "completion", shell);
            assertEquals(0, r.code(), r::toString);
            Path file = shell.equals("bash") ? BASH : ZSH;
            if (WRITE) Files.writeString(file, r.out(), StandardCharsets.UTF_8);
            String committed = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            assertEquals(r.out(), committed, REPO.relativize(file) + " is not what 'jstate completion " + shell + "' prints; regenerate it:"
                    + " ./mvnw -q -o -pl master/cli -am test -Dtest=CompletionTest -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Djstate.completion.write=true (or: jstate completion " + shell + " > " + REPO.relativize(file) + ")");
        }
        CliFixture.Result bad = CliFixture.run(Map.of(), Duration.ofSeconds(5), "completion", "fish");
        assertEquals(1, bad.code(), bad::toString);
        assertTrue(bad.err().contains("no completion for shell 'fish'"), bad::toString);
    }

    @Test
    void bashCompletesCommandsSubcommandsAndOptions() throws Exception {
        Path script = write("jstate.bash", Completion.bash(Main.COMMANDS));
        assertEquals(List.of("keys"), bash(script, "jstate", "ke"));
        assertEquals(List.of("accept"), bash(script, "jstate", "keys", "a"));
        assertEquals(List.of("--target", "--test", "--timeout"), bash(script, "jstate", "apply", "--t"));
        // Options and their values before the command do not hide it.
        assertEquals(List.of("accept"), bash(script, "jstate", "--config", "/etc/jstate/master.yaml", "keys", "ac"));
        assertEquals(List.of("show"), bash(script, "jstate", "jobs", "s"));
        assertEquals(List.of("--json"), bash(script, "jstate", "jobs", "show", "--j"));
        assertEquals(List.of("--config", "--count"), bash(script, "jstate", "events", "--co"));
        assertEquals(List.of("zsh"), bash(script, "jstate", "completion", "z"));
        // After an option that takes a value, the value is the operator's: nothing is offered.
        assertEquals(List.of(), bash(script, "jstate", "apply", "-t", ""));
        // A command's positional word does not start a new command.
        assertEquals(List.of("--target", "--test", "--timeout"), bash(script, "jstate", "apply", "keys", "--t"));
        List<String> top = bash(script, "jstate", "");
        assertTrue(top.containsAll(List.of("keys", "minions", "apply", "run", "orchestrate", "jobs", "events", "completion", "--master")), top::toString);
    }

    @Test
    void zshParsesLoadsThroughCompinitAndCompletes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("zfunc"));
        Path script = dir.resolve("_jstate");
        Files.writeString(script, Completion.zsh(Main.COMMANDS));
        Run syntax = run(List.of("zsh", "-n", script.toString()));
        assertEquals(0, syntax.code, syntax.toString());
        Run loaded = run(List.of("zsh", "-f", "-c", "fpath=(" + dir + " $fpath); autoload -U compinit; compinit -u -d "
                + tmp.resolve("zcompdump") + "; print -r -- ${_comps[jstate]}"));
        assertEquals(0, loaded.code, loaded.toString());
        assertEquals("_jstate", loaded.out.strip(), loaded.toString());

        assertEquals(List.of("keys"), zsh(script, "ke", "jstate", "ke"));
        assertEquals(List.of("accept"), zsh(script, "a", "jstate", "keys", "a"));
        assertEquals(List.of("--target", "--test", "--timeout"), zsh(script, "--t", "jstate", "apply", "--t"));
        assertEquals(List.of("accept"), zsh(script, "ac", "jstate", "--pki", "/tmp", "keys", "ac"));
        assertEquals(List.of("bash"), zsh(script, "b", "jstate", "completion", "b"));
        assertEquals(List.of("FILES -/"), zsh(script, "", "jstate", "--pki", ""));
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** What bash's completion function puts in COMPREPLY for the words, the last being completed. */
    private List<String> bash(Path script, String... words) throws Exception {
        StringBuilder arr = new StringBuilder();
        for (String w : words) arr.append(" '").append(w.replace("'", "'\\''")).append('\'');
        String code = "source " + script + "; complete -p jstate >/dev/null || exit 3; COMP_WORDS=(" + arr + "); COMP_CWORD=" + (words.length - 1)
                + "; _jstate; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Run r = run(List.of("bash", "--norc", "--noprofile", "-c", code));
        assertEquals(0, r.code, r.toString());
        return lines(r.out);
    }

    /**
     * What zsh's completion function offers for the words with {@code prefix} typed: compadd is
     * stood in for by a function that keeps the candidates starting with the prefix, as compadd
     * itself does, and _files by one that names itself.
     */
    private List<String> zsh(Path script, String prefix, String... words) throws Exception {
        StringBuilder arr = new StringBuilder();
        for (String w : words) arr.append(" '").append(w.replace("'", "'\\''")).append('\'');
        String code = "compadd() { local c; for c in \"${@[2,-1]}\"; do [[ $c == ${PREFIX}* ]] && print -r -- $c; done; return 0 };"
                + " _files() { print -r -- FILES \"$@\" };"
                + " words=(" + arr + "); CURRENT=" + words.length + "; PREFIX='" + prefix + "'; source " + script;
        Run r = run(List.of("zsh", "-f", "-c", code));
        assertTrue(r.code == 0 || r.code == 1, r.toString());
        return lines(r.out);
    }

    private static List<String> lines(String out) {
        List<String> l = new ArrayList<>();
        for (String s : out.split("\n")) if (!s.isEmpty()) l.add(s);
        return l;
    }

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Run run(List<String> cmd) throws Exception {
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
