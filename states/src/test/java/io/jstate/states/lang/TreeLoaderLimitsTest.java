package io.jstate.states.lang;

import io.jstate.common.yaml.Yaml12;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.PlanException;
import io.jstate.states.kinds.Kinds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the loader refuses to read, and how it says so: links out of a tree, the master's data
 * folder, files that are not UTF-8 or too large, nesting and aliases past their limits, and two
 * states of one family under one id. Each refusal names the file and line (and the state id where
 * there is one).
 */
class TreeLoaderLimitsTest {
    @TempDir
    Path dir;

    private Path states() {
        return dir.resolve("states");
    }

    private Path write(String path, String text) throws IOException {
        return write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String path, byte[] bytes) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    private Path link(String path, Path target) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.createSymbolicLink(p, target);
    }

    private Compiled compile(Set<Path> refused, Path pillar, String... targets) {
        return new Compiler(Kinds.registry(), refused).compile(
                new CompileRequest(states(), pillar, Map.of("os", "Debian"), "ctl1", List.of(), List.of(targets), Map.of()));
    }

    private String fails(String... targets) {
        return fails(Set.of(), null, targets);
    }

    private String fails(Set<Path> refused, Path pillar, String... targets) {
        return assertThrows(PlanException.class, () -> compile(refused, pillar, targets)).getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }

    private static final String SHIP_KEY = """
            key:
              file.managed:
                - name: /tmp/ca.key
                - source: files/ca.key
                - template: none
            """;

    // ---- links and the data folder ----

    @Test
    void aFileSourceLinkedOutOfTheTreeIsRefusedAtItsState() throws IOException {
        Path key = write("data/pki/ca.key", "-----BEGIN PRIVATE KEY-----\n");
        link("states/files/ca.key", key);
        write("states/app.sls", SHIP_KEY);
        contains(fails("app"), "app.sls:2: state 'key': file.managed", "files/ca.key", "outside the tree");
    }

    @Test
    void anSlsOrFolderLinkedFromOutsideIsNeitherReadNorRun() throws IOException {
        write("outside/evil.sls", "x:\n  cmd.run:\n    - name: touch /tmp/pwned\n");
        link("states/evil.sls", dir.resolve("outside/evil.sls"));
        link("states/ext", dir.resolve("outside"));
        write("states/app.sls", "include:\n  - evil\n");
        contains(fails("app"), "app.sls:2: ", "evil.sls", "outside the tree");
        contains(fails("ext.evil"), "ext/evil.sls", "outside the tree");
        contains(fails("evil"), "evil.sls", "outside the tree");
    }

    @Test
    void aPartialOrPillarFileLinkedOutOfItsTreeIsRefused() throws IOException {
        write("outside/part.mustache", "secret\n");
        link("states/t/part.mustache", dir.resolve("outside/part.mustache"));
        write("states/t/main.mustache", "{{> t/part.mustache}}\n");
        write("states/app.sls", "cfg:\n  file.managed:\n    - name: /tmp/x\n    - source: t/main.mustache\n");
        contains(fails("app"), "app.sls:2: state 'cfg'", "t/part.mustache", "outside the tree");

        write("outside/db.sls", "db: {password: x}\n");
        link("pillar/db.sls", dir.resolve("outside/db.sls"));
        write("pillar/top.sls", "base:\n  '*':\n    - db\n");
        write("states/ok.sls", "ok:\n  file.absent:\n    - name: /tmp/ok\n");
        contains(fails(Set.of(), dir.resolve("pillar"), "ok"), "top.sls:3: ", "db.sls", "outside the tree");
    }

    @Test
    void aLinkThatStaysInsideTheTreeIsRead() throws IOException {
        write("states/files/real.conf", "x=1\n");
        link("states/files/ca.key", states().resolve("files/real.conf"));
        write("states/app.sls", SHIP_KEY);
        assertTrue(compile(Set.of(), null, "app").files().contains("files/ca.key"));
    }

    @Test
    void theMastersDataFolderIsNeverReadEvenInsideTheTree() throws IOException {
        write("states/files/ca.key", "-----BEGIN PRIVATE KEY-----\n");
        write("states/app.sls", SHIP_KEY);
        contains(fails(Set.of(states().resolve("files")), null, "app"), "app.sls:2: state 'key'", "files/ca.key", "data folder");
        // The same tree without the refusal compiles: the refusal, not the file, made the difference.
        assertEquals(1, compile(Set.of(), null, "app").plan().steps().size());
    }

    @Test
    void aHardLinkToAFileOfTheDataFolderIsRefused() throws IOException {
        Path key = write("data/pki/ca.key", "-----BEGIN PRIVATE KEY-----\n");
        Files.createDirectories(states().resolve("files"));
        Files.createLink(states().resolve("files/ca.key"), key);
        write("states/app.sls", SHIP_KEY);
        contains(fails(Set.of(dir.resolve("data")), null, "app"), "app.sls:2: state 'key'", "files/ca.key", "hard link", "data folder");
        // A hard link between two files of the tree is an ordinary file.
        write("states/files/real.conf", "x=1\n");
        Files.delete(states().resolve("files/ca.key"));
        Files.createLink(states().resolve("files/ca.key"), states().resolve("files/real.conf"));
        assertEquals(1, compile(Set.of(dir.resolve("data")), null, "app").plan().steps().size());
    }

    // ---- encodings and sizes ----

    @Test
    void aFileThatIsNotUtf8NamesItsFirstBadLine() throws IOException {
        write("states/app.sls", "a:\n  file.absent: []\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        contains(fails("app"), "app.sls:3: ", "not UTF-8");
        write("states/t.mustache", "ok\n\nx=\u00ff\n".getBytes(StandardCharsets.ISO_8859_1));
        write("states/cfg.sls", "cfg:\n  file.managed:\n    - name: /tmp/x\n    - source: t.mustache\n");
        String m = fails("cfg");
        contains(m, "state 'cfg'", "t.mustache:3: ", "not UTF-8");
        assertFalse(m.contains("Failed to read"), m);
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedByName() throws IOException {
        byte[] big = new byte[TreeFiles.MAX_TEXT_BYTES + 1];
        java.util.Arrays.fill(big, (byte) '#');
        write("states/big.sls", big);
        contains(fails("big"), "big.sls: ", "larger than 8 MiB");
    }

    @Test
    void partialsIncludedManyTimesOverAreRefusedQuickly() throws IOException {
        // A few bytes of templates that would render 4^29 characters: each file includes the next four times.
        for (int i = 1; i < 30; i++) write("states/m" + i + ".mustache", ("{{> m" + (i + 1) + ".mustache}}").repeat(4));
        write("states/m30.mustache", "x");
        write("states/fan.sls", "fan:\n  file.managed:\n    - name: /tmp/x\n    - source: m1.mustache\n");
        String m = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> fails("fan"));
        contains(m, "fan.sls:2: state 'fan': file.managed template m1.mustache", "includes partials more than 10000 times");
    }

    @Test
    void aSectionOverALongListInsideAnotherStopsAtTheOutputLimit() throws IOException {
        write("states/sq.mustache", "{{#items}}{{#items}}{{.}}{{/items}}{{/items}}");
        write("states/sq.sls", "sq:\n  file.managed:\n    - name: /tmp/x\n    - source: sq.mustache\n    - context:\n        items: ["
                + "1234567890,".repeat(20_000) + "1]\n");
        String m = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> fails("sq"));
        contains(m, "state 'sq'", "sq.mustache", "renders to more than 8 MiB");
    }

    // ---- nesting and aliases ----

    @Test
    void deeplyNestedSectionsAreRefusedAtTheirLineWithoutOverflowingTheStack() throws IOException {
        StringBuilder t = new StringBuilder("a:\n  test.nop: []\n");
        for (int i = 0; i < 1000; i++) t.append("{{#grains}}\n");
        for (int i = 0; i < 1000; i++) t.append("{{/grains}}\n");
        write("states/deep.sls", t.toString());
        contains(fails("deep"), "deep.sls:" + (2 + Renderer.MAX_SECTION_DEPTH + 1) + ": ", "nest deeper than 100");
    }

    @Test
    void partialsThatIncludeThemselvesEndInAnErrorNamingTheTemplate() throws IOException {
        write("states/t.mustache", "x\n{{#minion}}{{> t.mustache}}{{/minion}}\n");
        write("states/cfg.sls", "cfg:\n  file.managed:\n    - name: /tmp/x\n    - source: t.mustache\n");
        contains(fails("cfg"), "cfg.sls:2: state 'cfg': file.managed template t.mustache");
    }

    @Test
    void sectionsNestedThroughAChainOfPartialsEndInAnErrorNotAStackOverflow() throws IOException {
        // Each file is within the limit; together they nest 95 x 95 sections deep.
        for (int i = 0; i < 95; i++) {
            String inner = i == 94 ? "end" : "{{> p" + (i + 1) + ".mustache}}";
            write("states/p" + i + ".mustache", "{{#minion}}".repeat(95) + inner + "{{/minion}}".repeat(95));
        }
        write("states/cfg.sls", "cfg:\n  file.managed:\n    - name: /tmp/x\n    - source: p0.mustache\n");
        contains(fails("cfg"), "cfg.sls:2: state 'cfg': file.managed template p0.mustache", "too deeply");
    }

    @Test
    void deeplyNestedYamlIsRefusedAtItsLine() throws IOException {
        StringBuilder t = new StringBuilder("a:\n  test.nop:\n    - settings:\n");
        String indent = "        ";
        for (int i = 0; i < 200; i++) {
            t.append(indent).append("k:\n");
            indent += "  ";
        }
        t.append(indent).append("v\n");
        write("states/deep.sls", t.toString());
        // Levels: the file, a's mapping, the argument list, its item, settings, then k after k.
        contains(fails("deep"), "deep.sls:", "nest deeper than 100 levels");
        String flow = "a: " + "[".repeat(1000) + "]".repeat(1000) + "\n";
        write("states/flow.sls", flow);
        contains(fails("flow"), "flow.sls:1: ", "nest deeper than 100 levels");
    }

    @Test
    void tooManyAliasesAreRefusedAtTheLineOfTheFirstOneTooMany() throws IOException {
        StringBuilder t = new StringBuilder("base: &b [1]\nall:\n");
        for (int i = 0; i < 150; i++) t.append("  - *b\n");
        write("states/alias.sls", t.toString());
        contains(fails("alias"), "alias.sls:" + (2 + Yaml12.MAX_ALIASES + 1) + ": ", "more than 100 aliases");
    }

    @Test
    void aliasesThatExpandPastTheLimitAreRefused() throws IOException {
        StringBuilder t = new StringBuilder("a:\n  test.nop:\n    - items: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 7; i++) {
            String prev = "*l" + (i - 1);
            t.append("    - settings").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, prev))).append("]\n");
        }
        write("states/laughs.sls", t.toString());
        contains(fails("laughs"), "laughs.sls:", "state 'a'", "more than 1000000 values");
    }

    // ---- families ----

    @Test
    void twoStatesOfOneFamilyUnderOneIdAreRefused() throws IOException {
        write("states/app.sls", """
                motd:
                  file.managed:
                    - name: /etc/motd
                    - contents: hi
                  file.absent:
                    - name: /etc/motd
                """);
        contains(fails("app"), "app.sls:5: state 'motd': file.absent and file.managed are both file states: here and at app.sls:2");
    }

    // ---- time ----

    @Test
    void aLargeSlsCompilesInTimeLinearInItsSize() throws IOException {
        StringBuilder t = new StringBuilder();
        // One tag, then plain text: the text between two tags is what used to be joined line by line.
        for (int i = 0; t.length() < 2 << 20; i++) {
            t.append("s").append(i).append(":\n  file.absent:\n    - name: /tmp/").append(i == 0 ? "{{minion.id}}-" : "").append(i).append('\n');
        }
        write("states/big.sls", t.toString());
        // Before the visitor joined text linearly, 1 MB took 14 s and 2 MB four times that.
        Compiled c = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> compile(Set.of(), null, "big"));
        assertTrue(c.plan().steps().size() > 30_000, "steps: " + c.plan().steps().size());
        assertTrue(String.valueOf(c.plan().steps().get(0).spec()).contains("/tmp/ctl1-0"), String.valueOf(c.plan().steps().get(0).spec()));
    }
}
