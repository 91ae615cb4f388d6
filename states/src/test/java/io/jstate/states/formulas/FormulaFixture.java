package io.jstate.states.formulas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Plan;
import io.jstate.states.engine.Step;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import io.jstate.states.lang.PillarData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Compiles the bundled formulas with the lab's pillar, as the master would for one lab host. */
final class FormulaFixture {
    static final Path STATES = Path.of("formulas");
    static final Path LAB_PILLAR = Path.of("../packaging/lab/pillar");
    static final Map<String, Object> SYSV = Map.of("os_family", "Debian", "init", "sysvinit");
    static final Map<String, Object> SYSTEMD = Map.of("os_family", "Debian", "init", "systemd");

    private FormulaFixture() {}

    /** The lab pillar as the master compiles it for {@code minion}, which has no master roles. */
    static PillarData labPillar(String minion) {
        return Compiler.pillar(LAB_PILLAR, minion, List.of(), Map.of());
    }

    /**
     * The lab pillar with one file replaced by a variant of it (e.g. galera.sls by
     * variants/galera-garbd.sls), compiled from a copy of the tree.
     */
    static PillarData variantPillar(String minion, String file, String variant) {
        Path tree = null;
        try {
            tree = Files.createTempDirectory("jstate-pillar");
            Path root = tree;
            try (Stream<Path> all = Files.walk(LAB_PILLAR)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    Path to = root.resolve(LAB_PILLAR.relativize(p).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(p, to);
                }
            }
            Files.copy(LAB_PILLAR.resolve(variant), root.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            return Compiler.pillar(root, minion, List.of(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tree != null) delete(tree);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Compiled compile(String minion, Map<String, Object> grains, PillarData pillar, String... sls) {
        return new Compiler(Kinds.registry()).compile(
                new CompileRequest(STATES, null, grains, minion, List.of(), List.of(sls), Map.of(), pillar));
    }

    static Compiled compile(String minion, String... sls) {
        return compile(minion, SYSV, labPillar(minion), sls);
    }

    static String ids(Plan plan) {
        return plan.steps().stream().map(Step::id).collect(Collectors.joining(" "));
    }

    static Step step(Plan plan, String id) {
        return plan.steps().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + id + " in " + ids(plan)));
    }

    /** The ids of the steps a step requires, watches, ... as "type:id". */
    static List<String> requisites(Plan plan, String id) {
        return step(plan, id).requisites().stream()
                .map(e -> e.type().name().toLowerCase() + ":" + plan.steps().get(e.target()).id()).sorted().toList();
    }

    static void before(Plan plan, String first, String then) {
        assertTrue(step(plan, first).index() < step(plan, then).index(), first + " must come before " + then + ": " + ids(plan));
    }

    static void contains(String text, String... parts) {
        for (String p : parts) assertTrue(text.contains(p), "expected '" + p + "' in:\n" + text);
    }

    static void spec(Step step, String expected) {
        assertEquals(expected, step.spec().toString());
    }
}
