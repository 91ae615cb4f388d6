package io.jstate.states.engine;

import io.jstate.common.text.Names;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds SLS arguments to a state's spec record: argument {@code dir_mode} fills component
 * {@code dirMode}. Missing arguments are null (the record's compact constructor supplies defaults
 * and rejects what is required); {@code name} defaults to the state id, as in Salt. Unknown
 * arguments and values of the wrong shape are a {@link SpecException} naming the argument.
 *
 * <p>A component whose type is itself a record is a part several kinds share (a MySQL
 * connection): it is no argument of its own, its components are, named with the component's name
 * as a prefix ({@code connection} and {@code host} make {@code connection_host}), so SLS
 * arguments stay flat.
 */
public final class SpecBinder {
    private SpecBinder() {}

    /**
     * One SLS argument a spec accepts: its name and the components that lead to it from the spec,
     * the last one receiving its value (more than one for an argument of an embedded record).
     */
    public record Argument(String name, List<RecordComponent> path) {
        public Argument {
            path = List.copyOf(path);
        }

        /** The record component that receives the argument: its type and annotations. */
        public RecordComponent component() {
            return path.get(path.size() - 1);
        }

        /** The argument's value in a bound spec. */
        public Object read(Record spec) throws ReflectiveOperationException {
            Object v = spec;
            for (RecordComponent c : path) {
                if (v == null) return null;
                Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                v = accessor.invoke(v);
            }
            return v;
        }
    }

    public static <R extends Record> R bind(Class<R> type, String id, Map<String, Object> args) {
        List<String> accepted = argumentNames(type);
        for (String a : args.keySet()) {
            if (!accepted.contains(a)) {
                throw new SpecException(a, "unknown argument '" + a + "'" + Names.didYouMean(a, accepted)
                        + "; accepted: " + String.join(", ", accepted));
            }
        }
        return build(type, id, args, "");
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R build(Class<R> type, String id, Map<String, Object> args, String prefix) {
        RecordComponent[] comps = type.getRecordComponents();
        Object[] values = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            RecordComponent c = comps[i];
            String arg = prefix + argName(c.getName());
            types[i] = c.getType();
            if (c.getType().isRecord()) {
                values[i] = build((Class<? extends Record>) c.getType(), id, args, arg + "_");
                continue;
            }
            Object raw = args.get(arg);
            if (raw == null && arg.equals("name")) raw = id;
            try {
                values[i] = convert(raw, c.getGenericType());
            } catch (IllegalArgumentException e) {
                throw new SpecException(arg, "argument '" + arg + "': " + e.getMessage());
            }
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SpecException se) throw se;
            if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
                throw new SpecException(null, cause.getMessage());
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /** The SLS arguments a spec accepts, in declaration order. */
    public static List<Argument> arguments(Class<? extends Record> type) {
        List<Argument> out = new ArrayList<>();
        collect(type, "", List.of(), out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Class<? extends Record> type, String prefix, List<RecordComponent> above, List<Argument> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            List<RecordComponent> path = new ArrayList<>(above);
            path.add(c);
            String arg = prefix + argName(c.getName());
            if (c.getType().isRecord()) collect((Class<? extends Record>) c.getType(), arg + "_", path, out);
            else out.add(new Argument(arg, path));
        }
    }

    /** The SLS argument names a spec accepts, in declaration order. */
    public static List<String> argumentNames(Class<? extends Record> type) {
        return arguments(type).stream().map(Argument::name).toList();
    }

    static String argName(String component) {
        StringBuilder sb = new StringBuilder();
        for (char ch : component.toCharArray()) {
            if (Character.isUpperCase(ch)) sb.append('_').append(Character.toLowerCase(ch));
            else sb.append(ch);
        }
        return sb.toString();
    }

    private static Object convert(Object v, Type t) {
        Class<?> raw = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
        if (v == null) {
            if (raw == boolean.class) return false;
            if (raw == int.class) return 0;
            if (raw == long.class) return 0L;
            if (raw == double.class) return 0.0;
            return null;
        }
        if (raw == Object.class) return v;
        if (raw == String.class) {
            if (v instanceof Map || v instanceof List) throw new IllegalArgumentException("expected a single value, got " + shape(v));
            return String.valueOf(v);
        }
        if (raw == Integer.class || raw == int.class) return (int) toLong(v);
        if (raw == Long.class || raw == long.class) return toLong(v);
        if (raw == Double.class || raw == double.class) {
            if (v instanceof Number n) return n.doubleValue();
            try {
                return Double.parseDouble(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number, got '" + v + "'");
            }
        }
        if (raw == Boolean.class || raw == boolean.class) {
            if (v instanceof Boolean b) return b;
            String s = String.valueOf(v).trim().toLowerCase();
            if (s.equals("true")) return true;
            if (s.equals("false")) return false;
            throw new IllegalArgumentException("expected true or false, got '" + v + "'");
        }
        if (List.class.isAssignableFrom(raw)) {
            Type elem = t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            List<?> in = v instanceof List<?> l ? l : List.of(v);
            List<Object> out = new ArrayList<>(in.size());
            for (Object o : in) out.add(convert(o, elem));
            return java.util.Collections.unmodifiableList(out);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException("expected a mapping, got " + shape(v));
            Type valType = t instanceof ParameterizedType p ? p.getActualTypeArguments()[1] : Object.class;
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), convert(e.getValue(), valType));
            return java.util.Collections.unmodifiableMap(out);
        }
        if (raw.isEnum()) {
            String s = String.valueOf(v).trim();
            for (Object c : raw.getEnumConstants()) {
                if (((Enum<?>) c).name().equalsIgnoreCase(s)) return c;
            }
            List<String> names = new ArrayList<>();
            for (Object c : raw.getEnumConstants()) names.add(((Enum<?>) c).name().toLowerCase());
            throw new IllegalArgumentException("'" + s + "' is not one of " + String.join(", ", names));
        }
        throw new IllegalStateException("spec component type not supported by the binder: " + t);
    }

    private static long toLong(Object v) {
        if (v instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                if (n.doubleValue() != Math.rint(n.doubleValue())) throw new IllegalArgumentException("expected a whole number, got " + n);
            }
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got '" + v + "'");
        }
    }

    private static String shape(Object v) {
        if (v instanceof Map) return "a mapping";
        if (v instanceof List) return "a list";
        return "'" + v + "'";
    }
}
