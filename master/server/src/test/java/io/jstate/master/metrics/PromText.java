package io.jstate.master.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: every sample belongs to a family
 * with one HELP and one TYPE line before its samples, names and labels are well formed, label
 * values are escaped, no series appears twice, and histograms have cumulative buckets ending in
 * +Inf equal to _count.
 */
final class PromText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** Series (name plus labels sorted, e.g. {@code jstate_keys{state="pending"}}) to value. */
    final Map<String, Double> samples = new LinkedHashMap<>();
    final Map<String, String> types = new HashMap<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        assertTrue(text.endsWith("\n"), "the exposition ends with a line feed");
        String family = null;
        Map<String, Boolean> helped = new HashMap<>();
        Map<String, List<double[]>> buckets = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) continue;
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                check(NAME.matcher(parts[0]).matches(), n, line);
                check(helped.put(parts[0], true) == null, n, "second HELP: " + line);
                family = parts[0];
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                check(parts.length == 2 && TYPES.contains(parts[1]), n, line);
                check(parts[0].equals(family), n, "TYPE must follow its HELP: " + line);
                check(p.types.put(parts[0], parts[1]) == null, n, "second TYPE: " + line);
                continue;
            }
            check(!line.startsWith("#"), n, "unknown comment: " + line);
            Matcher m = SAMPLE.matcher(line);
            check(m.matches(), n, "not a sample: " + line);
            String name = m.group(1);
            check(family != null && belongs(name, family, p.types.get(family)), n, "sample outside its family " + family + ": " + line);
            Map<String, String> labels = m.group(3) == null ? Map.of() : labels(m.group(3), n);
            double value = value(m.group(4), n);
            String key = key(name, labels);
            check(p.samples.put(key, value) == null, n, "series twice: " + key);
            if (name.endsWith("_bucket") && "histogram".equals(p.types.get(family))) {
                Map<String, String> rest = new TreeMap<>(labels);
                String le = rest.remove("le");
                check(le != null, n, "bucket without le: " + line);
                buckets.computeIfAbsent(key(family, rest), k -> new ArrayList<>()).add(new double[]{value(le, n), value});
            }
        }
        buckets.forEach((series, bs) -> {
            for (int i = 1; i < bs.size(); i++) {
                assertTrue(bs.get(i)[0] > bs.get(i - 1)[0], series + ": le ascending");
                assertTrue(bs.get(i)[1] >= bs.get(i - 1)[1], series + ": buckets are cumulative");
            }
            assertEquals(Double.POSITIVE_INFINITY, bs.get(bs.size() - 1)[0], series + ": the last bucket is +Inf");
            String count = series.contains("{") ? series.replaceFirst("\\{", "_count{") : series + "_count";
            assertEquals(p.samples.get(count), bs.get(bs.size() - 1)[1], series + ": +Inf equals _count");
            String sum = series.contains("{") ? series.replaceFirst("\\{", "_sum{") : series + "_sum";
            assertTrue(p.samples.containsKey(sum), series + ": has _sum");
        });
        return p;
    }

    double get(String series) {
        Double v = samples.get(series);
        if (v == null) fail("no series " + series + " in " + samples.keySet());
        return v;
    }

    private static boolean belongs(String name, String family, String type) {
        if (name.equals(family)) return !"histogram".equals(type);
        if ("histogram".equals(type)) return name.equals(family + "_bucket") || name.equals(family + "_sum") || name.equals(family + "_count");
        return false;
    }

    static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) return name;
        StringBuilder b = new StringBuilder(name).append('{');
        new TreeMap<>(labels).forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    /** Label pairs, values unescaped; only \\, \" and \n may be escaped. */
    private static Map<String, String> labels(String s, int n) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            check(eq > i, n, "label without '=': " + s);
            String name = s.substring(i, eq);
            check(NAME.matcher(name).matches() && !name.startsWith("__"), n, "bad label name " + name);
            check(eq + 1 < s.length() && s.charAt(eq + 1) == '"', n, "label value not quoted: " + s);
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (true) {
                check(j < s.length(), n, "unterminated label value: " + s);
                char c = s.charAt(j);
                if (c == '"') break;
                check(c != '\n', n, "raw line feed in a label");
                if (c == '\\') {
                    check(j + 1 < s.length(), n, "dangling escape");
                    char e = s.charAt(j + 1);
                    switch (e) {
                        case '\\' -> v.append('\\');
                        case '"' -> v.append('"');
                        case 'n' -> v.append('\n');
                        default -> fail("line " + n + ": bad escape \\" + e);
                    }
                    j += 2;
                } else {
                    v.append(c);
                    j++;
                }
            }
            check(out.put(name, v.toString()) == null, n, "label twice: " + name);
            i = j + 1;
            if (i < s.length()) {
                check(s.charAt(i) == ',', n, "labels not separated by ',': " + s);
                i++;
            }
        }
        return out;
    }

    private static double value(String s, int n) {
        switch (s) {
            case "+Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                check(s.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?"), n, "bad number " + s);
                return Double.parseDouble(s);
            }
        }
    }

    private static void check(boolean ok, int line, String what) {
        if (!ok) fail("line " + line + ": " + what);
    }
}
