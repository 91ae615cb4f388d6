package io.jstate.states.lang;

import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A YAML file of a tree (SLS, top or pillar) after Mustache: its root node and how to name its
 * lines. YAML errors carry lines of the rendered text; when rendering kept the line count (the
 * usual case: values substituted in place) those are the source lines. When a section added or
 * removed lines they are not, and every message says so instead of pointing at the wrong line.
 *
 * @param sls     the SLS name, or null for top files
 * @param file    the path relative to the tree root
 * @param root    the document's root node, null for an empty file
 * @param shifted whether rendering changed the line count
 */
record Doc(String sls, String file, Node root, boolean shifted) {

    static Doc load(Renderer renderer, String sls, String file) {
        String source;
        try {
            source = new String(Files.readAllBytes(renderer.root().resolve(file)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlanException(new Source(sls, file, 0), null, "cannot read: " + e.getMessage(), e);
        }
        String rendered = renderer.render(file, null);
        boolean shifted = lines(source) != lines(rendered);
        try {
            return new Doc(sls, file, Yaml12.parse(rendered), shifted);
        } catch (Yaml12.YamlError e) {
            throw new Doc(sls, file, null, shifted).error(e.line, null, e.getMessage());
        }
    }

    Source at(int line) {
        return new Source(sls, file, line);
    }

    PlanException error(int line, String id, String message) {
        return new PlanException(at(line), id, message + note(line));
    }

    PlanException error(Yaml12.YamlError e, String id) {
        return error(e.line, id, e.getMessage());
    }

    private String note(int line) {
        return shifted && line > 0 ? " (line " + line + " of the rendered text: the template changes the line count)" : "";
    }

    private static int lines(String s) {
        int n = 1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        if (s.endsWith("\n")) n--;
        return n;
    }
}
