package io.jstate.states.formulas;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jstate.states.engine.Requisite;
import io.jstate.states.engine.Step;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import io.jstate.states.lang.PillarData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What the haproxy, keepalived and pacemaker formula tests share: compiling the bundled state tree
 * with the lab's pillar for one controller, reading a rendered file out of the plan, and running a
 * daemon's own configuration checker on it.
 */
final class HaFormulas {
    /** Tests run in the states module; the tree and the lab pillar are where the lab serves them from. */
    static final Path STATE_ROOT = Path.of("formulas").toAbsolutePath();
    static final Path PILLAR_ROOT = Path.of("../packaging/lab/pillar").toAbsolutePath().normalize();
    static final Map<String, Object> GRAINS = Map.of("os", "Debian", "init", "sysvinit");
    static final List<String> CONTROLLERS = List.of("ctl1", "ctl2", "ctl3");

    private HaFormulas() {}

    static PillarData labPillar(String minion) {
        return Compiler.pillar(PILLAR_ROOT, minion, List.of(), Map.of());
    }

    static Compiled compile(String minion, String... sls) {
        return compile(minion, labPillar(minion), sls);
    }

    static Compiled compile(String minion, PillarData pillar, String... sls) {
        return new Compiler(Kinds.registry()).compile(
                new CompileRequest(STATE_ROOT, null, GRAINS, minion, List.of(), List.of(sls), Map.of(), pillar));
    }

    /** The lab pillar of a minion with some of its data replaced (the secrets stay as they were). */
    static PillarData changed(String minion, UnaryOperator<Map<String, Object>> change) {
        PillarData lab = labPillar(minion);
        return new PillarData(change.apply(deepCopy(lab.data())), lab.secrets());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) v = deepCopy((Map<String, Object>) nested);
            else if (v instanceof List<?> list) v = new ArrayList<>(list);
            out.put(e.getKey(), v);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> data, String dotted) {
        Object cur = data;
        for (String k : dotted.split("\\.")) cur = ((Map<String, Object>) cur).get(k);
        return cur;
    }

    static List<String> ids(Compiled c) {
        return c.plan().steps().stream().map(Step::id).toList();
    }

    static Step step(Compiled c, String id) {
        return c.plan().steps().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no state '" + id + "' in " + ids(c)));
    }

    /** Whether step {@code from} has a requisite of the type on step {@code to}. */
    static boolean edge(Compiled c, String from, Requisite type, String to) {
        int target = step(c, to).index();
        return step(c, from).requisites().contains(new Step.Edge(type, target));
    }

    /** The content a file.managed state writes. */
    static String rendered(Compiled c, String id) {
        FileManaged.Spec spec = (FileManaged.Spec) step(c, id).spec();
        if (spec.contents() != null) return spec.contents();
        if (spec.template().equals("none")) return new String(c.templates().raw(spec.source()), StandardCharsets.UTF_8);
        return c.templates().render(spec.source(), spec.context());
    }

    static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** The command's exit code and output; the command is killed when it overruns its time. */
    record Ran(int exit, String output) {}

    static Ran run(Path dir, Map<String, String> env, String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        pb.redirectOutput(out.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail(argv[0] + " cannot run (.ci/run installs it): " + e.getMessage());
            throw e;
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", argv) + " did not finish in 60 s");
        }
        return new Ran(p.exitValue(), Files.readString(out));
    }

    static void assertContainsLine(String text, String line) {
        assertTrue(lines(text).contains(line), "expected a line '" + line + "' in:\n" + text);
    }
}
