package io.jstate.states.doc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Runner;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.StateResult;
import io.jstate.states.engine.UsesTemplates;
import io.jstate.states.host.FakeHost;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class StateReferenceTest {
    /** The committed reference, from the states module's folder (surefire's working directory). */
    static final Path DOC = Path.of("..", "docs", "states.md");
    static final String REGENERATE = "./mvnw -q -o -pl states test -Dtest=StateReferenceTest -Djstate.docs.write=true";
    static final Map<String, Object> GRAINS = Map.of("init", "systemd", "os_family", "Debian", "id", "example");

    static final StateRegistry REGISTRY = Kinds.registry();

    @Test
    void committedReferenceIsTheGeneratedOne() throws IOException {
        String generated = StateReference.markdown(REGISTRY);
        if (Boolean.getBoolean("jstate.docs.write")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(DOC), DOC.toAbsolutePath() + " is missing; generate it with: " + REGENERATE);
        String committed = Files.readString(DOC, StandardCharsets.UTF_8);
        if (!committed.equals(generated)) {
            fail("docs/states.md differs from what the state registry generates (a kind, argument, default or example "
                    + "changed); regenerate it with: " + REGENERATE + "\nfirst difference: " + firstDifference(committed, generated));
        }
    }

    @Test
    void generationIsDeterministic() {
        assertEquals(StateReference.markdown(REGISTRY), StateReference.markdown(Kinds.registry()));
    }

    @Test
    void everyKindHasASummaryAndAnExampleAndEveryArgumentADescription() {
        List<String> missing = new ArrayList<>();
        for (StateRegistry.Kind k : REGISTRY.kinds().values()) {
            StateDoc doc = k.specType().getAnnotation(StateDoc.class);
            if (doc == null) {
                missing.add(k.name() + ": no @StateDoc on " + k.specType().getName());
                continue;
            }
            if (doc.summary().isBlank()) missing.add(k.name() + ": blank summary");
            if (doc.example().isBlank()) missing.add(k.name() + ": blank example");
            for (SpecBinder.Argument arg : SpecBinder.arguments(k.specType())) {
                ArgDoc a = arg.component().getAnnotation(ArgDoc.class);
                if (a == null || a.value().isBlank()) missing.add(k.name() + ": argument " + arg.name() + " has no @ArgDoc description");
            }
        }
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }

    @Test
    void everyKindIsInTheReferenceWithEveryArgument() {
        List<StateReference.Kind> kinds = StateReference.describe(REGISTRY);
        assertEquals(REGISTRY.names().size(), kinds.size());
        String md = StateReference.markdown(REGISTRY);
        for (StateReference.Kind k : kinds) {
            assertTrue(md.contains("\n## " + k.name() + "\n"), k.name());
            for (StateReference.Argument a : k.arguments()) assertTrue(md.contains("| `" + a.name() + "` |"), k.name() + " " + a.name());
        }
    }

    /** Spot checks that defaults are the records' own: read from compact constructors, not written by hand. */
    @Test
    void defaultsAndRequiredAreComputedFromTheSpecs() {
        StateReference.Kind managed = kind("file.managed");
        assertEquals("mustache", arg(managed, "template").defaultValue());
        assertEquals(Boolean.TRUE, arg(managed, "replace").defaultValue());
        assertEquals(Map.of(), arg(managed, "context").defaultValue());
        assertTrue(arg(managed, "source").required(), "file.managed needs source or contents");
        assertTrue(arg(managed, "name").defaultIsId(), "a state whose id is the path needs no name");
        assertFalse(arg(managed, "name").required());
        assertTrue(managed.templates());
        assertFalse(managed.watchable());

        StateReference.Kind wait = kind("wait.for");
        assertEquals(30, arg(wait, "attempts").defaultValue());
        assertEquals(2.0, arg(wait, "probe_timeout").defaultValue());
        assertEquals(200, arg(wait, "status").defaultValue());

        assertEquals(3600, arg(kind("pkg.installed"), "cache_valid_time").defaultValue());
        assertEquals(List.of(0), arg(kind("cmd.run"), "success_retcodes").defaultValue());
        assertTrue(kind("cmd.run").watchable());
        assertTrue(kind("service.running").watchable());
        assertTrue(arg(kind("service.running"), "name").defaultIsId());
        assertEquals("/", arg(kind("rabbitmq_policy.present"), "vhost").defaultValue());
        assertEquals("/etc/sysctl.d/99-jstate.conf", arg(kind("sysctl.present"), "config").defaultValue());
        assertEquals("`\"mustache\"`", StateReference.defaultText(arg(managed, "template")));
        assertEquals("—", StateReference.defaultText(arg(managed, "mode")));
    }

    /**
     * Every example compiles as a whole SLS (YAML, kind, arguments, requisites, templates), then
     * runs as a dry run on a fake host: it must change nothing, and an example whose checks need no
     * commands must also come out without failures.
     */
    @TestFactory
    Stream<DynamicTest> everyExampleCompilesAndDryRuns(@TempDir Path tmp) {
        return REGISTRY.kinds().values().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            Path root = Files.createDirectories(tmp.resolve(k.name()));
            StateDoc doc = k.specType().getAnnotation(StateDoc.class);
            assertNotNull(doc, k.name());
            Files.writeString(root.resolve("example.sls"), doc.example());
            Compiler compiler = new Compiler(REGISTRY);
            CompileRequest req = new CompileRequest(root, null, GRAINS, "example", null, List.of("example"), null);
            // A template an example names is part of the operator's state tree, not of the example.
            for (Record spec : boundSpecs(root, k)) {
                if (spec instanceof UsesTemplates u) {
                    for (UsesTemplates.TemplateUse t : u.templates()) {
                        Path f = root.resolve(t.source().replaceFirst("^jstate://", ""));
                        Files.createDirectories(f.getParent());
                        Files.writeString(f, "# " + t.source() + "\n");
                    }
                }
            }
            Compiled compiled = compiler.compile(req);
            assertTrue(compiled.plan().steps().stream().anyMatch(s -> s.kind().equals(k.name())),
                    k.name() + ": the example declares no " + k.name() + " state");

            FakeHost fake = new FakeHost();
            RunReport report = new Runner(REGISTRY, new Env(fake, GRAINS, compiled.templates()), RunListener.NONE)
                    .run(compiled.plan(), true);
            assertTrue(fake.mutations().isEmpty(), k.name() + ": the dry run mutated " + fake.mutations());
            assertEquals(compiled.plan().steps().size(), report.results().size());
            if (fake.commands().isEmpty()) {
                for (StateResult r : report.results()) {
                    assertFalse(r.outcome() instanceof Outcome.Failed, k.name() + ": " + r);
                }
            }
        }));
    }

    /** The example's specs, bound without reading templates, to learn which templates it names. */
    private static List<Record> boundSpecs(Path root, StateRegistry.Kind k) {
        List<Record> specs = new ArrayList<>();
        for (Compiler.Declared d : Compiler.declarations(root, "example")) {
            StateRegistry.Kind kind = REGISTRY.find(d.kind()).orElseThrow(() -> new AssertionError(k.name() + ": unknown kind " + d.kind()));
            specs.add(SpecBinder.bind(kind.specType(), d.id(), d.args()));
        }
        return specs;
    }

    private static StateReference.Kind kind(String name) {
        return StateReference.describe(REGISTRY).stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    private static StateReference.Argument arg(StateReference.Kind k, String name) {
        return k.arguments().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(k.name() + " " + name));
    }

    private static String firstDifference(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String l = i < x.length ? x[i] : "<end of file>";
            String r = i < y.length ? y[i] : "<end of file>";
            if (!l.equals(r)) return "line " + (i + 1) + "\n  committed: " + l + "\n  generated: " + r;
        }
        return "none";
    }
}
