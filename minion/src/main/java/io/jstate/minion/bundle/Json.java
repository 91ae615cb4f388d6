package io.jstate.minion.bundle;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON carried in the protocol's string fields: grains, pillar, function returns. These are
 * plain data (objects, arrays, strings, numbers, booleans, null), so a small reader and writer do:
 * the daemon stays up on every machine, and a general JSON library's classes and caches (and the
 * locale tables its date formats load) would cost it memory for nothing.
 *
 * <p>Objects read as insertion-ordered maps (a repeated key keeps its last value), arrays as lists,
 * whole numbers as Integer, Long or BigInteger by size, other numbers as Double.
 */
public final class Json {
    /** How deep objects and arrays may nest; the data is shallow, this only bounds the recursion. */
    private static final int MAX_DEPTH = 512;

    private Json() {}

    /** A JSON object as a map; empty text is an empty map. */
    public static Map<String, Object> map(String json) {
        if (json == null || json.isBlank()) return new LinkedHashMap<>();
        Reader r = new Reader(json);
        r.space();
        if (r.peek() != '{') throw new IllegalArgumentException("not a JSON object: it starts with " + r.near());
        Object v = r.value(0);
        r.space();
        if (r.pos < json.length()) throw r.error("unexpected text after the object");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    /** Any JSON value: maps, lists, strings, numbers, booleans, null. */
    static Object value(String json) {
        Reader r = new Reader(json);
        r.space();
        Object v = r.value(0);
        r.space();
        if (r.pos < json.length()) throw r.error("unexpected text after the value");
        return v;
    }

    /**
     * Writes maps (keys as text), collections and arrays of objects, text, numbers, booleans,
     * enums (by name) and null as compact JSON.
     *
     * @throws IllegalArgumentException for any other kind of value
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("cannot write as JSON: nested too deep");
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence || v instanceof Character) {
            string(out, v.toString());
        } else if (v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // As the usual JSON writers do, a value JSON has no number for is written as text.
            if (Double.isNaN(d) || Double.isInfinite(d)) string(out, v.toString());
            else out.append(v);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger || v instanceof BigDecimal) {
            out.append(v);
        } else if (v instanceof Enum<?> e) {
            string(out, e.name());
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) out.append(',');
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (v instanceof Collection<?> c) {
            list(out, c, depth);
        } else if (v instanceof Object[] a) {
            list(out, List.of(a), depth);
        } else {
            throw new IllegalArgumentException("cannot write as JSON: a " + v.getClass().getName() + " is not plain data");
        }
    }

    private static void list(StringBuilder out, Collection<?> c, int depth) {
        out.append('[');
        boolean first = true;
        for (Object item : c) {
            if (!first) out.append(',');
            first = false;
            write(out, item, depth + 1);
        }
        out.append(']');
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A recursive-descent reader over the text (RFC 8259). */
    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void space() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nested too deep");
            space();
            if (pos >= s.length()) throw error("the text ends where a value was expected");
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw error("unexpected " + near());
            }
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            space();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                space();
                if (peek() != '"') throw error("expected a key in quotes, found " + near());
                String key = string();
                space();
                if (peek() != ':') throw error("expected ':' after a key, found " + near());
                pos++;
                m.put(key, value(depth + 1));
                space();
                char c = peek();
                pos++;
                if (c == '}') return m;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}', found " + near());
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> l = new ArrayList<>();
            space();
            if (peek() == ']') {
                pos++;
                return l;
            }
            while (true) {
                l.add(value(depth + 1));
                space();
                char c = peek();
                pos++;
                if (c == ']') return l;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']', found " + near());
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder b = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) throw error("a string is not closed");
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = b == null ? s.substring(start, pos) : b.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw error("a control character inside a string");
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (b == null) b = new StringBuilder();
                b.append(s, start, pos);
                if (pos + 1 >= s.length()) throw error("a string is not closed");
                char e = s.charAt(pos + 1);
                pos += 2;
                switch (e) {
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case '/' -> b.append('/');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("a \\u escape is cut short");
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) throw error("a \\u escape with a character that is not hex");
                            code = code * 16 + d;
                        }
                        b.append((char) code);
                        pos += 4;
                    }
                    default -> throw error("an unknown escape \\" + e);
                }
                start = pos;
            }
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) throw error("unexpected " + near());
            pos += word.length();
            return value;
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (peek() >= '1' && peek() <= '9') {
                while (peek() >= '0' && peek() <= '9') pos++;
            } else {
                throw error("a number without digits");
            }
            boolean whole = true;
            if (peek() == '.') {
                whole = false;
                pos++;
                if (!(peek() >= '0' && peek() <= '9')) throw error("a number without digits after '.'");
                while (peek() >= '0' && peek() <= '9') pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                whole = false;
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!(peek() >= '0' && peek() <= '9')) throw error("a number without digits in its exponent");
                while (peek() >= '0' && peek() <= '9') pos++;
            }
            String text = s.substring(start, pos);
            if (!whole) return Double.parseDouble(text);
            if (text.length() <= 18) {
                long l = Long.parseLong(text);
                if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) l;
                return l;
            }
            BigInteger big = new BigInteger(text);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }

        String near() {
            if (pos >= s.length()) return "the end of the text";
            int end = Math.min(s.length(), pos + 20);
            return "'" + s.substring(pos, end) + (end < s.length() ? "...'" : "'");
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not a JSON object: " + what + " at character " + (pos + 1));
        }
    }
}
