package io.jstate.states.lang;

import io.jstate.common.yaml.Yaml12;
import io.jstate.common.text.Names;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Requisite;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Reads SLS files in Salt's shape into {@link Decl}s, in definition order: an included file's
 * states come before the including file's (in include order), then the file's own in file order.
 * Each file is read once, so diamond and circular includes are harmless.
 */
final class SlsLoader {
    static final Map<String, Requisite> REQUISITES = Map.of(
            "require", Requisite.REQUIRE, "watch", Requisite.WATCH,
            "onchanges", Requisite.ONCHANGES, "onfail", Requisite.ONFAIL);
    private static final Set<String> UNSUPPORTED_REQUISITES = Set.of(
            "prereq", "prereq_in", "listen", "listen_in", "use", "use_in", "require_any", "watch_any",
            "onchanges_any", "onfail_any", "onfail_all");
    /** Arguments every state takes that the engine keeps for itself; they never reach a spec. */
    static final List<String> ENGINE_OPTIONS = List.of("order", "failhard", "retry", "timeout");
    private static final Set<String> RETRY_KEYS = Set.of("attempts", "interval", "until");

    private final Renderer renderer;
    private final Set<String> loadedFiles = new HashSet<>();
    private final Map<String, Doc> docs = new LinkedHashMap<>();
    private final List<Decl> decls = new ArrayList<>();
    private final Map<String, Decl> byIdAndFamily = new HashMap<>();

    SlsLoader(Renderer renderer) {
        this.renderer = renderer;
    }

    /** The loaded states in definition order. */
    List<Decl> decls() {
        return decls;
    }

    /** The loaded SLS files by name, in load order. */
    Map<String, Doc> docs() {
        return docs;
    }

    /**
     * Loads an SLS and what it includes.
     *
     * @param name the SLS name as written (relative names start with '.')
     * @param from the file that names it, null for a target given on the command line or in top.sls
     * @param at   where it is named, for errors
     */
    void load(String name, Doc from, Source at) {
        String sls = absolute(name, from, at);
        String file = locate(sls, at);
        if (!loadedFiles.add(file)) return;
        Doc doc = Doc.load(renderer, sls, file);
        docs.put(sls, doc);
        List<Decl> own = new ArrayList<>();
        List<Map.Entry<String, Integer>> includes = new ArrayList<>();
        read(doc, includes, own);
        for (Map.Entry<String, Integer> inc : includes) load(inc.getKey(), doc, doc.at(inc.getValue()));
        for (Decl d : own) add(d);
    }

    /**
     * One id holds at most one state of each family, as in Salt: {@code file.managed} and
     * {@code file.absent} under one id would undo each other on every run.
     */
    private void add(Decl d) {
        Decl before = byIdAndFamily.putIfAbsent(d.id() + "\u0000" + d.family(), d);
        if (before != null) {
            String what = before.kind().equals(d.kind()) ? d.kind() + " is declared twice"
                    : d.kind() + " and " + before.kind() + " are both " + d.family() + " states";
            throw new PlanException(d.kindAt(), d.id(), what + ": here and at " + before.kindAt()
                    + "; a state id holds at most one state of each family (give the other one its own id)");
        }
        decls.add(d);
    }

    // ---- SLS names and files ----

    /** Resolves {@code .name} against the package of the including file, as Salt does. */
    static String absolute(String name, Doc from, Source at) {
        String n = name.trim();
        if (!n.startsWith(".")) return check(n, at);
        if (from == null) throw new PlanException(at, null, "relative SLS name '" + name + "' outside an SLS file");
        int dots = 0;
        while (dots < n.length() && n.charAt(dots) == '.') dots++;
        List<String> base = new ArrayList<>(List.of(from.file().split("/")));
        base.remove(base.size() - 1);
        for (int i = 1; i < dots; i++) {
            if (base.isEmpty()) throw new PlanException(at, null, "relative SLS name '" + name + "' goes above the state tree");
            base.remove(base.size() - 1);
        }
        String rest = n.substring(dots);
        if (rest.isEmpty()) throw new PlanException(at, null, "relative SLS name '" + name + "' names no file");
        base.add(rest);
        return check(String.join(".", base), at);
    }

    private static String check(String sls, Source at) {
        if (sls.isEmpty() || sls.contains("/") || sls.contains("\\") || sls.startsWith(".") || sls.endsWith(".") || sls.contains("..")) {
            throw new PlanException(at, null, "bad SLS name '" + sls + "': SLS names are dotted paths such as galera.config");
        }
        return sls;
    }

    private String locate(String sls, Source at) {
        String path = sls.replace('.', '/');
        String file = locate(renderer.files(), sls, at);
        if (file != null) return file;
        throw new PlanException(at, null, "SLS '" + sls + "' not found: no " + path + ".sls or " + path + "/init.sls in "
                + renderer.root() + Names.didYouMean(sls, renderer.files().slsNames()));
    }

