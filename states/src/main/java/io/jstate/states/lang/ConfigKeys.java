package io.jstate.states.lang;

import io.jstate.states.engine.Names;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The check that a configuration file (minion.yaml, master.yaml) holds only settings its reader
 * knows: a misspelt key is refused at start instead of silently falling back to a default.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    /**
     * Refuses the top-level keys of the YAML {@code text} that are not in {@code known}.
     *
     * @param file  the file's name, for the message
     * @throws IllegalArgumentException naming the file, each unknown key with its line and the nearest
     *                                  known key, then every known key
     */
    public static void requireKnown(String file, String text, Collection<String> known) {
        Node doc;
        try {
            doc = Yaml12.parse(text);
        } catch (Yaml12.YamlError e) {
            throw new IllegalArgumentException(file + (e.line > 0 ? ":" + e.line : "") + ": " + e.getMessage());
        }
        if (!(doc instanceof MappingNode map)) return;
        List<String> unknown = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
            if (known.contains(key)) continue;
            int line = Yaml12.line(t.getKeyNode());
            List<String> near = Names.nearest(key, known);
            unknown.add(file + (line > 0 ? ":" + line : "") + ": unknown setting '" + key + "'"
                    + (near.isEmpty() ? "" : " (did you mean " + near.get(0) + "?)"));
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", unknown) + "\nknown settings: " + String.join(", ", new TreeSet<>(known)));
        }
    }
}
