package io.jstate.states.lang;

import io.jstate.common.yaml.Yaml12;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Source;
import io.jstate.common.target.Facts;
import io.jstate.common.target.Target;
import io.jstate.common.target.TargetException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A top file (of the state tree or the pillar tree) in Salt's shape:
 * <pre>
 * base:
 *   '*':
 *     - common
 *   'os:Debian and ctl*':
 *     - galera
 *   'role:db':
 *     - match: grain
 *     - galera
 * </pre>
 * Targets are compound expressions unless a {@code match:} item names another matcher.
 */
final class TopFile {
    static final String FILE = "top.sls";

    /** An SLS chosen for this minion, and where the top file names it. */
    record Choice(String sls, Source at) {}

    private TopFile() {}

    static boolean exists(Renderer renderer) {
        return renderer.files().isFile(FILE);
    }

    /**
     * The SLS names whose target matches, in top file order, each once. With {@code masterDecided}
     * (the master's pillar top) every target is first checked to read only what the master decides,
     * matched or not, so a refused target is found whichever minion the file is read for.
     */
    static List<Choice> select(Renderer renderer, Facts facts, Map<String, String> nodegroups, boolean masterDecided) {
        Doc doc = Doc.load(renderer, null, FILE);
        List<Choice> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Node root = doc.root();
        if (root == null || isNull(root)) return out;
        if (!(root instanceof MappingNode envs)) throw doc.error(Yaml12.line(root), null, "a top file maps 'base' to targets");
        for (NodeTuple env : envs.getValue()) {
            int envLine = Yaml12.line(env.getKeyNode());
            String name = key(doc, env.getKeyNode());
            if (!name.equals("base")) throw doc.error(envLine, null, "only the 'base' environment is supported, not '" + name + "'");
            Node targets = env.getValueNode();
            if (isNull(targets)) continue;
            if (!(targets instanceof MappingNode tm)) throw doc.error(envLine, null, "'base' maps targets to lists of SLS names");
            for (NodeTuple t : tm.getValue()) {
                int line = Yaml12.line(t.getKeyNode());
                String expr = key(doc, t.getKeyNode());
                List<String> sls = new ArrayList<>();
                List<Integer> lines = new ArrayList<>();
                String matcher = "compound";
                Node body = t.getValueNode();
                List<Node> items = body instanceof SequenceNode s ? s.getValue() : isNull(body) ? List.of() : List.of(body);
                for (Node item : items) {
                    if (item instanceof ScalarNode sc && !isNull(sc)) {
                        sls.add(sc.getValue());
                        lines.add(Yaml12.line(sc));
                    } else if (item instanceof MappingNode m && m.getValue().size() == 1
                            && "match".equals(key(doc, m.getValue().get(0).getKeyNode()))
                            && m.getValue().get(0).getValueNode() instanceof ScalarNode mv) {
                        matcher = mv.getValue();
                        if (!Target.MATCHERS.contains(matcher)) {
                            throw doc.error(Yaml12.line(mv), null, "unknown matcher '" + matcher + "'; known: " + String.join(", ", Target.MATCHERS));
                        }
                    } else {
                        throw doc.error(Yaml12.line(item), null, "target '" + expr + "' lists SLS names and at most one '- match: TYPE'");
                    }
                }
                boolean matches;
                try {
                    Target target = Target.of(matcher, expr);
                    if (masterDecided) target.requireMasterDecided(nodegroups);
                    matches = target.matches(facts, nodegroups);
                } catch (TargetException e) {
                    // The state tree's and the pillar tree's top files share a name; say which.
                    throw doc.error(line, null, (masterDecided ? "pillar " : "") + e.getMessage());
                }
                if (!matches) continue;
                for (int i = 0; i < sls.size(); i++) {
                    if (seen.add(sls.get(i))) out.add(new Choice(sls.get(i), doc.at(lines.get(i))));
                }
            }
        }
        return out;
    }

    private static String key(Doc doc, Node n) {
        try {
            return Yaml12.key(n);
        } catch (Yaml12.YamlError e) {
            throw doc.error(e, null);
        }
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static PlanException noMatch(Renderer renderer, String minionId) {
        return new PlanException(new Source(null, FILE, 0), null,
                "no target of " + FILE + " in " + renderer.root() + " matches minion '" + minionId + "'");
    }
}
