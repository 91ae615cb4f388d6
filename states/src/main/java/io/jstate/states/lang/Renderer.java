package io.jstate.states.lang;

import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheNotFoundException;
import com.github.mustachejava.MustacheResolver;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.reflect.AbstractObjectHandler;
import com.github.mustachejava.util.Wrapper;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.Templates;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Strict Mustache over one tree of files (the state tree, or the pillar tree). SLS files, pillar
 * files and file.managed sources all render here, so they share one set of rules:
 *
 * <ul>
 *   <li>nothing is HTML-escaped (these are config files, not web pages);
 *   <li>a name that is not in the context — in {@code {{x}}}, {@code {{#x}}} or {@code {{^x}}} — is
 *       an error naming the template file, line and variable; a name present with a false, empty
 *       or null value is fine;
 *   <li>dotted names walk maps (and list indexes), sections iterate lists;
 *   <li>partials {@code {{> path}}} are paths from the root of the tree, not from the including file;
 *   <li>inside a section that iterates a list, {@code -first}, {@code -last} and {@code -index}
 *       (from 0) tell the element's position, so {@code {{#nodes}}{{address}}{{^-last}},{{/-last}}{{/nodes}}}
 *       joins a list with commas.
 * </ul>
 *
 * Sources are paths below the root, written plainly or as {@code jstate://path}. Compiled templates
 * are cached for the life of the renderer, which is one run.
 */
public final class Renderer implements Templates {
    private static final String SCHEME = "jstate://";

    /** How many partials one template may include in all, counting each inclusion through others. */
    public static final int MAX_PARTIALS = 10_000;

    /** The deepest nesting of sections ({{#x}}, {{^x}}) a template may have. */
    public static final int MAX_SECTION_DEPTH = 100;

    private final TreeFiles files;
    private final Map<String, Object> context;
    private final Secrets secrets;
    private final Factory factory;
    private final Set<String> used = java.util.Collections.synchronizedSet(new java.util.TreeSet<>());
    private final Map<Rendering, Text> rendered = new java.util.concurrent.ConcurrentHashMap<>();
    // Set while a template renders, so that its lookups can tell it they read a secret value.
    private final ThreadLocal<boolean[]> readSecret = new ThreadLocal<>();

    /**
     * @param root    the tree templates are read from
     * @param context the render context: {@code grains}, {@code pillar}, {@code minion}, {@code peers}
     */
    public Renderer(Path root, Map<String, Object> context) {
        this(TreeFiles.of(root), context, Secrets.NONE);
    }

    /**
     * @param files   the tree templates are read from, confined to it
     * @param context the render context: {@code grains}, {@code pillar}, {@code minion}, {@code peers}
     */
    public Renderer(TreeFiles files, Map<String, Object> context) {
        this(files, context, Secrets.NONE);
    }

    /**
     * @param files   the tree templates are read from, confined to it
     * @param context the render context: {@code grains}, {@code pillar}, {@code minion}, {@code peers}
     * @param secrets the values of {@code context}'s pillar tagged {@code !secret}
     */
    public Renderer(TreeFiles files, Map<String, Object> context, Secrets secrets) {
        this.files = files;
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        this.secrets = secrets == null ? Secrets.NONE : secrets;
        this.factory = new Factory(files, used, this::looked);
    }

    /**
     * Every file of the tree this renderer has read so far (SLS, top, templates, partials), as
     * paths from the root: what a minion needs to be sent to compile and run the same plan.
     */
    public Set<String> used() {
        synchronized (used) {
            return Set.copyOf(used);
        }
    }

    public Path root() {
        return files.root();
    }

    /** The tree's files, read only through the confinement of {@link TreeFiles}. */
    public TreeFiles files() {
        return files;
    }

    public Map<String, Object> context() {
        return context;
    }

    @Override
    public String render(String source, Map<String, Object> extra) {
        // The compiler renders a state's template to refuse a bad one before the run; the state
        // renders it again when it applies. The context cannot change within a run, so the second
        // time is the first one's text.
        return rendering(source, extra).text();
    }

    @Override
    public Secrets secrets() {
        return secrets;
    }

    @Override
    public boolean readsSecret(String source, Map<String, Object> extra) {
        return rendering(source, extra).readSecret();
    }

    private Text rendering(String source, Map<String, Object> extra) {
        String rel = relative(source);
        return rendered.computeIfAbsent(new Rendering(rel, extra == null ? Map.of() : extra), r -> renderNow(rel, r.extra()));
    }

    private record Rendering(String source, Map<String, Object> extra) {}

    /** A template's output, and whether a value tagged secret was looked up to make it. */
    private record Text(String text, boolean readSecret) {}

    private Text renderNow(String rel, Map<String, Object> extra) {
        Mustache m = compile(rel);
        List<Object> scopes = new ArrayList<>(2);
        scopes.add(context);
        if (extra != null && !extra.isEmpty()) scopes.add(extra);
        BoundedWriter out = new BoundedWriter(TreeFiles.MAX_TEXT_BYTES);
        boolean[] secret = {false};
        boolean[] outer = readSecret.get();
        readSecret.set(secret);
        try {
            m.execute(out, scopes).flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (BoundedWriter.isFull(e)) throw tooLarge(rel);
            throw translate(e, rel);
        } catch (StackOverflowError e) {
            throw tooDeep(rel);
        } finally {
            readSecret.set(outer);
        }
        return new Text(out.toString(), secret[0]);
    }

    /**
     * A template is small, but sections over long lists and partials included many times over
     * multiply: a few lines can ask for gigabytes. Output is bounded as it is written, so such a
     * template ends at the limit in milliseconds instead of filling the heap.
     */
    private static PlanException tooLarge(String rel) {
        return new PlanException(new Source(null, rel, 0), null, "renders to more than " + (TreeFiles.MAX_TEXT_BYTES >> 20)
                + " MiB, the limit of a rendered text; check sections over long lists and partials included many times");
    }

    /** The rendered text, refused once it passes {@code limit} characters. */
    private static final class BoundedWriter extends java.io.Writer {
        private final StringBuilder text = new StringBuilder();
        private final int limit;

        BoundedWriter(int limit) {
            this.limit = limit;
        }

        /** Thrown when the text passes the limit; mustache.java may wrap it. */
        private static final class Full extends RuntimeException {
            Full() {
                super(null, null, false, false);
            }
        }

        static boolean isFull(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof Full) return true;
            return false;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            if (text.length() + len > limit) throw new Full();
            text.append(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            if (text.length() + len > limit) throw new Full();
            text.append(str, off, off + len);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** Called with every value a template looks up. */
    private Object looked(Object value) {
        boolean[] flag = readSecret.get();
        if (flag != null && value instanceof String s && secrets.isValue(s)) flag[0] = true;
        return value;
    }

    /**
     * Each file's sections are limited ({@link #checkNesting}), but partials can chain files that
     * are each within it; a stack that runs out is then reported as the template's error.
     */
    private static PlanException tooDeep(String rel) {
        return new PlanException(new Source(null, rel, 0), null,
                "sections and partials nest too deeply to render; at most " + MAX_SECTION_DEPTH + " sections per file, and fewer through partials");
    }

    @Override
    public byte[] raw(String source) {
        String rel = relative(source);
        byte[] b = files.bytes(rel);
        used.add(rel);
        return b;
    }

    @Override
    public boolean exists(String source) {
        try {
            return files.isFile(relative(source));
        } catch (PlanException e) {
            return false;
        }
    }

    /**
     * The path of a source below the root, with '/' separators. A source that would leave the
     * tree ({@code ../x}) is refused: templates only ever come from the tree that was signed.
     */
    static String relative(String source) {
        if (source == null || source.isBlank()) throw new PlanException(null, null, "empty template source");
        String s = source.startsWith(SCHEME) ? source.substring(SCHEME.length()) : source;
        while (s.startsWith("/")) s = s.substring(1);
        List<String> parts = new ArrayList<>();
        for (String p : s.replace('\\', '/').split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                throw new PlanException(new Source(null, source, 0), null, "template source leaves the state tree");
            }
            parts.add(p);
        }
        if (parts.isEmpty()) throw new PlanException(new Source(null, source, 0), null, "template source names no file");
        return String.join("/", parts);
    }

    private Mustache compile(String rel) {
        if (!files.isFile(rel)) throw new PlanException(new Source(null, rel, 0), null, "no such file in " + files.root());
        int[] outer = Factory.partials.get();
        Factory.partials.set(new int[1]);
        try {
            return factory.compile(rel);
        } catch (RuntimeException e) {
            if (Factory.isTooMany(e)) {
                throw new PlanException(new Source(null, rel, 0), null, "includes partials more than " + MAX_PARTIALS
                        + " times in all, the limit of one template; a partial that includes another several times multiplies");
            }
            throw translate(e, rel);
        } catch (StackOverflowError e) {
            throw tooDeep(rel);
        } finally {
            Factory.partials.set(outer);
        }
    }

    /** Turns what mustache.java throws into a PlanException at the template's file and line. */
    private static PlanException translate(RuntimeException e, String rel) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PlanException pe) return pe;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            // mustache.java may catch a stack overflow deep in partials and hand it on wrapped.
            if (t instanceof StackOverflowError) return tooDeep(rel);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MustacheNotFoundException nf) {
                return new PlanException(new Source(null, rel, 0), null, "template or partial '" + nf.getName() + "' not found in the tree", e);
            }
        }
        TemplateContext tc = null;
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MustacheException me && me.getContext() != null) {
                tc = me.getContext();
                break;
            }
        }
        if (message != null) message = message.replaceAll("\\s*@\\[[^\\]]*\\]\\s*$", "");
        if (tc != null) return new PlanException(new Source(null, tc.file(), tc.line()), null, "template error: " + message, e);
        return new PlanException(new Source(null, rel, 0), null, "template error: " + message, e);
    }

    /** The strict lookup: the first segment is searched from the innermost scope out, the rest walk strictly. */
    static Object lookup(String name, List<Object> scopes, TemplateContext tc) {
        String[] parts = name.split("\\.", -1);
        for (int i = scopes.size() - 1; i >= 0; i--) {
            Object found = child(scopes.get(i), parts[0]);
            if (found == ABSENT) continue;
            Object cur = found;
            for (int j = 1; j < parts.length; j++) {
                cur = child(cur, parts[j]);
                if (cur == ABSENT) throw missing(name, tc);
            }
            return cur;
        }
        // Only the master's pillar is rendered without grains; say why, since state trees have them.
        if (parts[0].equals("grains")) {
            throw new PlanException(new Source(null, tc.file(), tc.line()), null, "missing variable '" + name + "': the master"
                    + " renders pillar without grains, which the minion reports about itself; use minion.id or minion.roles");
        }
        throw missing(name, tc);
    }

    private static final Object ABSENT = new Object();

    private static Object child(Object scope, String key) {
        if (scope instanceof Map<?, ?> m) return m.containsKey(key) ? m.get(key) : ABSENT;
        if (scope instanceof List<?> l && key.matches("[0-9]+")) {
            int i = Integer.parseInt(key);
            return i < l.size() ? l.get(i) : ABSENT;
        }
        return ABSENT;
    }

    private static PlanException missing(String name, TemplateContext tc) {
        return new PlanException(new Source(null, tc.file(), tc.line()), null, "missing variable '" + name + "'");
    }

    /** A factory reading from the tree, writing values as they are, resolving partials from the root. */
    private static final class Factory extends DefaultMustacheFactory {
        /** The partials compiled so far for the template being compiled on this thread. */
        static final ThreadLocal<int[]> partials = new ThreadLocal<>();

        private final TreeFiles files;

        /** Thrown past {@link #MAX_PARTIALS}; mustache.java may wrap it. */
        private static final class TooMany extends RuntimeException {
            TooMany() {
                super(null, null, false, false);
            }
        }

        static boolean isTooMany(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof TooMany) return true;
            return false;
        }

        /**
         * mustache.java compiles a partial again at every place that includes it, so partials that
         * include others several times over cost exponential time to compile: they are counted.
         */
        @Override
        public Mustache compilePartial(String name) {
            int[] n = partials.get();
            if (n != null && ++n[0] > MAX_PARTIALS) throw new TooMany();
            return super.compilePartial(name);
        }

        Factory(TreeFiles files, Set<String> used, UnaryOperator<Object> looked) {
            super(new TreeResolver(files, used));
            this.files = files;
            setObjectHandler(new StrictHandler(looked));
        }

        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new LinearVisitor(this);
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException(e);
            }
        }

        @Override
        public String resolvePartialPath(String dir, String name, String extension) {
            String n = relative(name.trim());
            // "{{> header}}" may leave out the including template's extension, as Mustache users expect.
            if (!files.isFile(n) && !extension.isEmpty() && files.isFile(n + extension)) {
                n = n + extension;
            }
            return n;
        }
    }

    private record TreeResolver(TreeFiles files, Set<String> used) implements MustacheResolver {
        @Override
        public Reader getReader(String name) {
            String rel = relative(name);
            if (!files.isFile(rel)) return null;
            String text = files.text(rel);
            checkNesting(rel, text);
            used.add(rel);
            return new StringReader(text);
        }
    }

    /**
     * Refuses a template whose sections nest deeper than {@link #MAX_SECTION_DEPTH}, at the line
     * of the first section too deep, before mustache.java's compiler (which recurses once per
     * level) overflows its stack. Tags are found with the delimiters in force, as the compiler
     * finds them; the scan is one pass over the text.
     */
    static void checkNesting(String rel, String text) {
        String open = "{{";
        String close = "}}";
        int depth = 0;
        int line = 1;
        int from = 0;
        while (true) {
            int start = text.indexOf(open, from);
            if (start < 0) return;
            int end = text.indexOf(close, start + open.length());
            if (end < 0) return;
            line += newlines(text, from, start);
            String tag = text.substring(start + open.length(), end).trim();
            char c = tag.isEmpty() ? ' ' : tag.charAt(0);
            if (c == '#' || c == '^' || c == '$' || c == '<') {
                if (++depth > MAX_SECTION_DEPTH) {
                    throw new PlanException(new Source(null, rel, line), null, "sections nest deeper than " + MAX_SECTION_DEPTH
                            + " levels, the limit for templates");
                }
            } else if (c == '/') {
                depth--;
            } else if (c == '=' && tag.length() > 1 && tag.endsWith("=")) {
                String[] d = tag.substring(1, tag.length() - 1).trim().split("\\s+");
                if (d.length == 2) {
                    open = d[0];
                    close = d[1];
                }
            }
            line += newlines(text, start, end);
            from = end;
        }
    }

    private static int newlines(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) if (text.charAt(i) == '\n') n++;
        return n;
    }

    /**
     * mustache.java's visitor joins each piece of text to the code before it by concatenating
     * strings, once per line, so compiling took time quadratic in a template's size (a 1 MB file
     * took 14 s). This one gathers consecutive text in a buffer and hands it over once, before the
     * next tag, which keeps compiling linear.
     */
    private static final class LinearVisitor extends DefaultMustacheVisitor {
        private StringBuilder text;
        private TemplateContext textAt;

        LinearVisitor(DefaultMustacheFactory df) {
            super(df);
        }

        @Override
        public void write(TemplateContext tc, String s) {
            if (s.isEmpty()) return;
            if (text == null) {
                text = new StringBuilder();
                textAt = tc;
            }
            text.append(s);
        }

        private void flush() {
            if (text == null) return;
            super.write(textAt, text.toString());
            text = null;
        }

        @Override
        public Mustache mustache(TemplateContext tc) {
            flush();
            return super.mustache(tc);
        }

        @Override
        public void iterable(TemplateContext tc, String variable, Mustache mustache) {
            flush();
            super.iterable(tc, variable, mustache);
        }

        @Override
        public void notIterable(TemplateContext tc, String variable, Mustache mustache) {
            flush();
            super.notIterable(tc, variable, mustache);
        }

        @Override
        public void name(TemplateContext tc, String variable, Mustache mustache) {
            flush();
            super.name(tc, variable, mustache);
        }

        @Override
        public void checkName(TemplateContext tc, String variable, Mustache mustache) {
            flush();
            super.checkName(tc, variable, mustache);
        }

        @Override
        public void partial(TemplateContext tc, String variable, String indent) {
            flush();
            super.partial(tc, variable, indent);
        }

        @Override
        public void dynamicPartial(TemplateContext tc, String variable, String indent) {
            flush();
            super.dynamicPartial(tc, variable, indent);
        }

        @Override
        public void value(TemplateContext tc, String variable, boolean encoded) {
            flush();
            super.value(tc, variable, encoded);
        }

        @Override
        public void pragma(TemplateContext tc, String pragma, String args) {
            flush();
            super.pragma(tc, pragma, args);
        }

        @Override
        public void eof(TemplateContext tc) {
            flush();
            super.eof(tc);
        }

        @Override
        public void extend(TemplateContext tc, String variable, Mustache mustache) {
            flush();
            super.extend(tc, variable, mustache);
        }
    }

    private static final class StrictHandler extends AbstractObjectHandler {
        private final UnaryOperator<Object> looked;

        StrictHandler(UnaryOperator<Object> looked) {
            this.looked = looked;
        }

        @Override
        public Wrapper find(String name, List<Object> scopes) {
            return s -> looked.apply(lookup(name, s, new TemplateContext("{{", "}}", "?", 0, false)));
        }

        @Override
        public Binding createBinding(String name, TemplateContext tc, Code code) {
            return scopes -> looked.apply(lookup(name, scopes, tc));
        }

        @Override
        public String stringify(Object object) {
            return String.valueOf(object);
        }

        @Override
        public Writer iterate(com.github.mustachejava.Iteration iteration, Writer writer, Object object, List<Object> scopes) {
            if (!(object instanceof List<?> list)) return super.iterate(iteration, writer, object, scopes);
            int n = list.size();
            for (int i = 0; i < n; i++) {
                // The position is a scope of its own just outside the element, so an element that
                // has a key of the same name still wins.
                List<Object> inner = new ArrayList<>(scopes.size() + 1);
                inner.addAll(scopes);
                inner.add(Map.of("-first", i == 0, "-last", i == n - 1, "-index", i));
                writer = iteration.next(writer, coerce(list.get(i)), inner);
            }
            return writer;
        }
    }
}
