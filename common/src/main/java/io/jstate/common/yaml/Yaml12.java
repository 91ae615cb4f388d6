package io.jstate.common.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML read as nodes, so every value keeps its line, with scalar typing close to YAML 1.2:
 * only {@code true}/{@code false} are booleans, decimal integers without a leading zero and
 * decimal floats are numbers, {@code null}/{@code ~}/nothing are null, and everything else stays
 * the text it was written as. YAML 1.1's {@code yes}, {@code ON}, {@code off}, octal {@code 0644}
 * and sexagesimal numbers therefore reach states unchanged, as ini and mode values need.
 */
public final class Yaml12 {
    public static final String SECRET = "!secret";
    /** The deepest nesting of lists and mappings a YAML file may have. */
    public static final int MAX_DEPTH = 100;
    /** The most aliases ({@code *name}) a YAML file may use. */
    public static final int MAX_ALIASES = 100;
    /** The most values one YAML value may hold once its aliases are expanded. */
    public static final int MAX_VALUES = 1_000_000;

    private Yaml12() {}

    /** A YAML error at a 1-based line of the text that was parsed (0 when not at a line). */
    public static final class YamlError extends RuntimeException {
        public final int line;

        public YamlError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    /** The single document of {@code text}, or null when it holds none. */
    public static Node parse(String text) {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowRecursiveKeys(false);
        // The limits are enforced by Limits below, at the line where they are passed; SnakeYAML's
        // own would stop first with a message at no line.
        opts.setCodePointLimit(Integer.MAX_VALUE);
        opts.setNestingDepthLimit(Integer.MAX_VALUE);
        opts.setMaxAliasesForCollections(Integer.MAX_VALUE);
        try {
            Composer c = new Composer(new Limits(new ParserImpl(new StreamReader(text), opts)), new Resolver12(), opts);
            return c.getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            StringBuilder msg = new StringBuilder("malformed YAML: ").append(e.getProblem());
            if (e.getContext() != null) {
                msg.append(" (").append(e.getContext());
                if (e.getContextMark() != null && e.getContextMark() != m) msg.append(" at line ").append(e.getContextMark().getLine() + 1);
                msg.append(')');
            }
            return fail(m == null ? 0 : m.getLine() + 1, msg.toString());
        } catch (YAMLException e) {
            return fail(0, "malformed YAML: " + e.getMessage());
        }
    }

    private static Node fail(int line, String message) {
        throw new YamlError(line, message);
    }

    /**
     * The parser's events, refused past {@link #MAX_DEPTH} levels of nesting (the composer
     * recurses once per level) or {@link #MAX_ALIASES} aliases, at the line where that happens.
     */
    private static final class Limits implements Parser {
        private final Parser parser;
        private int depth;
        private int aliases;

        Limits(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event e = parser.getEvent();
            if (e instanceof CollectionStartEvent && ++depth > MAX_DEPTH) {
                fail(e.getStartMark().getLine() + 1, "lists and mappings nest deeper than " + MAX_DEPTH + " levels, the limit for YAML files");
            } else if (e instanceof CollectionEndEvent) {
                depth--;
            } else if (e instanceof AliasEvent && ++aliases > MAX_ALIASES) {
                fail(e.getStartMark().getLine() + 1, "more than " + MAX_ALIASES + " aliases (*name), the limit for YAML files");
            }
            return e;
        }
    }

    public static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    /**
     * The plain Java value of a node: maps (insertion ordered), lists, strings, numbers, booleans
     * and nulls. Scalars tagged {@code !secret} are added to {@code secrets}; when {@code secrets}
     * is null the tag is refused, since only pillar may hold secrets.
     */
    public static Object value(Node n, Collection<String> secrets) {
        return value(n, secrets, new IdentityHashMap<>(), new int[] {MAX_VALUES});
    }

