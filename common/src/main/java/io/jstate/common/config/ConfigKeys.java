package io.jstate.common.config;

import io.jstate.common.text.Names;
import io.jstate.common.yaml.Yaml12;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The keys a configuration file (master.yaml, minion.yaml) may hold, as dotted paths
 * ({@code enrollment.rate_per_minute}); {@code nodegroups.*} lets any key under nodegroups through.
 * A key not among them is refused with its line and the nearest known key, so a typo does not
 * silently leave a setting at its default.
 */
public final class ConfigKeys {
    private final Set<String> known;

    private ConfigKeys(Set<String> known) {
        this.known = Set.copyOf(known);
    }

    /**
     * The YAML reader of configuration files: safe types only, and a key given twice is an error
     * (the second would silently win otherwise).
     */
    public static org.yaml.snakeyaml.Yaml yaml() {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(options));
    }

    public static ConfigKeys of(String... dotted) {
        return new ConfigKeys(Set.of(dotted));
    }

    /**
     * Throws when the YAML {@code text} of {@code file} holds a key not known here; the message is
     * {@code FILE:LINE: unknown key 'a.b' (did you mean c?); known under a: c, d}. Text that is not
     * YAML passes: reading it is the loader's job, which reports that better.
     */
    public void check(String file, String text) {
        Node doc;
        try {
            doc = Yaml12.parse(text);
        } catch (Yaml12.YamlError e) {
            return;
        }
        walk(file, doc, "");
    }

    private void walk(String file, Node n, String prefix) {
        if (!(n instanceof MappingNode map) || known.contains(prefix + "*")) return;
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) continue;
            String path = prefix + k.getValue();
            if (known.contains(path)) continue;
            if (known.stream().anyMatch(x -> x.startsWith(path + "."))) {
                walk(file, t.getValueNode(), path + ".");
                continue;
            }
            Set<String> siblings = below(prefix);
            String where = prefix.isEmpty() ? "known" : "known under " + prefix.substring(0, prefix.length() - 1);
            throw new IllegalArgumentException(file + ":" + Yaml12.line(k) + ": unknown key '" + path + "'"
                    + Names.didYouMean(k.getValue(), siblings) + "; " + where + ": " + String.join(", ", siblings));
        }
    }

    /** The names directly below {@code prefix} (which ends with a dot, or is empty for the top). */
    private Set<String> below(String prefix) {
        Set<String> out = new TreeSet<>();
        for (String k : known) {
            if (!k.startsWith(prefix)) continue;
            String rest = k.substring(prefix.length());
            int dot = rest.indexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            if (!name.isEmpty() && !name.equals("*")) out.add(name);
        }
        return out;
    }
}
