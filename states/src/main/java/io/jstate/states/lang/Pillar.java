package io.jstate.states.lang;

import io.jstate.common.yaml.Yaml12;
import io.jstate.common.text.Names;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Source;
import io.jstate.common.target.Facts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * A minion's pillar: the pillar tree's top file chooses SLS files, each rendered with Mustache
 * (the context the caller gives, never pillar, since pillar is what is being built) and deep-merged in top order, a
 * file's includes before the file itself. Values tagged {@code !secret} are collected for
 * redaction.
 */
final class Pillar {
    private final Renderer renderer;
    private final Map<String, Object> data = new LinkedHashMap<>();
    private final List<String> secrets = new ArrayList<>();
    private final Set<String> loaded = new HashSet<>();

    private Pillar(Renderer renderer) {
        this.renderer = renderer;
    }

    /** {@code masterDecided}: refuse top file targets the master does not decide (see {@link TopFile#select}). */
    static PillarData compile(Renderer renderer, Facts facts, Map<String, String> nodegroups, boolean masterDecided) {
        Pillar p = new Pillar(renderer);
        if (TopFile.exists(renderer)) {
            for (TopFile.Choice c : TopFile.select(renderer, facts, nodegroups, masterDecided)) {
                p.load(SlsLoader.absolute(c.sls(), null, c.at()), c.at());
            }
        }
        return new PillarData(p.data, p.secrets);
    }

    private void load(String sls, Source at) {
        String path = sls.replace('.', '/');
        String file = SlsLoader.locate(renderer.files(), sls, at);
        if (file == null) {
            throw new PlanException(at, null, "pillar SLS '" + sls + "' not found: no " + path + ".sls or " + path + "/init.sls in "
                    + renderer.root() + Names.didYouMean(sls, renderer.files().slsNames()));
        }
        if (!loaded.add(file)) return;
        Doc doc = Doc.load(renderer, sls, file);
        Node root = doc.root();
        if (root == null || (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) return;
        if (!(root instanceof MappingNode map)) throw doc.error(Yaml12.line(root), null, "a pillar file is a mapping of keys to values");
        Map<String, Object> own = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            try {
                String key = Yaml12.key(t.getKeyNode());
                if (key.equals("include")) {
                    Node v = t.getValueNode();
                    for (Node inc : v instanceof SequenceNode seq ? seq.getValue() : List.of(v)) {
                        Source from = doc.at(Yaml12.line(inc));
                        load(SlsLoader.absolute(Yaml12.text(inc, "an include"), doc, from), from);
                    }
                    continue;
                }
                if (own.containsKey(key)) throw new Yaml12.YamlError(Yaml12.line(t.getKeyNode()), "duplicate key '" + key + "'");
                own.put(key, Yaml12.value(t.getValueNode(), secrets));
            } catch (Yaml12.YamlError e) {
                throw doc.error(e, null);
            }
        }
        merge(data, own);
    }

    /** Maps merge key by key, all the way down; anything else (lists too) is replaced by the later value. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> into, Map<String, Object> from) {
        for (Map.Entry<String, Object> e : from.entrySet()) {
            Object old = into.get(e.getKey());
            if (old instanceof Map<?, ?> om && e.getValue() instanceof Map<?, ?> nm) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) om);
                merge(merged, (Map<String, Object>) nm);
                into.put(e.getKey(), merged);
            } else {
                into.put(e.getKey(), e.getValue());
            }
        }
    }
}
