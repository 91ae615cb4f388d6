package io.jstate.minion.cli;

import io.jstate.common.output.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.states.engine.Applied;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Plan;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Requisite;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.StateResult;
import io.jstate.states.engine.Step;
import io.jstate.states.engine.Templates;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.Host;
import io.jstate.states.host.HostException;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apply command end to end, with a hand-built plan in place of the compiler. */
class ApplyCommandTest {

    /** test.file: a file with some content, written through the host (so below --root). */
    static final class TestFile implements State<TestFile.Spec> {
        record Spec(String name, String content) {}

        private final Host host;

        TestFile(Env env) {
            host = env.host();
        }


        @Override
        public Drift check(Spec spec) {
            Path p = Path.of(spec.name());
            String now = host.exists(p) ? host.readString(p) : null;
            return spec.content().equals(now) ? Drift.NONE : Drift.of(Change.of("content", now, spec.content()));
        }

        @Override
        public Applied apply(Spec spec, Drift drift) {
            if (spec.content().equals("fail")) throw new HostException("disk full");
            host.write(Path.of(spec.name()), spec.content().getBytes(StandardCharsets.UTF_8), FileAttrs.DEFAULT);
            return Applied.NONE;
        }
    }

    /** test.late: in sync from its third check on, so the engine waits for it after apply. */
    static final class Late implements State<Late.Spec> {
        record Spec(String name) {}

        static final AtomicInteger CHECKS = new AtomicInteger();

        Late(Env env) {}

        @Override
        public Drift check(Spec spec) {
            return CHECKS.incrementAndGet() >= 3 ? Drift.NONE : Drift.of(Change.of("ready", false, true));
        }

        @Override
        public Applied apply(Spec spec, Drift drift) {
            return Applied.NONE;
        }

        @Override
        public Step.Retry settle(Spec spec) {
            return new Step.Retry(3, Duration.ofMillis(10));
        }
    }

    static final StateRegistry REGISTRY = StateRegistry.builder().register("test.file", TestFile.Spec.class, TestFile::new)
            .register("test.late", Late.Spec.class, Late::new).build();

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<CompileRequest> requests = new ArrayList<>();
    private final List<Path> daemonConfigs = new ArrayList<>();

    private static Step file(int i, String path, String content, Step.Edge... edges) {
        return new Step(i, "f" + i, "test.file", new TestFile.Spec(path, content), new Source("files", "files.sls", i + 1), List.of(edges), null);
    }

