package io.jstate.states.lang;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jstate.states.engine.PlanException;
import io.jstate.states.kinds.Kinds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded fuzz test of the loader (SLS, top, pillar, YAML, Mustache): the bundled formulas and
 * the lab pillar, one file at a time mutated (bytes flipped, ranges cut or repeated, Mustache and
 * YAML tokens inserted, the file replaced by token soup), then compiled for a lab host. Every case
 * must end compiled or in a {@link PlanException} that names a file, within its time bound; any
 * other exception, or a PlanException naming no file, fails the test with the case's seed. Compiling
 * applies nothing, so no case can change the machine.
 */
class LoaderFuzzTest {
    private static final long SEED = 20261207L;
    private static final int CASES = 400;
    private static final Duration PER_CASE = Duration.ofSeconds(10);
    private static final Duration IN_ALL = Duration.ofSeconds(90);

    private static final Path FORMULAS = Path.of("formulas");
    private static final Path LAB_PILLAR = Path.of("../packaging/lab/pillar");
    private static final List<String> FORMULA_NAMES = List.of("hosts", "galera", "clustercheck", "memcached", "rabbitmq", "haproxy",
            "keepalived", "openstack.db", "openstack.config", "pacemaker");
    private static final Map<String, Object> GRAINS = Map.of("os_family", "Debian", "init", "sysvinit", "id", "ctl1");

    private static final String[] TOKENS = {
        "{{", "}}", "{{#pillar}}", "{{/pillar}}", "{{^grains.nope}}", "{{/grains.nope}}", "{{> top.sls}}", "{{> nope}}",
        "{{=<% %>=}}", "{{{pillar}}}", "{{minion.id}}", "{{-index}}", "{{!c}}", "&a ", "*a", "<<: *a\n", ": ", "- ", "\n",
        "\n  ", "\n    - ", "\t", "[", "]", "{", "}", "'", "\"", "!secret ", "!!python/object:x ", "!!binary ", "include:\n  - ",
        "  - require:\n    - ", "watch_in: [x]", "order: last", "retry: {attempts: 0}", "timeout: -1", "\u0000", "\u00ff",
        "%YAML 1.1\n", "---\n", "...\n", "~", "0644", "file.managed:", "cmd.run:", "pkg:", "? ", "|\n", ">-\n", "#", "extend:",
        "x: &a [*a]\n", "[".repeat(150), "{{#grains}}".repeat(1500), "- ".repeat(150), "name: " + "y".repeat(5000),
    };

    @TempDir
    Path dir;

    private final List<Path> files = new ArrayList<>();

    @Test
    void mutatedAndRandomTreesCompileOrFailWithAFileNamed() throws IOException {
        Path states = copy(FORMULAS, dir.resolve("states"));
        Path pillar = copy(LAB_PILLAR, dir.resolve("pillar"));
        // The formulas have no top file of their own; this one names every formula for a lab host.
        Path top = Files.writeString(states.resolve("top.sls"), "base:\n  '*':\n" + String.join("", FORMULA_NAMES.stream().map(f -> "    - " + f + "\n").toList()));
        files.add(top);
        compile(states, pillar); // the unmutated tree compiles: cases start from a working tree
        Random random = new Random(SEED);
        long deadline = System.nanoTime() + IN_ALL.toNanos();
        int ran = 0;
        int refused = 0;
        for (int c = 0; c < CASES && System.nanoTime() < deadline; c++, ran++) {
            long caseSeed = random.nextLong();
            Random r = new Random(caseSeed);
            Path file = files.get(r.nextInt(files.size()));
            byte[] original = Files.readAllBytes(file);
            String what = "case " + c + " (seed " + caseSeed + ") on " + dir.relativize(file);
            try {
                Files.write(file, mutate(original, r));
                if (!compiles(states, pillar, what)) refused++;
            } finally {
                Files.write(file, original);
            }
        }
        System.out.println("loader fuzz: " + ran + " cases, " + refused + " refused with a file named, the rest compiled");
        assertTrue(ran >= 50, "only " + ran + " cases ran in " + IN_ALL);
        // Mutations that all compile would mean the mutations reach nothing.
        assertTrue(refused > ran / 10, refused + " of " + ran + " cases refused");
    }

    /** True when the tree compiled, false when it was refused as it should be; fails on anything else. */
    private static boolean compiles(Path states, Path pillar, String what) {
        Throwable thrown = assertTimeoutPreemptively(PER_CASE, () -> {
            try {
                compile(states, pillar);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, what + " took longer than " + PER_CASE);
        if (thrown == null) return true;
        if (thrown instanceof PlanException pe && pe.at() != null && pe.at().file() != null && !pe.at().file().isBlank()) {
            String m = pe.getMessage();
            if (m.contains("Exception") || m.contains("Failed to read")) fail(what + ": a message a user should not see: " + m);
            return false;
        }
        throw new AssertionError(what + ": " + thrown, thrown);
    }

    private static Compiled compile(Path states, Path pillar) {
        return new Compiler(Kinds.registry()).compile(
                new CompileRequest(states, pillar, GRAINS, "ctl1", List.of(), List.of(Compiler.HIGHSTATE), Map.of()));
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in;
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            int len = b.length == 0 ? 0 : r.nextInt(Math.min(64, b.length - Math.min(at, b.length - 1)) + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (r.nextInt(6)) {
                case 0 -> { // one byte changed, often into something that is not UTF-8
                    b = b.clone();
                    if (b.length > 0) b[Math.min(at, b.length - 1)] = (byte) r.nextInt(256);
                    continue;
                }
                case 1 -> { // a range cut out
                    out.write(b, 0, at);
                    out.write(b, Math.min(at + len, b.length), b.length - Math.min(at + len, b.length));
                }
                case 2 -> { // a range repeated
                    out.write(b, 0, Math.min(at + len, b.length));
                    out.write(b, at, Math.min(at + len, b.length) - at);
                    out.write(b, Math.min(at + len, b.length), b.length - Math.min(at + len, b.length));
                }
                case 3, 4 -> { // a token of the languages inserted
                    out.write(b, 0, at);
                    out.writeBytes(TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                    out.write(b, at, b.length - at);
                }
                default -> { // the whole file replaced by token soup
                    int count = 1 + r.nextInt(40);
                    for (int k = 0; k < count; k++) out.writeBytes(TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                }
            }
            b = out.toByteArray();
        }
        return b;
    }

    private Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
                files.add(target);
            }
        }
        return to;
    }
}