    /**
     * The file of an SLS name ({@code a/b.sls} or {@code a/b/init.sls}), null when there is none;
     * a file that is a link out of the tree is an error at {@code at}, where the SLS is named.
     */
    static String locate(TreeFiles files, String sls, Source at) {
        String path = sls.replace('.', '/');
        for (String candidate : List.of(path + ".sls", path + "/init.sls")) {
            try {
                if (files.isFile(candidate)) return candidate;
            } catch (PlanException e) {
                throw at == null ? e : new PlanException(at, null, e.getMessage());
            }
        }
        return null;
    }

    // ---- the shape of a file ----

    private static void read(Doc doc, List<Map.Entry<String, Integer>> includes, List<Decl> out) {
        Node root = doc.root();
        if (root == null || isNull(root)) return;
        if (!(root instanceof MappingNode map)) {
            throw doc.error(Yaml12.line(root), null, "an SLS file is a mapping of state ids (and 'include'), not a " + shape(root));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (NodeTuple t : map.getValue()) {
            int line = Yaml12.line(t.getKeyNode());
            String key;
            try {
                key = Yaml12.key(t.getKeyNode());
            } catch (Yaml12.YamlError e) {
                throw doc.error(e, null);
            }
            Integer first = seen.putIfAbsent(key, line);
            if (first != null) throw doc.error(line, key, "state id declared twice in this file (first at line " + first + ")");
            switch (key) {
                case "include" -> readIncludes(doc, t.getValueNode(), includes);
                case "extend" -> throw doc.error(line, null,
                        "'extend' is not supported: change the state where it is declared, or point at it with a requisite's _in form");
                default -> readState(doc, key, line, t.getValueNode(), out);
            }
        }
    }

    private static void readIncludes(Doc doc, Node n, List<Map.Entry<String, Integer>> includes) {
        List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
        for (Node item : items) {
            if (isNull(item)) continue;
            if (!(item instanceof ScalarNode)) throw doc.error(Yaml12.line(item), null, "include lists SLS names, not a " + shape(item));
            includes.add(Map.entry(((ScalarNode) item).getValue(), Yaml12.line(item)));
        }
    }

    private static void readState(Doc doc, String id, int line, Node body, List<Decl> out) {
        if (isNull(body)) throw doc.error(line, id, "the state has no kind: write '" + id + ": {pkg.installed: [...]}'");
        if (body instanceof ScalarNode s) {
            out.add(state(doc, id, line, s.getValue(), line, null));
            return;
        }
        if (!(body instanceof MappingNode m)) {
            throw doc.error(Yaml12.line(body), id, "a state is a mapping of kinds to argument lists, not a " + shape(body));
        }
        for (NodeTuple t : m.getValue()) {
            int kindLine = Yaml12.line(t.getKeyNode());
            String kind;
            try {
                kind = Yaml12.key(t.getKeyNode());
            } catch (Yaml12.YamlError e) {
                throw doc.error(e, id);
            }
            out.add(state(doc, id, line, kind, kindLine, t.getValueNode()));
        }
    }

    /** One (id, kind) with its argument list: arguments, requisites and engine options sorted apart. */
    private static Decl state(Doc doc, String id, int line, String kind, int kindLine, Node argsNode) {
        List<NodeTuple> args = new ArrayList<>();
        List<ScalarNode> bare = new ArrayList<>();
        if (argsNode != null && !isNull(argsNode)) {
            if (argsNode instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    if (item instanceof MappingNode im) args.addAll(im.getValue());
                    else if (item instanceof ScalarNode sc && !isNull(sc)) bare.add(sc);
                    else throw doc.error(Yaml12.line(item), id, kind + ": each argument is a '- name: value' mapping, not a " + shape(item));
                }
            } else if (argsNode instanceof MappingNode am) {
                args.addAll(am.getValue());
            } else {
                throw doc.error(Yaml12.line(argsNode), id, kind + ": arguments are a list of '- name: value' mappings, not a " + shape(argsNode));
            }
        }
        // Salt's short form "pkg: [installed, {name: x}]" names the function as a bare list item.
        if (!kind.contains(".")) {
            if (bare.size() != 1) {
                throw doc.error(kindLine, id, "'" + kind + "' is not a state kind: write '" + kind + ".function' (for example "
                        + kind + ".installed), or name the function as one bare list item");
            }
            kind = kind + "." + bare.get(0).getValue();
            bare.clear();
        }
        if (!bare.isEmpty()) {
            ScalarNode b = bare.get(0);
            throw doc.error(Yaml12.line(b), id, kind + ": argument '" + b.getValue() + "' has no value: write '- " + b.getValue() + ": value'");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        List<Decl.Req> reqs = new ArrayList<>();
        Decl.Order order = Decl.Order.NONE;
        boolean failhard = false;
        Step.Retry retry = null;
        Duration timeout = null;
        for (NodeTuple t : args) {
            int at = Yaml12.line(t.getKeyNode());
            Node v = t.getValueNode();
            try {
                String name = Yaml12.key(t.getKeyNode());
                Integer first = lines.putIfAbsent(name, at);
                if (first != null) throw doc.error(at, id, kind + ": argument '" + name + "' given twice (first at line " + first + ")");
                String base = name.endsWith("_in") ? name.substring(0, name.length() - 3) : name;
                if (REQUISITES.containsKey(base)) {
                    readRequisites(doc, id, REQUISITES.get(base), !base.equals(name), v, reqs);
                    continue;
                }
                if (UNSUPPORTED_REQUISITES.contains(name)) {
                    throw doc.error(at, id, "the '" + name + "' requisite is not supported; use require, watch, onchanges, onfail or their _in forms");
                }
                switch (name) {
                    case "order" -> order = order(doc, id, Yaml12.value(v, null), at);
                    case "failhard" -> failhard = bool(doc, id, "failhard", Yaml12.value(v, null), at);
                    case "retry" -> retry = retry(doc, id, Yaml12.value(v, null), at);
                    case "timeout" -> timeout = seconds(doc, id, "timeout", Yaml12.value(v, null), at);
                    default -> values.put(name, Yaml12.value(v, null));
                }
            } catch (Yaml12.YamlError e) {
                throw doc.error(e, id);
            }
        }
        for (String engineOwned : ENGINE_OPTIONS) lines.remove(engineOwned);
        return new Decl(doc, line, id, kind, kindLine, values, lines, List.copyOf(reqs), order,
                new Step.Options(failhard, retry, timeout));
    }

    private static void readRequisites(Doc doc, String id, Requisite type, boolean in, Node v, List<Decl.Req> out) {
        if (isNull(v)) return;
        List<Node> items = v instanceof SequenceNode s ? s.getValue() : List.of(v);
        for (Node item : items) {
            int line = Yaml12.line(item);
            if (item instanceof ScalarNode sc) {
                if (!isNull(sc)) out.add(new Decl.Req(type, in, null, sc.getValue(), line));
            } else if (item instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    String family = Yaml12.key(t.getKeyNode());
                    Node ref = t.getValueNode();
                    List<Node> refs = ref instanceof SequenceNode rs ? rs.getValue() : List.of(ref);
                    for (Node r : refs) {
                        if (!(r instanceof ScalarNode rsc) || isNull(r)) {
                            throw doc.error(Yaml12.line(r), id, type.sls() + (in ? "_in" : "") + ": '" + family
                                    + "' needs the id or name of a state, as in {" + family + ": some-id}");
                        }
                        out.add(new Decl.Req(type, in, family, rsc.getValue(), Yaml12.line(t.getKeyNode())));
                    }
                }
            } else {
                throw doc.error(line, id, type.sls() + (in ? "_in" : "") + " lists {family: id}, {sls: name} or ids, not a " + shape(item));
            }
        }
    }