    private int run(Function<CompileRequest, Compiled> compiler, String... args) {
        Function<CompileRequest, Compiled> recording = req -> {
            requests.add(req);
            return compiler.apply(req);
        };
        ApplyCommand apply = new ApplyCommand(REGISTRY, recording, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC);
        RunCommand daemon = new RunCommand(config -> {
            daemonConfigs.add(config);
            return ExitCodes.CANNOT_START;
        });
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), apply, daemon);
    }

    private static Function<CompileRequest, Compiled> plan(Step... steps) {
        return req -> new Compiled(new Plan(List.of(steps), new Secrets(List.of("s3cret"))), Templates.NONE, Map.of(), java.util.Set.of());
    }

    private String[] args(String... extra) throws Exception {
        Path states = Files.createDirectories(tmp.resolve("states"));
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        List<String> a = new ArrayList<>(List.of("apply", "--local", "--states", states.toString(), "--root", root.toString(), "--id", "m1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSuccessfulRunExitsZeroAndPrintsEachStateThenTheSummary() throws Exception {
        int code = run(plan(file(0, "/etc/a.conf", "a"), file(1, "/etc/b.conf", "b")), args());
        assertEquals(ExitCodes.OK, code, stderr());
        assertEquals("a", Files.readString(tmp.resolve("root/etc/a.conf")));
        String o = stdout();
        assertTrue(o.indexOf("          ID: f0") < o.indexOf("          ID: f1"), o);
        assertTrue(o.contains("Summary for m1\n"), o);
        assertTrue(o.contains("Succeeded: 2 (changed=2)\nFailed: 0\n"), o);
        assertTrue(o.contains("Total states run: 2\n"), o);
        assertTrue(o.matches("(?s).*Total run time: \\d+\\.\\d ms\n"), o);

        CompileRequest req = requests.get(0);
        assertEquals(List.of("highstate"), req.targets());
        assertEquals("m1", req.minionId());
        assertEquals("m1", req.grains().get("id"));
        assertEquals("Linux", req.grains().get("kernel"));

        out.reset();
        assertEquals(ExitCodes.OK, run(plan(file(0, "/etc/a.conf", "a")), args()));
        assertTrue(stdout().contains("  Name: /etc/a.conf - Function: test.file - Result: Unchanged"), stdout());
    }

    @Test
    void aWaitIsPrintedWhileItLasts() throws Exception {
        Late.CHECKS.set(0);
        Step late = new Step(0, "late", "test.late", new Late.Spec("late"), new Source("late", "late.sls", 1), List.of(), null);
        assertEquals(ExitCodes.OK, run(plan(late), args()), stderr());
        String o = stdout();
        assertTrue(o.contains("  waiting: test.late late: check 2 of 3 in 0.01s, waiting for: ready false -> true\n"), o);
        assertTrue(o.indexOf("  waiting: test.late late") < o.indexOf("          ID: late"), o);
    }

    @Test
    void aFailedOrBlockedStateExitsTwo() throws Exception {
        int code = run(plan(file(0, "/etc/a.conf", "fail"), file(1, "/etc/b.conf", "b", new Step.Edge(Requisite.REQUIRE, 0))), args());
        assertEquals(ExitCodes.STATES_FAILED, code);
        assertTrue(stdout().contains("     Comment: disk full\n"), stdout());
        assertTrue(stdout().contains("     Comment: requisite failed: test.file f0\n"), stdout());
        assertTrue(stdout().contains("Failed: 2\n"), stdout());
        assertFalse(Files.exists(tmp.resolve("root/etc/b.conf")));
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        int code = run(plan(file(0, "/etc/a.conf", "a")), args("--test"));
        assertEquals(ExitCodes.OK, code);
        assertTrue(stdout().contains("      Result: Would change\n"), stdout());
        assertFalse(Files.exists(tmp.resolve("root/etc/a.conf")));
    }

    @Test
    void jsonIsOneDocumentWithRedactedSecrets() throws Exception {
        int code = run(plan(file(0, "/etc/a.conf", "pw=s3cret")), args("--json", "--test", "web", "db"));
        assertEquals(ExitCodes.OK, code);
        JsonNode root = new ObjectMapper().readTree(stdout());
        assertEquals("m1", root.get("minion").asText());
        assertTrue(root.get("test").asBoolean());
        assertEquals("would_change", root.get("states").get(0).get("result").asText());
        assertEquals("pw=<redacted>", root.get("states").get(0).get("changes").get(0).get("after").asText());
        assertFalse(stdout().contains("s3cret"));
        assertEquals(List.of("web", "db"), requests.get(0).targets());
    }

    @Test
    void aPlanErrorExitsOneWithItsMessageOnStderr() throws Exception {
        Function<CompileRequest, Compiled> broken = req -> {
            throw new PlanException(new Source("web", "web.sls", 12), "nginx", "unknown state kind pkg.instaled (did you mean pkg.installed?)");
        };
        assertEquals(ExitCodes.CANNOT_START, run(broken, args()));
        assertEquals("web.sls:12: state 'nginx': unknown state kind pkg.instaled (did you mean pkg.installed?)\n", stderr());
        assertEquals("", stdout());
    }

    @Test
    void usageErrorsExitOne() throws Exception {
        assertEquals(ExitCodes.CANNOT_START, run(plan(), "apply", "--local"));
        assertTrue(stderr().contains("Missing required option: '--states=DIR'"), stderr());
        err.reset();
        assertEquals(ExitCodes.CANNOT_START, run(plan(), args("--bogus")));
        assertTrue(stderr().contains("Unknown option: '--bogus'"), stderr());
        err.reset();
        assertEquals(ExitCodes.CANNOT_START, run(plan(), "apply", "--states", tmp.toString()));
        assertTrue(stderr().contains("add --local"), stderr());
        err.reset();
        assertEquals(ExitCodes.CANNOT_START, run(plan(), "apply", "--local", "--states", tmp.resolve("nope").toString()));
        assertTrue(stderr().contains("is not a directory"), stderr());
        err.reset();
        assertTrue(requests.isEmpty());
    }

    @Test
    void withoutACommandTheMinionRunsAsTheDaemon() {
        run(plan());
        run(plan(), "run", "--config", "/tmp/m.yaml");
        assertEquals(List.of(Path.of("/etc/jstate/minion.yaml"), Path.of("/tmp/m.yaml")), daemonConfigs);
        assertTrue(requests.isEmpty());
    }

    @Test
    void operatorGrainsReachTheCompiler() throws Exception {
        Path grains = Files.writeString(tmp.resolve("grains.yaml"), "roles: [controller]\n");
        assertEquals(ExitCodes.OK, run(plan(), args("--grains", grains.toString())));
        assertEquals(List.of("controller"), requests.get(0).grains().get("roles"));
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "- x\n");
        assertEquals(ExitCodes.CANNOT_START, run(plan(), args("--grains", bad.toString())));
        assertTrue(stderr().contains("must be a mapping"), stderr());
    }

    @Test
    void exitCodesFollowTheReport() {
        Step s = file(0, "/x", "x");
        Function<Outcome, RunReport> one = o -> new RunReport(List.of(new StateResult(s, o, Instant.EPOCH, Duration.ZERO)), Duration.ZERO, false);
        assertEquals(0, ExitCodes.of(one.apply(new Outcome.Unchanged(null)).ok()));
        assertEquals(0, ExitCodes.of(one.apply(new Outcome.Changed(List.of(), null, null)).ok()));
        assertEquals(0, ExitCodes.of(one.apply(new Outcome.WouldChange(List.of(), null)).ok()));
        assertEquals(0, ExitCodes.of(one.apply(new Outcome.Skipped("nothing to do", false)).ok()));
        assertEquals(2, ExitCodes.of(one.apply(new Outcome.Skipped("requisite failed", true)).ok()));
        assertEquals(2, ExitCodes.of(one.apply(new Outcome.Failed("no", null, null)).ok()));
        assertEquals(0, ExitCodes.of(new RunReport(List.of(), Duration.ZERO, false).ok()));
    }
}
