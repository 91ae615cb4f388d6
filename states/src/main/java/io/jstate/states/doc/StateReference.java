package io.jstate.states.doc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.UsesTemplates;
import io.jstate.states.engine.Watchable;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.Compiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The state reference (docs/states.md), generated from the registry: every kind with its summary,
 * arguments, defaults and example. Descriptions come from {@link StateDoc} and {@link ArgDoc}; the
 * rest is computed, so it cannot disagree with the code. An argument's default is the value its
 * record component takes when the kind's example is bound without that argument, and it is
 * required when that binding fails. The output depends only on the registry, so it is the same
 * on every machine and a test compares it with the committed file.
 *
 * <p>Run {@code main} with a path to write the file, or with no argument to print it.
 */
public final class StateReference {
    private static final ObjectMapper JSON = new ObjectMapper();
    private StateReference() {}

    /** The documented state of an example, and where it came from. */
    public record Example(String text, String id, Map<String, Object> args) {}

    /**
     * One argument of a kind.
     *
     * @param defaultValue the value the component takes without the argument (null: none)
     * @param requiredBy   when required, the binder's message for the example without it
     */
    public record Argument(String name, String type, boolean required, Object defaultValue, boolean defaultIsId,
                           String description, String requiredBy) {}

    /** One state kind, as the reference shows it. */
    public record Kind(String name, String summary, List<Argument> arguments, boolean watchable, boolean templates,
                       Example example) {}

    public static List<Kind> describe(StateRegistry registry) {
        List<Kind> out = new ArrayList<>();
        registry.kinds().values().stream()
                .sorted(Comparator.comparing(StateRegistry.Kind::name))
                .forEach(k -> out.add(describe(k)));
        return out;
    }

