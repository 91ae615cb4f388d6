package io.jstate.states.lang;

import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheNotFoundException;
import com.github.mustachejava.MustacheResolver;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.reflect.AbstractObjectHandler;
import com.github.mustachejava.util.Wrapper;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.Templates;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private final Path root;
    private final Map<String, Object> context;
    private final Factory factory;
    private final Set<String> used = java.util.Collections.synchronizedSet(new java.util.TreeSet<>());
    private final Map<Rendering, String> rendered = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param root    the tree templates are read from
     * @param context the render context: {@code grains}, {@code pillar}, {@code minion}, {@code peers}
     */
    public Renderer(Path root, Map<String, Object> context) {
        this.root = root.toAbsolutePath().normalize();
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        this.factory = new Factory(this.root, used);
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
        return root;
    }

    public Map<String, Object> context() {
        return context;
    }

    @Override
    public String render(String source, Map<String, Object> extra) {
        String rel = relative(source);
        // The compiler renders a state's template to refuse a bad one before the run; the state
        // renders it again when it applies. The context cannot change within a run, so the second
        // time is the first one's text.
        return rendered.computeIfAbsent(new Rendering(rel, extra == null ? Map.of() : extra), r -> renderNow(rel, r.extra()));
    }

    private record Rendering(String source, Map<String, Object> extra) {}

    private String renderNow(String rel, Map<String, Object> extra) {
        Mustache m = compile(rel);
        List<Object> scopes = new ArrayList<>(2);
        scopes.add(context);
        if (extra != null && !extra.isEmpty()) scopes.add(extra);
        StringWriter out = new StringWriter();
        try {
            m.execute(out, scopes).flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw translate(e, rel);
        }
        return out.toString();
    }

    @Override
    public byte[] raw(String source) {
        String rel = relative(source);
        Path p = resolve(rel);
        if (p == null) throw notFound(rel);
        used.add(rel);
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new PlanException(new Source(null, rel, 0), null, "cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String source) {
        try {
            return resolve(relative(source)) != null;
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

    private Path resolve(String rel) {
        Path p = root.resolve(rel).normalize();
        return p.startsWith(root) && Files.isRegularFile(p) ? p : null;
    }

    private PlanException notFound(String rel) {
        return new PlanException(new Source(null, rel, 0), null, "no such file in " + root);
    }

    private Mustache compile(String rel) {
        if (resolve(rel) == null) throw notFound(rel);
        try {
            return factory.compile(rel);
        } catch (RuntimeException e) {
            throw translate(e, rel);
        }
    }

    /** Turns what mustache.java throws into a PlanException at the template's file and line. */
    private static PlanException translate(RuntimeException e, String rel) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PlanException pe) return pe;
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
        private final Path root;

        Factory(Path root, Set<String> used) {
            super(new TreeResolver(root, used));
            this.root = root;
            setObjectHandler(new StrictHandler());
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
            if (!Files.isRegularFile(root.resolve(n)) && !extension.isEmpty() && Files.isRegularFile(root.resolve(n + extension))) {
                n = n + extension;
            }
            return n;
        }
    }

    private record TreeResolver(Path root, Set<String> used) implements MustacheResolver {
        @Override
        public Reader getReader(String name) {
            Path p = root.resolve(name).normalize();
            if (!p.startsWith(root) || !Files.isRegularFile(p)) return null;
            used.add(root.relativize(p).toString().replace('\\', '/'));
            try {
                return Files.newBufferedReader(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class StrictHandler extends AbstractObjectHandler {
        @Override
        public Wrapper find(String name, List<Object> scopes) {
            return s -> lookup(name, s, new TemplateContext("{{", "}}", "?", 0, false));
        }

        @Override
        public Binding createBinding(String name, TemplateContext tc, Code code) {
            return scopes -> lookup(name, scopes, tc);
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
