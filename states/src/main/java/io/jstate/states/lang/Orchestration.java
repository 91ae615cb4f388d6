package io.jstate.states.lang;

import io.jstate.common.yaml.Yaml12;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Source;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * An orchestration file: stages that run in order across targets.
 *
 * <pre>
 * description: the OpenStack HA backend
 * stages:
 *   - id: galera-elect
 *     target: N@controllers
 *     elect: galera                 # run the rule's function on every minion, let the rule decide
 *   - id: galera-bootstrap
 *     target: "{{galera.seed}}"     # a value an earlier election chose
 *     when: galera.bootstrap        # run only when that value is true ("not galera.bootstrap": false)
 *     apply: [galera.bootstrap]     # SLS, as `jstate apply`
 *     batch: 1                      # N or N%; a failed minion stops the batches not yet started
 *     timeout: 900                  # seconds each minion may take
 *     pillar: {galera: {x: y}}      # merged over each targeted minion's pillar
 *     gate: [galera.health]         # SLS of wait.for states applied to the same target afterwards
 *   - id: garbd
 *     target: N@garbd
 *     optional: true                # skipped when the target matches no minion (a layout without one)
 *   - id: uptime
 *     target: N@controllers
 *     run: cmd.run                  # an execution function, with args
 *     args: [uptime]
 * </pre>
 *
 * Everything is checked here, before any stage runs: unknown keys, a stage with none or two of
 * apply/run/elect, duplicate ids, an election rule the master does not know, and a reference to
 * an election no earlier stage holds. Each error names the file, line and stage id.
 */
