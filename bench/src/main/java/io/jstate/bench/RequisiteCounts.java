package io.jstate.bench;

import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.Compiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Compile time of a requisite-heavy SLS, inside one warm JVM: for each count given, an SLS of that
 * many {@code file.absent} states, each requiring the ten before it, compiled three times; prints
 * the median in ms and the ms per 1000 states, which stays flat when compiling is linear in states
 * and requisites. {@code -Drequires=N} sets how many states each one requires (10).
 *
 * <pre>RequisiteCounts DIR STATES...</pre>
 */
public final class RequisiteCounts {
    static final int REQUIRES = Integer.getInteger("requires", 10);

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Compiler compiler = new Compiler(Kinds.registry());
        write(dir, 300);
        for (int i = 0; i < 5; i++) RenderSizes.compile(compiler, dir, "reqs");
        System.out.printf("%-9s %8s %10s %14s%n", "file", "states", "median ms", "ms per 1000");
        for (int a = 1; a < args.length; a++) {
            int states = Integer.parseInt(args[a]);
            write(dir, states);
            List<Long> ms = new ArrayList<>();
            for (int i = 0; i < 3; i++) ms.add(RenderSizes.compile(compiler, dir, "reqs"));
            Collections.sort(ms);
            System.out.printf("%-9s %8d %10d %14.0f%n", "requires", states, ms.get(1), ms.get(1) * 1000.0 / states);
        }
    }

    /** reqs.sls: the states, each with a require of the previous ones by family and id. */
    private static void write(Path dir, int states) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < states; i++) {
            s.append("state-").append(i).append(":\n  file.absent:\n    - name: /tmp/plain-").append(i).append('\n');
            if (i > 0) s.append("    - require:\n");
            for (int j = Math.max(0, i - REQUIRES); j < i; j++) s.append("      - file: state-").append(j).append('\n');
        }
        Files.writeString(dir.resolve("reqs.sls"), s);
    }
}