    static Kind describe(StateRegistry.Kind kind) {
        Class<? extends Record> spec = kind.specType();
        StateDoc doc = spec.getAnnotation(StateDoc.class);
        if (doc == null) throw new IllegalStateException(kind.name() + ": " + spec.getName() + " has no @StateDoc");
        Example example = example(kind.name(), doc.example());
        List<Argument> args = new ArrayList<>();
        for (SpecBinder.Argument a : SpecBinder.arguments(spec)) {
            String arg = a.name();
            RecordComponent c = a.component();
            ArgDoc ad = c.getAnnotation(ArgDoc.class);
            if (ad == null) throw new IllegalStateException(kind.name() + ": argument '" + arg + "' has no @ArgDoc");
            Map<String, Object> without = new LinkedHashMap<>(example.args());
            without.remove(arg);
            Object value = null;
            String requiredBy = null;
            try {
                Record r = SpecBinder.bind(spec, example.id(), without);
                value = a.read(r);
            } catch (SpecException | IllegalArgumentException e) {
                requiredBy = e.getMessage();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c, e);
            }
            boolean isId = arg.equals("name") && example.id().equals(value);
            if (requiredBy != null && arg.equals("name") && example.args().get("name") instanceof String written) {
                // Salt's shorthand: a state whose id is the path (or package, or user) needs no name.
                try {
                    Record r = SpecBinder.bind(spec, written, without);
                    if (written.equals(a.read(r))) {
                        isId = true;
                        requiredBy = null;
                    }
                } catch (SpecException | IllegalArgumentException e) {
                    // Then name is required whatever the id.
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c, e);
                }
            }
            String description = ad.value();
            if (Compiler.ENGINE_OPTIONS.contains(arg)) {
                // The loader takes this name out of the arguments before binding, so SLS cannot set it.
                description += ". In SLS, `" + arg + "` is the engine option of that name, so this argument keeps its default";
            }
            args.add(new Argument(arg, type(c.getGenericType()), requiredBy != null, value, isId, description, requiredBy));
        }
        State<?> state = kind.factory().apply(new Env(null, Map.of(), null));
        return new Kind(kind.name(), doc.summary(), List.copyOf(args), state instanceof Watchable<?>,
                UsesTemplates.class.isAssignableFrom(spec), example);
    }

    /** Reads an example the way the compiler does and picks its first state of the kind. */
    public static Example example(String kind, String text) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jstate-example");
            Files.writeString(dir.resolve("example.sls"), text);
            for (Compiler.Declared d : Compiler.declarations(dir, "example")) {
                if (d.kind().equals(kind)) return new Example(text, d.id(), d.args());
            }
            throw new IllegalStateException(kind + ": its example declares no " + kind + " state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    static String type(Type t) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] a = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) return "list of " + plural(type(a[0]));
            if (Map.class.isAssignableFrom(raw)) return "mapping to " + plural(type(a[1]));
            return raw.getSimpleName();
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class) return "string";
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) return "integer";
        if (c == Double.class || c == double.class) return "number";
        if (c == Boolean.class || c == boolean.class) return "boolean";
        if (c == Object.class) return "any";
        if (c.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object e : c.getEnumConstants()) names.add(((Enum<?>) e).name().toLowerCase());
            return "one of " + String.join(", ", names);
        }
        return c.getSimpleName();
    }

    private static String plural(String type) {
        if (type.startsWith("list of ")) return "lists of " + type.substring("list of ".length());
        if (type.startsWith("mapping to ")) return "mappings to " + type.substring("mapping to ".length());
        if (type.equals("any") || type.startsWith("one of ")) return type;
        return type + "s";
    }

    /** The reference as Markdown. */
    public static String markdown(StateRegistry registry) {
        List<Kind> kinds = describe(registry);
        StringBuilder md = new StringBuilder();
        md.append("# State reference\n\n");
        md.append("<!-- Generated by io.jstate.states.doc.StateReference from the state registry; do not edit.\n");
        md.append("     Regenerate: ./mvnw -q -o -pl states test -Dtest=StateReferenceTest -Djstate.docs.write=true -->\n\n");
        md.append("Every state kind jstate ships, from `Kinds.registry()`. For each argument, *default* is the\n");
        md.append("value the state uses when the argument is left out, and *required* means the kind's example does not\n");
        md.append("bind without it (the binder's message is quoted below the table; arguments that are alternatives to\n");
        md.append("each other say so there). `name` defaults to the state id. An argument written `dir_mode` in SLS is\n");
        md.append("the same as everywhere else in jstate: lower case with underscores. Every state also takes the\n");
        md.append("requisites `require`, `watch`, `onchanges`, `onfail` (and their `_in` forms) and the engine options\n");
        md.append(String.join(", ", Compiler.ENGINE_OPTIONS.stream().map(o -> "`" + o + "`").toList())).append("; see the [operator guide](guide.md#writing-states).\n\n");
        for (Kind k : kinds) {
            md.append("- [`").append(k.name()).append("`](#").append(anchor(k.name())).append(") — ")
                    .append(firstSentence(k.summary())).append('\n');
        }
        for (Kind k : kinds) {
            md.append("\n## ").append(k.name()).append("\n\n");
            md.append(k.summary().strip()).append("\n\n");
            List<String> traits = new ArrayList<>();
            traits.add(k.watchable() ? "reacts to `watch`: a change of a watched state triggers it, as its summary says"
                    : "does not react to `watch`: a `watch` on it acts as a `require`");
            if (k.templates()) traits.add("reads templates of the state tree, rendered before anything runs");
            md.append("It ").append(String.join("; it ", traits)).append(".\n\n");
            md.append("| Argument | Type | Required | Default | Description |\n");
            md.append("| --- | --- | --- | --- | --- |\n");
            for (Argument a : k.arguments()) {
                md.append("| `").append(a.name()).append("` | ").append(a.type()).append(" | ")
                        .append(a.required() ? "yes" : "no").append(" | ").append(defaultText(a)).append(" | ")
                        .append(cell(a.description())).append(" |\n");
            }
            List<Argument> required = k.arguments().stream().filter(Argument::required).toList();
            if (!required.isEmpty()) {
                md.append("\nWithout a required argument the example fails to bind:\n\n");
                for (Argument a : required) {
                    md.append("- `").append(a.name()).append("`: ").append(a.requiredBy()).append('\n');
                }
            }
            md.append("\nExample:\n\n```yaml\n").append(k.example().text().strip()).append("\n```\n");
        }
        return md.toString();
    }

    static String defaultText(Argument a) {
        if (a.required()) return "—";
        if (a.defaultIsId()) return "the state id";
        Object v = a.defaultValue();
        if (v == null) return "—";
        try {
            return "`" + JSON.writeValueAsString(v instanceof Enum<?> e ? e.name().toLowerCase() : v) + "`";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the default of " + a.name() + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String cell(String text) {
        return text.strip().replace("\n", " ").replaceAll(" {2,}", " ").replace("|", "\\|");
    }

    private static String firstSentence(String text) {
        String t = cell(text);
        int dot = t.indexOf(". ");
        return dot < 0 ? t : t.substring(0, dot + 1);
    }

    /** GitHub's heading anchor for a kind name: lower case, dots and other punctuation dropped. */
    static String anchor(String heading) {
        return heading.toLowerCase().replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        String md = markdown(Kinds.registry());
        if (args.length == 0) {
            System.out.print(md);
        } else {
            Files.writeString(Path.of(args[0]), md, StandardCharsets.UTF_8);
        }
    }
}