    private static Object value(Node n, Collection<String> secrets, IdentityHashMap<Node, Boolean> path, int[] budget) {
        if (n == null) return null;
        // Aliases share nodes, so a few lines can stand for billions of values once expanded.
        if (--budget[0] < 0) throw new YamlError(line(n), "holds more than " + MAX_VALUES + " values once its aliases are expanded");
        if (n instanceof ScalarNode s) return scalar(s, secrets);
        if (path.put(n, Boolean.TRUE) != null) throw new YamlError(line(n), "an alias refers to a value that contains it");
        try {
            if (n instanceof SequenceNode seq) {
                if (!seq.getTag().equals(Tag.SEQ)) throw badTag(n, secrets);
                List<Object> out = new ArrayList<>(seq.getValue().size());
                for (Node item : seq.getValue()) out.add(value(item, secrets, path, budget));
                return out;
            }
            MappingNode map = (MappingNode) n;
            if (!map.getTag().equals(Tag.MAP)) throw badTag(n, secrets);
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, Integer> lines = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                String key = key(t.getKeyNode());
                Integer first = lines.putIfAbsent(key, line(t.getKeyNode()));
                if (first != null) throw new YamlError(line(t.getKeyNode()), "duplicate key '" + key + "' (first at line " + first + ")");
                out.put(key, value(t.getValueNode(), secrets, path, budget));
            }
            return out;
        } finally {
            path.remove(n);
        }
    }

    /** A mapping key as text; keys are names, so only scalars are allowed. */
    public static String key(Node k) {
        if (!(k instanceof ScalarNode s)) throw new YamlError(line(k), "a key must be a single value, not a list or mapping");
        return s.getValue();
    }

    /** A scalar node as text, or an error naming {@code what} when the node is a list or mapping. */
    public static String text(Node n, String what) {
        if (!(n instanceof ScalarNode s)) throw new YamlError(line(n), what + " must be a single value, not a list or mapping");
        Object v = scalar(s, null);
        return v == null ? null : String.valueOf(v);
    }

    private static Object scalar(ScalarNode s, Collection<String> secrets) {
        String v = s.getValue();
        String tag = s.getTag().getValue();
        if (tag.equals(SECRET)) {
            if (secrets == null) throw new YamlError(line(s), "the !secret tag is only allowed in pillar");
            secrets.add(v);
            return v;
        }
        if (s.getTag().equals(Tag.STR)) return v;
        if (s.getTag().equals(Tag.NULL)) {
            if (!NULL_12.matcher(v).matches()) throw new YamlError(line(s), "'" + v + "' is not null");
            return null;
        }
        if (s.getTag().equals(Tag.BOOL)) {
            if (!BOOL_12.matcher(v).matches()) throw new YamlError(line(s), "'" + v + "' is not true or false");
            return Boolean.parseBoolean(v.toLowerCase());
        }
        if (s.getTag().equals(Tag.INT)) {
            try {
                BigInteger b = new BigInteger(v.startsWith("+") ? v.substring(1) : v);
                if (b.bitLength() < 32) return b.intValue();
                if (b.bitLength() < 64) return b.longValue();
                return b;
            } catch (NumberFormatException e) {
                throw new YamlError(line(s), "'" + v + "' is not a whole number");
            }
        }
        if (s.getTag().equals(Tag.FLOAT)) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new YamlError(line(s), "'" + v + "' is not a number");
            }
        }
        throw badTag(s, secrets);
    }

    private static YamlError badTag(Node n, Collection<String> secrets) {
        String tag = n.getTag().getValue();
        if (tag.equals(SECRET)) return new YamlError(line(n), "!secret marks a single value, not a list or mapping");
        return new YamlError(line(n), "unsupported tag " + tag + " (supported: !!str, !!int, !!float, !!bool, !!null"
                + (secrets != null ? ", !secret" : "") + ")");
    }

    private static final Pattern BOOL_12 = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
    private static final Pattern NULL_12 = Pattern.compile("^(?:~|null|Null|NULL|)$");
    private static final Pattern INT_12 = Pattern.compile("^[-+]?(?:0|[1-9][0-9]*)$");
    private static final Pattern FLOAT_12 = Pattern.compile("^[-+]?(?:0|[1-9][0-9]*)(?:\\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)$");

    /** Implicit typing of plain scalars by the rules above; quoted scalars are always strings. */
    private static final class Resolver12 extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL_12, "tTfF");
            addImplicitResolver(Tag.INT, INT_12, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, FLOAT_12, "-+0123456789");
            addImplicitResolver(Tag.NULL, NULL_12, "~nN\0");
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
        }
    }
}
