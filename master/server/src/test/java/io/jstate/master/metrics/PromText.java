package io.jstate.master.metrics;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scrape's lines by series, for tests: the exposition is the Prometheus client's, so this only
 * looks values up. A series is named as its line writes it, labels and escapes included, e.g.
 * {@code jstate_keys{state="pending"}}.
 */
final class PromText {
    final Map<String, Double> samples = new LinkedHashMap<>();
    final Map<String, String> types = new HashMap<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] w = line.split(" ");
                p.types.put(w[2], w[3]);
            } else if (!line.startsWith("#") && !line.isEmpty()) {
                int space = line.lastIndexOf(' ');
                p.samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return p;
    }

    double get(String series) {
        Double v = samples.get(series);
        if (v == null) fail("no series " + series + " in " + samples.keySet());
        return v;
    }
}