public record Orchestration(String file, String description, List<Stage> stages) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\s*}}");
    private static final Pattern WHEN = Pattern.compile("(not\\s+)?([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)");
    private static final Set<String> STAGE_KEYS = Set.of("id", "target", "apply", "run", "args", "elect", "batch", "timeout", "pillar", "when", "gate",
            "optional");

    public Orchestration {
        stages = List.copyOf(stages);
    }

    /**
     * One stage. Exactly one of {@code apply}, {@code function}, {@code elect} is set.
     *
     * @param target    a target expression, possibly with {@code {{rule.value}}} references
     * @param when      null, or the election value that must be true ({@code negated}: false)
     * @param timeoutMs 0 for the orchestration's default
     */
    public record Stage(String id, int line, String target, List<String> apply, String function, List<String> args, String elect,
                        String batch, long timeoutMs, Map<String, Object> pillar, When when, List<String> gate, boolean optional) {
        public Stage {
            apply = apply == null ? null : List.copyOf(apply);
            args = List.copyOf(args);
            pillar = Map.copyOf(pillar);
            gate = List.copyOf(gate);
        }

        /** What the stage does, as an operator reads it. */
        public String describe() {
            if (apply != null) return "apply " + String.join(", ", apply);
            if (function != null) return "run " + function + (args.isEmpty() ? "" : " " + String.join(" ", args));
            return "elect " + elect;
        }
    }

    /** A stage's condition: an election value that must be true (or false, when negated). */
    public record When(String rule, String value, boolean negated) {
        @Override
        public String toString() {
            return (negated ? "not " : "") + rule + "." + value;
        }
    }

    /**
     * Parses and checks an orchestration.
     *
     * @param file  the file's name, for errors
     * @param text  its content
     * @param rules the election rules the master knows
     * @throws PlanException naming the file, line and stage id of the first problem
     */
    public static Orchestration parse(String file, String text, Set<String> rules) {
        Node root;
        try {
            root = Yaml12.parse(text);
        } catch (Yaml12.YamlError e) {
            throw new PlanException(new Source(null, file, e.line), null, e.getMessage());
        }
        if (!(root instanceof MappingNode top)) throw new PlanException(new Source(null, file, root == null ? 0 : Yaml12.line(root)), null,
                "an orchestration is a mapping with a 'stages' list");
        String description = null;
        SequenceNode stagesNode = null;
        for (NodeTuple t : top.getValue()) {
            String key = key(file, t.getKeyNode(), null);
            switch (key) {
                case "description" -> description = text(file, t.getValueNode(), null, "description");
                case "stages" -> {
                    if (!(t.getValueNode() instanceof SequenceNode s)) throw error(file, t.getValueNode(), null, "'stages' must be a list of stages");
                    stagesNode = s;
                }
                default -> throw error(file, t.getKeyNode(), null, "unknown key '" + key + "' (allowed: description, stages)");
            }
        }
        if (stagesNode == null || stagesNode.getValue().isEmpty()) throw new PlanException(new Source(null, file, Yaml12.line(top)), null, "the orchestration has no stages");
        List<Stage> stages = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> elected = new HashSet<>();
        for (Node n : stagesNode.getValue()) {
            Stage s = stage(file, n, rules);
            if (!ids.add(s.id())) throw new PlanException(new Source(null, file, s.line()), s.id(), "duplicate stage id '" + s.id() + "'");
            for (String rule : references(s)) {
                if (!elected.contains(rule)) {
                    throw new PlanException(new Source(null, file, s.line()), s.id(), "refers to election '" + rule
                            + "', which no earlier stage holds (add a stage with 'elect: " + rule + "' before it)");
                }
            }
            if (s.elect() != null) elected.add(s.elect());
            stages.add(s);
        }
        return new Orchestration(file, description, stages);
    }

    /** The election rules a stage's target, condition and pillar refer to. */
    static Set<String> references(Stage s) {
        Set<String> out = new HashSet<>();
        Matcher m = REFERENCE.matcher(s.target());
        while (m.find()) out.add(m.group(1));
        if (s.when() != null) out.add(s.when().rule());
        return out;
    }

    /**
     * A target with its {@code {{rule.value}}} references replaced by what the elections chose.
     *
     * @throws IllegalArgumentException naming a value the election did not give
     */
    public static String resolveTarget(String target, Map<String, Map<String, Object>> elections) {
        Matcher m = REFERENCE.matcher(target);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Map<String, Object> values = elections.get(m.group(1));
            if (values == null || !values.containsKey(m.group(2))) {
                throw new IllegalArgumentException("election '" + m.group(1) + "' gave no value '" + m.group(2) + "'");
            }
            Object v = values.get(m.group(2));
            String text = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString().trim();
    }

    /**
     * Whether a stage's condition holds.
     *
     * @throws IllegalArgumentException when the value is missing or not a boolean
     */
    public static boolean holds(When when, Map<String, Map<String, Object>> elections) {
        if (when == null) return true;
        Map<String, Object> values = elections.get(when.rule());
        Object v = values == null ? null : values.get(when.value());
        if (!(v instanceof Boolean b)) throw new IllegalArgumentException("election '" + when.rule() + "' gave no true/false value '" + when.value() + "'");
        return b != when.negated();
    }

    private static Stage stage(String file, Node n, Set<String> rules) {
        if (!(n instanceof MappingNode map)) throw error(file, n, null, "a stage is a mapping with at least 'id' and 'target'");
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        String id = null;
        for (NodeTuple t : map.getValue()) {
            String k = key(file, t.getKeyNode(), null);
            keys.put(k, t);
            if (k.equals("id")) id = text(file, t.getValueNode(), null, "id");
        }
        if (id == null || !ID.matcher(id).matches()) throw error(file, n, id, "a stage needs an 'id' of letters, digits, '.', '_' and '-'");
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            if (!STAGE_KEYS.contains(e.getKey())) {
                throw error(file, e.getValue().getKeyNode(), id, "unknown key '" + e.getKey() + "'" + io.jstate.common.text.Names.didYouMean(e.getKey(), STAGE_KEYS));
            }
        }
        int line = Yaml12.line(map);
        String target = keys.containsKey("target") ? text(file, keys.get("target").getValueNode(), id, "target") : null;
        if (target == null || target.isBlank()) throw error(file, n, id, "the stage has no 'target'");
        List<String> apply = keys.containsKey("apply") ? names(file, keys.get("apply").getValueNode(), id, "apply") : null;
        String function = keys.containsKey("run") ? text(file, keys.get("run").getValueNode(), id, "run") : null;
        String elect = keys.containsKey("elect") ? text(file, keys.get("elect").getValueNode(), id, "elect") : null;
        int kinds = (apply != null ? 1 : 0) + (function != null ? 1 : 0) + (elect != null ? 1 : 0);
        if (kinds != 1) throw error(file, n, id, "a stage has exactly one of 'apply' (states), 'run' (a function) or 'elect' (an election rule)");
        if (apply != null && apply.isEmpty()) throw error(file, keys.get("apply").getValueNode(), id, "'apply' names no SLS");
        List<String> args = keys.containsKey("args") ? names(file, keys.get("args").getValueNode(), id, "args") : List.of();
        if (!args.isEmpty() && function == null) throw error(file, keys.get("args").getKeyNode(), id, "'args' belongs to a 'run' stage");
        if (elect != null && !rules.contains(elect)) {
            throw error(file, keys.get("elect").getValueNode(), id, "unknown election rule '" + elect + "'" + io.jstate.common.text.Names.didYouMean(elect, rules)
                    + " (known: " + String.join(", ", new java.util.TreeSet<>(rules)) + ")");
        }
        String batch = keys.containsKey("batch") ? text(file, keys.get("batch").getValueNode(), id, "batch") : "";
        if (batch == null) batch = "";
        if (!batch.isEmpty() && !batch.matches("[1-9][0-9]*%?")) throw error(file, keys.get("batch").getValueNode(), id, "batch must be N or N%, got '" + batch + "'");
        if (!batch.isEmpty() && elect != null) throw error(file, keys.get("batch").getKeyNode(), id, "an election asks every minion at once; it takes no batch");
        long timeoutMs = 0;
        if (keys.containsKey("timeout")) {
            String t = text(file, keys.get("timeout").getValueNode(), id, "timeout");
            try {
                double seconds = Double.parseDouble(t);
                if (seconds <= 0) throw new NumberFormatException();
                timeoutMs = Math.round(seconds * 1000);
            } catch (NumberFormatException | NullPointerException e) {
                throw error(file, keys.get("timeout").getValueNode(), id, "timeout must be a positive number of seconds, got '" + t + "'");
            }
        }
        Map<String, Object> pillar = Map.of();
        if (keys.containsKey("pillar")) {
            Object v;
            try {
                v = Yaml12.value(keys.get("pillar").getValueNode(), null);
            } catch (Yaml12.YamlError e) {
                throw new PlanException(new Source(null, file, e.line), id, e.getMessage());
            }
            if (!(v instanceof Map<?, ?> m)) throw error(file, keys.get("pillar").getValueNode(), id, "pillar must be a mapping");
            @SuppressWarnings("unchecked")
            Map<String, Object> pm = (Map<String, Object>) m;
            pillar = pm;
        }
        When when = null;
        if (keys.containsKey("when")) {
            String w = text(file, keys.get("when").getValueNode(), id, "when");
            Matcher m = w == null ? null : WHEN.matcher(w.trim());
            if (m == null || !m.matches()) throw error(file, keys.get("when").getValueNode(), id, "when must be RULE.VALUE or 'not RULE.VALUE', got '" + w + "'");
            when = new When(m.group(2), m.group(3), m.group(1) != null);
        }
        List<String> gate = keys.containsKey("gate") ? names(file, keys.get("gate").getValueNode(), id, "gate") : List.of();
        boolean optional = false;
        if (keys.containsKey("optional")) {
            String o = text(file, keys.get("optional").getValueNode(), id, "optional");
            if (!"true".equals(o) && !"false".equals(o)) throw error(file, keys.get("optional").getValueNode(), id, "optional must be true or false");
            optional = Boolean.parseBoolean(o);
        }
        if (!gate.isEmpty() && apply == null && function == null) throw error(file, keys.get("gate").getKeyNode(), id, "an election stage has no gate");
        return new Stage(id, line, target.trim(), apply, function, args, elect, batch, timeoutMs, pillar, when, gate, optional);
    }

    /** A single name or a list of names. */
    private static List<String> names(String file, Node n, String id, String what) {
        if (n instanceof SequenceNode seq) {
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                String v = text(file, item, id, what + " entry");
                if (v == null || v.isBlank()) throw error(file, item, id, what + " has an empty entry");
                out.add(v);
            }
            return out;
        }
        String v = text(file, n, id, what);
        return v == null || v.isBlank() ? List.of() : List.of(v);
    }

    private static String key(String file, Node k, String id) {
        try {
            return Yaml12.key(k);
        } catch (Yaml12.YamlError e) {
            throw new PlanException(new Source(null, file, e.line), id, e.getMessage());
        }
    }

    private static String text(String file, Node n, String id, String what) {
        if (!(n instanceof ScalarNode)) throw error(file, n, id, what + " must be a single value, not a list or mapping");
        try {
            return Yaml12.text(n, what);
        } catch (Yaml12.YamlError e) {
            throw new PlanException(new Source(null, file, e.line), id, e.getMessage());
        }
    }

    private static PlanException error(String file, Node n, String id, String message) {
        return new PlanException(new Source(null, file, Yaml12.line(n)), id, message);
    }
}
