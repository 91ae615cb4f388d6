package io.jstate.common.target;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A target expression choosing minions, in Salt's compound syntax:
 *
 * <ul>
 *   <li>{@code web*} — a glob on the minion id (the default);
 *   <li>{@code L@ctl1,ctl2} — a list of ids;
 *   <li>{@code G@os:Debian}, or the shorthand {@code os:Debian} — a grain (nested keys joined by
 *       {@code :}; a list grain matches when any element does; the value is a glob);
 *   <li>{@code P@os:Deb.*} — a grain matched by regular expression;
 *   <li>{@code I@galera:bootstrap:true} — a pillar value, like G@;
 *   <li>{@code E@ctl[0-9]+} — a regular expression on the id, anchored at the start as in Salt;
 *   <li>{@code R@controller} — a role the master assigns (a glob over the minion's master roles);
 *   <li>{@code N@controllers} — a named nodegroup, itself an expression;
 *   <li>{@code and}, {@code or}, {@code not} and parentheses to combine them.
 * </ul>
 *
 * Grain and pillar values compare case-insensitively (Salt does the same); ids are case-sensitive.
 * The class knows nothing of the state compiler, so the master targets jobs with it too.
 *
 * <p>Ids, lists, id expressions, roles and nodegroups of those are decided by the master; grains are
 * what the minion says about itself, and pillar is what a pillar top file decides. {@link
 * #requireMasterDecided} tells them apart for the pillar top, where only the master may decide.
 */
public final class Target {
    /** The matchers a top file may name with {@code match:}. */
    public static final List<String> MATCHERS =
            List.of("compound", "glob", "list", "grain", "grain_pcre", "pillar", "pillar_pcre", "pcre", "role", "nodegroup");

    private final String expression;
    private final Node root;

    private Target(String expression, Node root) {
        this.expression = expression;
        this.root = root;
    }

    /** Parses a compound expression. */
    public static Target parse(String expression) {
        if (expression == null) throw new TargetException("", -1, "empty expression");
        return new Target(expression, new Parser(expression).parse());
    }

    /**
     * An expression read by one matcher, as a top file's {@code match: grain} or the CLI's {@code -G}
     * asks: the whole text is then a single grain (or glob, list, ...) expression, spaces included.
     */
    public static Target of(String matcher, String expression) {
        if (expression == null || expression.isBlank()) throw new TargetException(String.valueOf(expression), -1, "empty expression");
        Node n = switch (matcher == null ? "compound" : matcher) {
            case "compound" -> new Parser(expression).parse();
            case "glob" -> new Glob(expression, globPattern(expression, false));
            case "list" -> list(expression);
            case "grain" -> data(expression, 0, expression, true, false);
            case "grain_pcre" -> data(expression, 0, expression, true, true);
            case "pillar" -> data(expression, 0, expression, false, false);
            case "pillar_pcre" -> data(expression, 0, expression, false, true);
            case "pcre" -> new Regex(compile(expression, 0, expression, false));
            case "role" -> new Role(expression.trim(), globPattern(expression.trim(), false));
            case "nodegroup" -> new Group(expression.trim());
            default -> throw new TargetException(expression, -1,
                    "unknown matcher '" + matcher + "'; known: " + String.join(", ", MATCHERS));
        };
        return new Target(expression, n);
    }

    /** Whether the minion described by {@code facts} is chosen; {@code nodegroups} expands N@name. */
    public boolean matches(Facts facts, Map<String, String> nodegroups) {
        return root.eval(facts, new Groups(nodegroups == null ? Map.of() : nodegroups));
    }

    public String expression() {
        return expression;
    }

    /**
     * Refuses an expression (or a nodegroup it names) with a term whose facts do not come from the
     * master: grains, which the minion reports about itself, and pillar. A pillar top file asks this,
     * since whatever chooses a minion's pillar chooses which secrets it receives.
     *
     * @throws TargetException naming the first such term and what to write instead
     */
    public void requireMasterDecided(Map<String, String> nodegroups) {
        root.requireMasterDecided(expression, new Groups(nodegroups == null ? Map.of() : nodegroups));
    }

    @Override
    public String toString() {
        return expression;
    }

    // ---- the expression tree ----

    private sealed interface Node permits Glob, IdList, Data, Regex, Role, Group, And, Or, Not {
        boolean eval(Facts f, Groups g);

        /** Throws when this term, or one below it, matches facts the master does not decide. */
        default void requireMasterDecided(String expression, Groups g) {}
    }

    private record Role(String glob, Pattern pattern) implements Node {
        public boolean eval(Facts f, Groups g) {
            for (String r : f.roles()) if (pattern.matcher(r).matches()) return true;
            return false;
        }
    }

    private record Glob(String glob, Pattern pattern) implements Node {
        public boolean eval(Facts f, Groups g) {
            return pattern.matcher(f.id()).matches();
        }
    }

    private record IdList(Set<String> ids) implements Node {
        public boolean eval(Facts f, Groups g) {
            return ids.contains(f.id());
        }
    }

    private record Regex(Pattern pattern) implements Node {
        public boolean eval(Facts f, Groups g) {
            return pattern.matcher(f.id()).lookingAt();
        }
    }

    /**
     * A grain or pillar test. The text {@code a:b:c} can be key {@code a:b} with value {@code c} or
     * key {@code a} with value {@code b:c} (values such as addresses contain colons), so every
     * split is tried, as Salt does.
     */
    private record Data(String text, boolean grains, boolean regex, String expression, int position) implements Node {
        public boolean eval(Facts f, Groups g) {
            String[] parts = text.split(":", -1);
            for (int i = parts.length - 1; i >= 1; i--) {
                Object v = walk(grains ? f.grains() : f.pillar(), parts, i);
                if (v == MISSING) continue;
                String want = String.join(":", List.of(parts).subList(i, parts.length));
                Pattern p = regex ? compile(want, position, expression, true) : globPattern(want, true);
                if (valueMatches(v, p, regex)) return true;
            }
            return false;
        }

        public void requireMasterDecided(String expr, Groups g) {
            // Inside a nodegroup the position is in the group's text, not in the expression named.
            int at = g.path().isEmpty() ? position : -1;
            String term = (grains ? regex ? "P@" : "G@" : regex ? "J@" : "I@") + text;
            String where = g.path().isEmpty() ? "'" + term + "'" : "nodegroup '" + String.join("' -> '", g.path()) + "' uses '" + term + "', which";
            if (!grains) {
                throw new TargetException(expr, at, where + " matches pillar, which is what a pillar top file decides;"
                        + " target by id, L@, E@, R@ (roles assigned on the master) or N@ of those");
            }
            String role = text.startsWith("roles:") && !regex ? text.substring("roles:".length()) : "ROLE";
            throw new TargetException(expr, at, where + " matches what the minion says about itself (its grains);"
                    + " assign the role on the master (roles: in master.yaml or jstate keys accept ID --role " + role
                    + ") and write 'R@" + role + "'");
        }
    }

    private record Group(String name) implements Node {
        public boolean eval(Facts f, Groups g) {
            return g.expand(name).eval(f, g.entering(name));
        }

        public void requireMasterDecided(String expr, Groups g) {
            g.expand(name).requireMasterDecided(expr, g.entering(name));
        }
    }

    private record And(Node left, Node right) implements Node {
        public boolean eval(Facts f, Groups g) {
            return left.eval(f, g) && right.eval(f, g);
        }

        public void requireMasterDecided(String expr, Groups g) {
            left.requireMasterDecided(expr, g);
            right.requireMasterDecided(expr, g);
        }
    }

    private record Or(Node left, Node right) implements Node {
        public boolean eval(Facts f, Groups g) {
            return left.eval(f, g) || right.eval(f, g);
        }

        public void requireMasterDecided(String expr, Groups g) {
            left.requireMasterDecided(expr, g);
            right.requireMasterDecided(expr, g);
        }
    }

    private record Not(Node inner) implements Node {
        public boolean eval(Facts f, Groups g) {
            return !inner.eval(f, g);
        }

        public void requireMasterDecided(String expr, Groups g) {
            inner.requireMasterDecided(expr, g);
        }
    }

    /** Nodegroups being expanded, so a group that names itself is an error instead of a stack overflow. */
    private record Groups(Map<String, String> defined, List<String> path) {
        Groups(Map<String, String> defined) {
            this(defined, List.of());
        }

        Node expand(String name) {
            String expr = defined.get(name);
            if (expr == null) {
                throw new TargetException("N@" + name, -1, "unknown nodegroup '" + name + "'"
                        + (defined.isEmpty() ? "; no nodegroups are defined" : "; defined: " + String.join(", ", new TreeSet<>(defined.keySet()))));
            }
            if (path.contains(name)) {
                throw new TargetException("N@" + name, -1, "nodegroup cycle: " + String.join(" -> ", path) + " -> " + name);
            }
            return new Parser(expr).parse();
        }

        Groups entering(String name) {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            return new Groups(defined, p);
        }
    }

    // ---- matching helpers ----

    private static final Object MISSING = new Object();

    private static Object walk(Map<String, Object> root, String[] parts, int keyCount) {
        Object cur = root;
        for (int i = 0; i < keyCount; i++) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(parts[i])) return MISSING;
            cur = m.get(parts[i]);
        }
        return cur;
    }

    private static boolean valueMatches(Object v, Pattern p, boolean regex) {
        if (v == null) return false;
        if (v instanceof List<?> l) {
            for (Object o : l) if (!(o instanceof List) && valueMatches(o, p, regex)) return true;
            return false;
        }
        if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) if (valueMatches(k, p, regex)) return true;
            return false;
        }
        var m = p.matcher(String.valueOf(v));
        return regex ? m.lookingAt() : m.matches();
    }

    static Pattern globPattern(String glob, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        boolean negate = body.startsWith("!") || body.startsWith("^");
                        if (negate) body = body.substring(1);
                        re.append('[').append(negate ? "^" : "").append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), (ignoreCase ? Pattern.CASE_INSENSITIVE : 0) | Pattern.DOTALL);
    }

    private static Pattern compile(String regex, int position, String expression, boolean ignoreCase) {
        try {
            return Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            throw new TargetException(expression, position, "bad regular expression '" + regex + "': " + e.getDescription());
        }
    }

    private static Node list(String text) {
        Set<String> ids = new LinkedHashSet<>();
        for (String s : text.split(",")) if (!s.isBlank()) ids.add(s.trim());
        return new IdList(Set.copyOf(ids));
    }

    private static Node data(String text, int position, String expression, boolean grains, boolean regex) {
        if (!text.contains(":") || text.startsWith(":")) {
            throw new TargetException(expression, position, "expected key:value, got '" + text + "'");
        }
        return new Data(text, grains, regex, expression, position);
    }

    // ---- parsing ----

    private record Token(String text, int position) {}

    /** A recursive-descent parser: or binds loosest, then and, then not and parentheses. */
    private static final class Parser {
        private final String expression;
        private final Deque<Token> tokens;

        Parser(String expression) {
            this.expression = expression;
            this.tokens = tokenize(expression);
        }

        Node parse() {
            if (tokens.isEmpty()) throw new TargetException(expression, -1, "empty expression");
            Node n = or();
            if (!tokens.isEmpty()) {
                Token t = tokens.peek();
                if (t.text.equals(")")) throw error(t.position, "unexpected ')' without a matching '('");
                throw error(t.position, "expected 'and' or 'or' before '" + t.text + "'");
            }
            return n;
        }

        private Node or() {
            Node left = and();
            while (peekIs("or")) {
                Token op = tokens.pop();
                left = new Or(left, operand(op, this::and));
            }
            return left;
        }

        private Node and() {
            Node left = unary();
            while (peekIs("and")) {
                Token op = tokens.pop();
                left = new And(left, operand(op, this::unary));
            }
            return left;
        }

        private Node operand(Token op, Supplier<Node> next) {
            if (tokens.isEmpty()) throw error(expression.length(), "expected a target after '" + op.text + "'");
            return next.get();
        }

        private Node unary() {
            Token t = tokens.pop();
            switch (t.text) {
                case "not" -> {
                    return new Not(operand(t, this::unary));
                }
                case "(" -> {
                    if (tokens.isEmpty()) throw error(expression.length(), "expected a target after '('");
                    Node inner = or();
                    if (!peekIs(")")) {
                        throw error(tokens.isEmpty() ? expression.length() : tokens.peek().position,
                                "missing ')' for the '(' at position " + (t.position + 1));
                    }
                    tokens.pop();
                    return inner;
                }
                case ")" -> throw error(t.position, "unexpected ')'");
                case "and", "or" -> throw error(t.position, "expected a target before '" + t.text + "'");
                default -> {
                    return term(t);
                }
            }
        }

        private Node term(Token t) {
            String w = t.text;
            if (w.length() >= 2 && w.charAt(1) == '@' && Character.isLetter(w.charAt(0))) {
                String rest = w.substring(2);
                int at = t.position + 2;
                if (rest.isEmpty()) throw error(at, "empty expression after '" + w + "'");
                return switch (w.charAt(0)) {
                    case 'G' -> data(rest, at, expression, true, false);
                    case 'P' -> data(rest, at, expression, true, true);
                    case 'I' -> data(rest, at, expression, false, false);
                    case 'J' -> data(rest, at, expression, false, true);
                    case 'L' -> list(rest);
                    case 'E' -> new Regex(compile(rest, at, expression, false));
                    case 'N' -> new Group(rest);
                    case 'R' -> new Role(rest, globPattern(rest, false));
                    case 'S' -> throw error(t.position, "the S@ matcher is not supported");
                    default -> throw error(t.position, "unknown matcher '" + w.substring(0, 2) + "'; known: G@, P@, I@, J@, L@, E@, R@, N@");
                };
            }
            if (w.contains(":")) return data(w, t.position, expression, true, false);
            return new Glob(w, globPattern(w, false));
        }

        private boolean peekIs(String s) {
            return !tokens.isEmpty() && tokens.peek().text.equals(s);
        }

        private TargetException error(int position, String message) {
            return new TargetException(expression, position, message);
        }

        /**
         * Splits on white space. Parentheses around a word are their own tokens; a ')' that closes a
         * '(' inside the word (a regular expression such as {@code E@web(1|2)}) stays in the word.
         */
        private static Deque<Token> tokenize(String s) {
            Deque<Token> out = new ArrayDeque<>();
            int i = 0;
            while (i < s.length()) {
                if (Character.isWhitespace(s.charAt(i))) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
                int from = start;
                int to = i;
                while (from < to && s.charAt(from) == '(') out.add(new Token("(", from++));
                List<Token> closing = new ArrayList<>();
                while (to > from && s.charAt(to - 1) == ')' && count(s, from, to, ')') > count(s, from, to, '(')) {
                    closing.add(0, new Token(")", --to));
                }
                if (to > from) out.add(new Token(s.substring(from, to), from));
                out.addAll(closing);
            }
            return out;
        }

        private static int count(String s, int from, int to, char c) {
            int n = 0;
            for (int i = from; i < to; i++) if (s.charAt(i) == c) n++;
            return n;
        }
    }
}
