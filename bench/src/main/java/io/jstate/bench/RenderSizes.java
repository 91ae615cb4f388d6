package io.jstate.bench;

import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Compile time of large files, inside one warm JVM: a {@code file.managed} template and an SLS file
 * of each size given (in MB), mostly plain text with a Mustache tag every 100 lines, compiled
 * (Mustache, YAML, binding, template rendering) three times; prints the median in ms and the ms
 * per MB, which stays flat when compiling is linear in size.
 *
 * <pre>RenderSizes DIR SIZE_MB...</pre>
 */
public final class RenderSizes {
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Compiler compiler = new Compiler(Kinds.registry());
        // Warm the JIT on a small tree first, so the first size is not also the slowest to start.
        write(dir, 0.05);
        for (int i = 0; i < 5; i++) compile(compiler, dir, "tpl");
        for (int i = 0; i < 5; i++) compile(compiler, dir, "big");
        System.out.printf("%-9s %8s %10s %10s%n", "file", "MB", "median ms", "ms per MB");
        for (int a = 1; a < args.length; a++) {
            double mb = Double.parseDouble(args[a]);
            write(dir, mb);
            for (String what : List.of("tpl", "big")) {
                List<Long> ms = new ArrayList<>();
                for (int i = 0; i < 3; i++) ms.add(compile(compiler, dir, what));
                Collections.sort(ms);
                System.out.printf("%-9s %8.2f %10d %10.0f%n", what.equals("tpl") ? "template" : "SLS", mb, ms.get(1), ms.get(1) / mb);
            }
        }
    }

    static long compile(Compiler compiler, Path dir, String sls) {
        long t0 = System.nanoTime();
        compiler.compile(new CompileRequest(dir, null, Map.of(), "bench", List.of(), List.of(sls), Map.of()));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** tpl.sls manages one file from big.conf.mustache; big.sls declares many file.absent states. */
    private static void write(Path dir, double mb) throws IOException {
        long bytes = (long) (mb * 1024 * 1024);
        StringBuilder t = new StringBuilder();
        for (int i = 0; t.length() < bytes; i++) {
            t.append(i % 100 == 0 ? "host = {{minion.id}}\n" : "option_" + i + " = some plain configuration text\n");
        }
        Files.writeString(dir.resolve("big.conf.mustache"), t);
        Files.writeString(dir.resolve("tpl.sls"), "big-conf:\n  file.managed:\n    - name: /tmp/big.conf\n    - source: big.conf.mustache\n");
        StringBuilder s = new StringBuilder();
        for (int i = 0; s.length() < bytes; i++) {
            s.append("state-").append(i).append(":\n  file.absent:\n    - name: /tmp/")
                    .append(i % 100 == 0 ? "{{minion.id}}-" : "plain-").append(i).append('\n');
        }
        Files.writeString(dir.resolve("big.sls"), s);
    }
}
