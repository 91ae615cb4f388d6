package io.jstate.bench;

import io.jstate.states.engine.Env;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Runner;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.grains.Grains;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The engine alone, inside one warm JVM: compile (pillar, top, Mustache, YAML, graph) and run a
 * converged state tree again and again, and print the median of the measured rounds.
 *
 * <pre>EngineNoop STATES PILLAR ROOT WARMUP ROUNDS SLS...</pre>
 */
public final class EngineNoop {
    public static void main(String[] args) {
        Path states = Path.of(args[0]);
        Path pillar = Path.of(args[1]);
        Path root = Path.of(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        List<String> targets = List.of(args).subList(5, args.length);

        LocalHost host = LocalHost.under(root);
        Map<String, Object> grains = Grains.collect(LocalHost.system(), null);
        StateRegistry registry = Kinds.registry();
        Compiler compiler = new Compiler(registry);
        List<Long> compileNs = new ArrayList<>();
        List<Long> runNs = new ArrayList<>();
        long changed = -1;
        int steps = 0;
        for (int i = 0; i < warmup + rounds; i++) {
            long t0 = System.nanoTime();
            Compiled c = compiler.compile(new CompileRequest(states, pillar, grains, "bench", List.of(), targets, Map.of()));
            long t1 = System.nanoTime();
            RunReport r = new Runner(registry, new Env(host, grains, c.templates()), RunListener.NONE).run(c.plan(), false);
            long t2 = System.nanoTime();
            if (!r.ok()) throw new IllegalStateException("the W1 run failed: " + r.results().stream().filter(x -> x.outcome().isFailure()).findFirst());
            if (i >= warmup) {
                compileNs.add(t1 - t0);
                runNs.add(t2 - t1);
            }
            changed = r.changed();
            steps = r.results().size();
        }
        System.out.printf("engine-only no-op (warm JVM, median of %d): compile %.1f ms + run %.1f ms = %.1f ms; %d states, %d changed%n",
                rounds, median(compileNs) / 1e6, median(runNs) / 1e6, (median(compileNs) + median(runNs)) / 1e6, steps, changed);
    }

    private static double median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
    }
}
