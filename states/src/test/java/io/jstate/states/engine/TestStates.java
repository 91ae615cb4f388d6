package io.jstate.states.engine;

import io.jstate.states.host.Exec;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** State kinds that exist only to exercise the engine: a file, a watchable service, and a scripted one. */
final class TestStates {
    private TestStates() {}

    /** test.file: a file with the given content. */
    static final class TestFile implements State<TestFile.Spec> {
        record Spec(String name, String content) {}

        private final Host host;

        TestFile(Env env) {
            this.host = env.host();
        }

        @Override
        public Drift check(Spec spec) {
            Path p = Path.of(spec.name());
            String now = host.exists(p) ? host.readString(p) : null;
            return spec.content().equals(now) ? Drift.NONE : Drift.of(Change.of("content", now, spec.content()));
        }

        @Override
        public Applied apply(Spec spec, Drift drift) {
            host.write(Path.of(spec.name()), spec.content().getBytes(StandardCharsets.UTF_8), FileAttrs.DEFAULT);
            return Applied.comment("wrote " + spec.name());
        }
    }

    /**
     * test.service: running when its pid file exists. Started with "service NAME start"; a watch
     * restarts it unless it was just started.
     */
    static final class TestService implements Watchable<TestService.Spec> {
        record Spec(String name) {}

        private final Host host;

        TestService(Env env) {
            this.host = env.host();
        }


        private Path pid(Spec spec) {
            return Path.of("/run/" + spec.name() + ".pid");
        }

        @Override
        public Drift check(Spec spec) {
            return host.exists(pid(spec)) ? Drift.NONE : Drift.of(Change.of("running", false, true));
        }

        @Override
        public Applied apply(Spec spec, Drift drift) {
            host.run(Exec.change("service", spec.name(), "start")).orThrow(Exec.change("service", spec.name(), "start"));
            host.write(pid(spec), "1\n".getBytes(StandardCharsets.UTF_8), FileAttrs.DEFAULT);
            return Applied.NONE;
        }

        @Override
        public List<Change> react(Spec spec, boolean changedNow) {
            if (changedNow) return List.of();
            host.run(Exec.change("service", spec.name(), "restart"));
            return List.of(Change.of("restarted", null, spec.name()));
        }

        @Override
        public List<Change> wouldReact(Spec spec) {
            return List.of(Change.of("restarted", null, spec.name()));
        }
    }

    /** What a scripted state does, per call; counts the calls. */
    static final class Script {
        interface Check {
            Drift check(Host host, int call) throws Exception;
        }

        interface Apply {
            Applied apply(Host host, Drift drift) throws Exception;
        }

        interface React {
            List<Change> react(Host host, boolean changedNow) throws Exception;
        }

        Check check = (h, n) -> Drift.NONE;
        Apply apply = (h, d) -> Applied.NONE;
        React react = (h, c) -> List.of();
        boolean recheck = true;
        Step.Retry settle;
        Step.Retry retry;
        int checks;
        int applies;
        int reacts;
    }

    /** test.scripted (plain) and test.watching (Watchable): behaviour looked up by the spec's name. */
    static class Scripted implements State<Scripted.Spec> {
        record Spec(String name) {}

        final Host host;
        final Map<String, Script> scripts;
        private Script last;

        Scripted(Env env, Map<String, Script> scripts) {
            this.host = env.host();
            this.scripts = scripts;
        }

        Script script(Spec spec) {
            return scripts.computeIfAbsent(spec.name(), k -> new Script());
        }

        @Override
        public Drift check(Spec spec) throws Exception {
            Script s = script(spec);
            last = s;
            return s.check.check(host, ++s.checks);
        }

        @Override
        public Applied apply(Spec spec, Drift drift) throws Exception {
            Script s = script(spec);
            s.applies++;
            return s.apply.apply(host, drift);
        }

        @Override
        public boolean recheck() {
            return last == null || last.recheck;
        }

        @Override
        public Step.Retry settle(Spec spec) {
            return script(spec).settle;
        }

        @Override
        public Step.Retry retry(Spec spec) {
            return script(spec).retry;
        }
    }

    static final class ScriptedWatching extends Scripted implements Watchable<Scripted.Spec> {
        ScriptedWatching(Env env, Map<String, Script> scripts) {
            super(env, scripts);
        }

        @Override
        public List<Change> react(Spec spec, boolean changedNow) throws Exception {
            Script s = script(spec);
            s.reacts++;
            return s.react.react(host, changedNow);
        }

        @Override
        public List<Change> wouldReact(Spec spec) {
            try {
                return script(spec).react.react(host, false);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    /**
     * test.seen: a file with the given content, read through the run's memo, as kinds that share
     * one query do; each real read counts as a check of the script "seen PATH".
     */
    static final class Seen implements State<Seen.Spec> {
        record Spec(String name, String content) {}

        private final Env env;
        private final Map<String, Script> scripts;

        Seen(Env env, Map<String, Script> scripts) {
            this.env = env;
            this.scripts = scripts;
        }

        @Override
        public Drift check(Spec spec) {
            Path p = Path.of(spec.name());
            String now = env.memo().get("seen " + p, () -> {
                scripts.computeIfAbsent("seen " + p, k -> new Script()).checks++;
                return env.host().exists(p) ? env.host().readString(p) : "";
            });
            return spec.content().equals(now) ? Drift.NONE : Drift.of(Change.of("content", now, spec.content()));
        }

        @Override
        public Applied apply(Spec spec, Drift drift) {
            env.host().write(Path.of(spec.name()), spec.content().getBytes(StandardCharsets.UTF_8), FileAttrs.DEFAULT);
            return Applied.NONE;
        }
    }

    static StateRegistry registry(Map<String, Script> scripts) {
        return StateRegistry.builder()
                .register("test.file", TestFile.Spec.class, TestFile::new)
                .register("test.service", TestService.Spec.class, TestService::new)
                .register("test.scripted", Scripted.Spec.class, env -> new Scripted(env, scripts))
                .register("test.watching", Scripted.Spec.class, env -> new ScriptedWatching(env, scripts))
                .register("test.seen", Seen.Spec.class, env -> new Seen(env, scripts))
                .build();
    }

    static Map<String, Script> scripts() {
        return new HashMap<>();
    }
}
