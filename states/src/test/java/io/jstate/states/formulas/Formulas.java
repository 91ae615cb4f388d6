package io.jstate.states.formulas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Plan;
import io.jstate.states.engine.Step;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The bundled formulas compiled as the master compiles them for a lab controller: the real state
 * tree, the real lab pillar, every built-in kind.
 */
final class Formulas {
    private Formulas() {}

    /** The repository, seen from the states module where the tests run. */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path STATES = REPO.resolve("states/formulas");
    static final Path LAB_PILLAR = REPO.resolve("packaging/lab/pillar");
    static final Map<String, Object> GRAINS = Map.of("os_family", "Debian", "init", "sysvinit");

    static Compiled compile(String minionId, String... sls) {
        return compile(LAB_PILLAR, minionId, sls);
    }

    static Compiled compile(Path pillarRoot, String minionId, String... sls) {
        return new Compiler(Kinds.registry()).compile(
                new CompileRequest(STATES, pillarRoot, GRAINS, minionId, List.of(), List.of(sls), Map.of()));
    }

    /**
     * A copy of the lab pillar whose cluster has the first two controllers only: the formulas must
     * work for any node count, and some settings differ for two nodes.
     */
    /** {@link #twoNodePillar} with one line of one of its files replaced ({@code from} must be there). */
    static Path twoNodePillarWith(Path dir, String file, String from, String to) {
        Path pillar = twoNodePillar(dir);
        try {
            Path f = pillar.resolve(file);
            String text = Files.readString(f);
            assertTrue(text.contains(from), file + " has " + from + ":\n" + text);
            Files.writeString(f, text.replace(from, to));
            return pillar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exit code of {@code command} run by /bin/sh (within 10 s). */
    static int sh(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), command);
        return p.exitValue();
    }

    static Path twoNodePillar(Path dir) {
        try {
            Path out = Files.createDirectories(dir.resolve("pillar-2nodes"));
            try (Stream<Path> files = Files.walk(LAB_PILLAR)) {
                for (Path p : files.toList()) {
                    Path to = out.resolve(LAB_PILLAR.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(to);
                    else Files.copy(p, to);
                }
            }
            String cluster = Files.readString(out.resolve("cluster.sls"));
            String without = cluster.lines().filter(l -> !l.contains("id: ctl3")).collect(Collectors.joining("\n", "", "\n"));
            assertEquals(cluster.lines().count() - 1, without.lines().count(), "the lab cluster.sls lists ctl3 on one line");
            Files.writeString(out.resolve("cluster.sls"), without);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String ids(Plan plan) {
        return plan.steps().stream().map(Step::id).collect(Collectors.joining(" "));
    }

    static Step step(Plan plan, String id) {
        return plan.steps().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + id + " in: " + ids(plan)));
    }

    @SuppressWarnings("unchecked")
    static <S extends Record> S spec(Plan plan, String id, Class<S> type) {
        Record spec = step(plan, id).spec();
        if (!type.isInstance(spec)) throw new AssertionError(id + " is a " + spec.getClass().getSimpleName() + ", not " + type.getSimpleName());
        return (S) spec;
    }

    /** The text a file.managed state would write, rendered through the compiled run's templates. */
    static String rendered(Compiled c, String id) {
        FileManaged.Spec f = spec(c.plan(), id, FileManaged.Spec.class);
        return f.contents() != null ? f.contents() : c.templates().render(f.source(), f.context());
    }

    /** The ids of the steps a step requires (or watches...), by requisite type, e.g. "require:rabbitmq-pkg". */
    static List<String> requisites(Plan plan, String id) {
        return step(plan, id).requisites().stream()
                .map(e -> e.type().name().toLowerCase() + ":" + plan.steps().get(e.target()).id()).toList();
    }
}
