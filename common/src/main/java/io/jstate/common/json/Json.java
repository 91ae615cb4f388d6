package io.jstate.common.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small JSON codec of the engine and the minion: rabbitmqctl's {@code --formatter json}
 * output and policy definitions, and the grains, pillar and function returns carried in the
 * protocol's string fields. These are plain data (objects, arrays, strings, numbers, booleans,
 * null), so a small strict reader and writer do: the minion daemon stays up on every machine, and
 * a general JSON library's classes and caches would cost it memory for nothing.
 *
 * <p>Reading (RFC 8259): objects become insertion-ordered maps (a repeated key keeps its last
 * value), arrays lists, whole numbers Integer, Long or BigInteger by size, and every other number
 * (with a point or an exponent) a BigDecimal. Decimals are exact, so a value read and written back
 * keeps its digits, and a whole number never turns into a decimal nor a decimal into a whole
 * number on the way ({@code 2} stays 2, {@code 2.0} stays 2.0).
 *
 * <p>Writing: whole numbers of any Java type as their digits; decimals (BigDecimal, Double, Float)
 * by value without trailing zeros and always with a point or an exponent, so they read back as
 * decimals; NaN and the infinities, which JSON has no number for, as text. {@link #write} keeps
 * map order; {@link #canonical} sorts object keys, so two values that are equal as JSON (whatever
 * the map order or the Java types of their numbers) write the same text.
 */
public final class Json {
    /** How deep objects and arrays may nest; the data is shallow, this only bounds the recursion. */
    private static final int MAX_DEPTH = 512;

    /** Beyond this power of ten a decimal is written with an exponent rather than all its zeros. */
    private static final int MAX_PLAIN_EXPONENT = 1000;

    private Json() {}

    /**
     * Any JSON value: maps, lists, strings, numbers, booleans, null.
     *
     * @throws IllegalArgumentException if the text is not exactly one JSON value
     */
    public static Object parse(String json) {
        Reader r = new Reader(json, "not JSON: ");
        Object v = r.value(0);
        r.end("unexpected text after the value");
        return v;
    }

    /**
     * A JSON object as a map; empty or blank text is an empty map.
     *
     * @throws IllegalArgumentException if the text is not exactly one JSON object
     */
    public static Map<String, Object> map(String json) {
        if (json == null || json.isBlank()) return new LinkedHashMap<>();
        Reader r = new Reader(json, "not a JSON object: ");
        r.space();
        if (r.peek() != '{') throw r.error("it starts with " + r.near());
        Object v = r.value(0);
        r.end("unexpected text after the object");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    /**
     * Writes maps (keys as text, in the map's order), collections and arrays of objects, text,
     * numbers, booleans, enums (by name) and null as compact JSON.
     *
     * @throws IllegalArgumentException for any other kind of value
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value, false, 0);
        return out.toString();
    }

    /** Like {@link #write} with object keys sorted: comparing two canonical texts compares the values. */
    public static String canonical(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value, true, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, boolean sorted, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("cannot write as JSON: nested too deep");
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence || v instanceof Character) {
            string(out, v.toString());
        } else if (v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // As the usual JSON writers do, a value JSON has no number for is written as text.
            if (Double.isNaN(d) || Double.isInfinite(d)) string(out, v.toString());
            else out.append(decimal(new BigDecimal(v.toString())));
        } else if (v instanceof BigDecimal d) {
            out.append(decimal(d));
        } else if (v instanceof Enum<?> e) {
            string(out, e.name());
        } else if (v instanceof Map<?, ?> m) {
            Map<?, ?> entries = m;
            if (sorted) {
                Map<String, Object> byKey = new TreeMap<>();
                m.forEach((k, val) -> byKey.put(String.valueOf(k), val));
                entries = byKey;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                if (!first) out.append(',');
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue(), sorted, depth + 1);
            }
            out.append('}');
        } else if (v instanceof Collection<?> c) {
            list(out, c, sorted, depth);
        } else if (v instanceof Object[] a) {
            list(out, List.of(a), sorted, depth);
        } else {
            throw new IllegalArgumentException("cannot write as JSON: a " + v.getClass().getName() + " is not plain data");
        }
    }

    private static void list(StringBuilder out, Collection<?> c, boolean sorted, int depth) {
        out.append('[');
        boolean first = true;
        for (Object item : c) {
            if (!first) out.append(',');
            first = false;
            write(out, item, sorted, depth + 1);
        }
        out.append(']');
    }

    /**
     * A decimal without trailing zeros that keeps its point ("2.0", not "2") so it never reads
     * back as a whole number. Plain digits unless that would take more than about a thousand of
     * them: "1e999999999" must not become a gigabyte of zeros.
     */
    private static String decimal(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        String text = Math.abs((long) s.precision() - s.scale()) <= MAX_PLAIN_EXPONENT && Math.abs(s.scale()) <= MAX_PLAIN_EXPONENT
                ? s.toPlainString() : s.toString();
        return text.indexOf('.') >= 0 || text.indexOf('E') >= 0 ? text : text + ".0";
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

    /** A recursive-descent reader over the text. */
    private static final class Reader {
        private final String s;
        private final String problem;
        private int pos;

        Reader(String s, String problem) {
            this.s = s == null ? "" : s;
            this.problem = problem;
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

        void end(String what) {
            space();
            if (pos < s.length()) throw error(what);
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nested too deep");
            space();
            if (pos >= s.length()) throw error("the text ends where a value was expected");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected " + near());
                }
            };
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
                if (c != '}' && c != ',') throw error("expected ',' or '}', found " + near());
                pos++;
                if (c == '}') return m;
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
                if (c != ']' && c != ',') throw error("expected ',' or ']', found " + near());
                pos++;
                if (c == ']') return l;
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
            try {
                if (!whole) return new BigDecimal(text);
            } catch (NumberFormatException e) {
                // Only an exponent beyond what a BigDecimal holds gets here.
                throw error("a number out of range");
            }
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
            return new IllegalArgumentException(problem + what + " at character " + (pos + 1));
        }
    }
}
