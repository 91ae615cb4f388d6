package io.jstate.states.lang;

import io.jstate.common.yaml.Yaml12;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Source;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A YAML file of a tree (SLS, top or pillar) after Mustache: its root node and how to name its
 * lines. YAML carries lines of the rendered text. When rendering kept the line count (the usual
 * case: values substituted in place) those are the source lines. When a section added or removed
 * lines, lines before the first changed line and after the last one still map exactly; a line in
 * between is reported as a line of the rendered text, and the message says so instead of pointing
 * at the wrong line.
 *
 * @param sls   the SLS name, or null for top files
 * @param file  the path relative to the tree root
 * @param root  the document's root node, null for an empty file
 * @param lines how rendered lines map back to the source
 */
record Doc(String sls, String file, Node root, LineMap lines) {

    static Doc load(Renderer renderer, String sls, String file) {
        String source = renderer.files().text(file);
        String rendered = renderer.render(file, null);
        if (rendered.length() > TreeFiles.MAX_TEXT_BYTES) {
            throw new PlanException(new Source(sls, file, 0), null, "renders to more than " + (TreeFiles.MAX_TEXT_BYTES >> 20)
                    + " MiB of text, the limit for a YAML file");
        }
        LineMap lines = LineMap.of(source, rendered);
        try {
            return new Doc(sls, file, Yaml12.parse(rendered), lines);
        } catch (Yaml12.YamlError e) {
            throw new Doc(sls, file, null, lines).error(e.line, null, e.getMessage());
        }
    }

    /** Where a line of the rendered text is, in the source when that is known. */
    Source at(int line) {
        return new Source(sls, file, line > 0 ? lines.source(line) : line);
    }

    PlanException error(int line, String id, String message) {
        return new PlanException(at(line), id, message + note(line));
    }

    PlanException error(Yaml12.YamlError e, String id) {
        return error(e.line, id, e.getMessage());
    }

    private String note(int line) {
        return line > 0 && !lines.exact(line) ? " (line " + line + " of the rendered text: the template changes the line count above it)" : "";
    }

    /**
     * Rendered lines to source lines: the same where the counts agree, otherwise exact for the
     * unchanged lines at the head and at the tail of the file.
     */
    record LineMap(int sourceCount, int renderedCount, int head, int tail) {
        static LineMap of(String source, String rendered) {
            String[] s = source.split("\n", -1);
            String[] r = rendered.split("\n", -1);
            if (s.length == r.length) return new LineMap(s.length, r.length, s.length, 0);
            int max = Math.min(s.length, r.length);
            int head = 0;
            while (head < max && s[head].equals(r[head])) head++;
            int tail = 0;
            while (tail < max - head && s[s.length - 1 - tail].equals(r[r.length - 1 - tail])) tail++;
            return new LineMap(s.length, r.length, head, tail);
        }

        boolean exact(int line) {
            return sourceCount == renderedCount || line <= head || line > renderedCount - tail;
        }

        int source(int line) {
            if (sourceCount == renderedCount || line <= head) return line;
            if (line > renderedCount - tail) return line - (renderedCount - sourceCount);
            return line;
        }
    }
}