    // ---- engine options ----

    private static Decl.Order order(Doc doc, String id, Object v, int line) {
        if (v instanceof Number n && !(v instanceof Double)) return Decl.Order.number(n.longValue());
        if ("first".equals(v)) return Decl.Order.FIRST;
        if ("last".equals(v)) return Decl.Order.LAST;
        throw doc.error(line, id, "order is a whole number, 'first' or 'last', not '" + v + "'");
    }

    private static boolean bool(Doc doc, String id, String what, Object v, int line) {
        if (v instanceof Boolean b) return b;
        throw doc.error(line, id, what + " is true or false, not '" + v + "'");
    }

    private static Duration seconds(Doc doc, String id, String what, Object v, int line) {
        if (v instanceof Number n && n.doubleValue() > 0) return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        throw doc.error(line, id, what + " is a number of seconds greater than 0, not '" + v + "'");
    }

    /** {@code retry: true} takes Salt's defaults (2 attempts, 30 seconds apart). */
    private static Step.Retry retry(Doc doc, String id, Object v, int line) {
        if (Boolean.TRUE.equals(v)) return new Step.Retry(2, Duration.ofSeconds(30));
        if (Boolean.FALSE.equals(v) || v == null) return null;
        if (!(v instanceof Map<?, ?> m)) throw doc.error(line, id, "retry is true or {attempts: N, interval: SECONDS, until: true}, not '" + v + "'");
        for (Object k : m.keySet()) {
            if (!RETRY_KEYS.contains(String.valueOf(k))) {
                throw doc.error(line, id, "retry: unknown key '" + k + "'" + Names.didYouMean(String.valueOf(k), RETRY_KEYS)
                        + "; accepted: attempts, interval, until");
            }
        }
        if (m.containsKey("until") && !Boolean.TRUE.equals(m.get("until"))) {
            throw doc.error(line, id, "retry: only 'until: true' (retry while the state fails) is supported");
        }
        int attempts = 2;
        if (m.containsKey("attempts")) {
            Object a = m.get("attempts");
            if (!(a instanceof Integer i) || i < 1) throw doc.error(line, id, "retry: attempts is a whole number of at least 1, not '" + a + "'");
            attempts = i;
        }
        Duration interval = m.containsKey("interval") ? seconds(doc, id, "retry: interval", m.get("interval"), line) : Duration.ofSeconds(30);
        return new Step.Retry(attempts, interval);
    }

    // ---- helpers ----

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private static String shape(Node n) {
        if (n instanceof SequenceNode) return "list";
        if (n instanceof MappingNode) return "mapping";
        return "single value ('" + ((ScalarNode) n).getValue() + "')";
    }
}
