package io.jstate.master.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.MissingWrapper;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import com.github.mustachejava.util.Wrapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The dashboard's templates ({@code /web/*.mustache}, compiled once when this class loads) and the
 * formats its values share. Every {@code {{value}}} is HTML-escaped by {@link #esc}; the only raw
 * insertion is the layout's {@code {{{body}}}}, which is itself the output of a template. Templates
 * hold no logic: what a page shows (badges, counts, which sections) is decided in Java and handed
 * to them as records.
 */
final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final List<String> TEMPLATES = List.of("page", "message", "login", "minions", "minion", "jobs", "job", "health");
    private static final Map<String, Mustache> COMPILED = compile();

    private Html() {}

    private static Map<String, Mustache> compile() {
        DefaultMustacheFactory factory = new DefaultMustacheFactory(Html::reader) {
            // Mustache's own escaper also rewrites = and `; this one keeps the pages as they were.
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(esc(value));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        // A name no scope has is a mistake in a template, not an empty value: it fails the page (and the tests) instead of
        // silently showing nothing.
        factory.setObjectHandler(new ReflectionObjectHandler() {
            @Override
            public Wrapper find(String name, List<Object> scopes) {
                Wrapper w = super.find(name, scopes);
                if (w instanceof MissingWrapper) throw new MustacheException("a dashboard template names " + name + ", which no value has");
                return w;
            }
        });
        return TEMPLATES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), t -> factory.compile(t + ".mustache")));
    }

    private static java.io.Reader reader(String name) {
        InputStream in = Html.class.getResourceAsStream("/web/" + name);
        return in == null ? null : new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** Renders the template {@code /web/NAME.mustache} with {@code scope}. */
    static String render(String template, Object scope) {
        Mustache m = COMPILED.get(template);
        if (m == null) throw new IllegalArgumentException("no dashboard template " + template);
        StringWriter w = new StringWriter(4096);
        m.execute(w, scope);
        return w.toString();
    }

    static String esc(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A path segment for a link: ids and jids are restricted already, this keeps a link a link whatever they hold. */
    static String seg(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String time(long unixMs) {
        return unixMs <= 0 ? "—" : TIME.format(Instant.ofEpochMilli(unixMs));
    }

    static String ago(long unixMs, long now) {
        if (unixMs <= 0) return "never";
        long s = Math.max(0, (now - unixMs) / 1000);
        if (s < 60) return s + " s ago";
        if (s < 3600) return s / 60 + " min ago";
        if (s < 86400) return s / 3600 + " h ago";
        return s / 86400 + " d ago";
    }

    static String duration(long micros) {
        if (micros < 1000) return micros + " µs";
        if (micros < 1_000_000) return String.format(java.util.Locale.ROOT, "%.1f ms", micros / 1000.0);
        return String.format(java.util.Locale.ROOT, "%.1f s", micros / 1e6);
    }

    /** Text or null: templates show a section for a value only when there is one. */
    static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** A badge ({@code badge.mustache}): {@code kind} picks its colour from a fixed set, never from the value. */
    record Badge(String kind, String text) {
        Badge {
            kind = switch (kind) {
                case "ok", "warn", "bad", "muted" -> kind;
                default -> "muted";
            };
        }
    }

    static Badge badge(String kind, Object text) {
        return new Badge(kind, String.valueOf(text));
    }

    /** A link of the header's navigation. */
    record Nav(String href, String label, boolean active) {}

    /** What the layout ({@code page.mustache}) shows around a page's body. */
    record Page(String title, Integer refresh, String user, List<Nav> nav, String body) {}

    /** A whole page; {@code refreshSeconds} > 0 reloads it (a meta tag: no script needed). */
    static String page(String title, String active, String user, String body, int refreshSeconds) {
        List<Nav> nav = List.of(new Nav("/minions", "Minions", "Minions".equals(active)), new Nav("/jobs", "Jobs", "Jobs".equals(active)),
                new Nav("/health", "Health", "Health".equals(active)));
        return render("page", new Page(title, refreshSeconds > 0 ? refreshSeconds : null, user, nav, body));
    }

    /** A page whose body is one sentence. */
    static String message(String title, String user, String message) {
        return page(title, "", user, render("message", Map.of("message", message)), 0);
    }
}
