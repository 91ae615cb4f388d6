package io.jstate.common.wire;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one conversion between the free-form data of the protocol (pillar, grains, function returns,
 * elected values) as Java sees it (maps, lists, text, numbers, booleans, null) and
 * {@code google.protobuf.Struct}/{@code Value} as the wire carries it.
 *
 * <p>A Struct number is a double. So that a value reads back as it was given:
 * <ul>
 *   <li>whole numbers up to 2<sup>53</sup> (ports, sizes, counts) travel as numbers and read back as
 *       Integer, or Long beyond an int;</li>
 *   <li>whole numbers beyond 2<sup>53</sup>, which a double would round, travel as their digits (text);</li>
 *   <li>decimals travel as numbers and read back as Double; a whole one reads back as a whole
 *       number ({@code 8.0} as 8: a version meant as text is quoted in YAML);</li>
 *   <li>a decimal with more digits than a double keeps, NaN and the infinities travel as their text
 *       (NaN as {@code "NaN"}, as JSON writers do), so no digit is lost and nothing is refused.</li>
 * </ul>
 * Objects and lists nest at most {@link #MAX_DEPTH} levels: protobuf parses at most 100 nested
 * messages and each level of a Struct costs three, so a deeper value would make the whole message
 * unreadable to the peer; it is refused here, where the sender can name it.
 */
public final class Structs {
    /** How deep objects and lists may nest in a value sent on the wire. */
    public static final int MAX_DEPTH = 24;

    /** The largest whole number a double holds exactly, with every whole number below it. */
    private static final long EXACT = 1L << 53;

    private Structs() {}

    /**
     * {@code map} as a Struct, keys as text in the map's order.
     *
     * @throws IllegalArgumentException when a value is of no JSON-like type or nests deeper than {@link #MAX_DEPTH}
     */
    public static Struct struct(Map<?, ?> map) {
        return struct(map, 1);
    }

    /**
     * Any JSON-like value (maps, collections, arrays of objects, text, numbers, booleans, enums by name, null).
     *
     * @throws IllegalArgumentException when a value is of no such type or nests deeper than {@link #MAX_DEPTH}
     */
    public static Value value(Object v) {
        return value(v, 0);
    }

    /**
     * {@code s} as an insertion-ordered map of plain Java values; never null.
     *
     * @throws IllegalArgumentException when it nests deeper than {@link #MAX_DEPTH} (a peer sent it)
     */
    public static Map<String, Object> map(Struct s) {
        return map(s, 1);
    }

    /**
     * {@code v} as a plain Java value: map, list, String, Integer, Long, Double, Boolean or null.
     *
     * @throws IllegalArgumentException when it nests deeper than {@link #MAX_DEPTH} (a peer sent it)
     */
    public static Object plain(Value v) {
        return plain(v, 0);
    }

    private static Map<String, Object> map(Struct s, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
        Map<String, Object> out = new LinkedHashMap<>();
        s.getFieldsMap().forEach((k, v) -> out.put(k, plain(v, depth)));
        return out;
    }

    private static Object plain(Value v, int depth) {
        return switch (v.getKindCase()) {
            case STRUCT_VALUE -> map(v.getStructValue(), depth + 1);
            case LIST_VALUE -> {
                if (depth + 1 > MAX_DEPTH) throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
                List<Object> l = new ArrayList<>(v.getListValue().getValuesCount());
                for (Value item : v.getListValue().getValuesList()) l.add(plain(item, depth + 1));
                yield l;
            }
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case NUMBER_VALUE -> number(v.getNumberValue());
            case NULL_VALUE, KIND_NOT_SET -> null;
        };
    }

    private static Object number(double d) {
        if (d == Math.rint(d) && Math.abs(d) <= EXACT) {
            long l = (long) d;
            return l == (int) l ? (Object) (int) l : (Object) l;
        }
        return d;
    }

    private static Struct struct(Map<?, ?> map, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
        Struct.Builder b = Struct.newBuilder();
        map.forEach((k, v) -> b.putFields(String.valueOf(k), value(v, depth)));
        return b.build();
    }

    private static Value value(Object v, int depth) {
        Value.Builder b = Value.newBuilder();
        if (v == null) return b.setNullValue(NullValue.NULL_VALUE).build();
        if (v instanceof CharSequence || v instanceof Character) return b.setStringValue(v.toString()).build();
        if (v instanceof Boolean x) return b.setBoolValue(x).build();
        if (v instanceof Number n) return number(n);
        if (v instanceof Enum<?> e) return b.setStringValue(e.name()).build();
        if (v instanceof Map<?, ?> m) return b.setStructValue(struct(m, depth + 1)).build();
        if (v instanceof Collection<?> c) return b.setListValue(list(c, depth + 1)).build();
        if (v instanceof Object[] a) return b.setListValue(list(List.of(a), depth + 1)).build();
        throw new IllegalArgumentException("a " + v.getClass().getSimpleName() + " is not a value the protocol carries");
    }

    private static ListValue list(Collection<?> c, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
        ListValue.Builder l = ListValue.newBuilder();
        for (Object item : c) l.addValues(value(item, depth));
        return l.build();
    }

    private static Value number(Number n) {
        Value.Builder b = Value.newBuilder();
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            boolean text = Double.isNaN(d) || Double.isInfinite(d);
            return text ? b.setStringValue(n.toString()).build() : b.setNumberValue(d).build();
        }
        if (n instanceof BigDecimal d) {
            boolean exact = new BigDecimal(Double.toString(d.doubleValue())).compareTo(d) == 0;
            return exact ? b.setNumberValue(d.doubleValue()).build() : b.setStringValue(d.toString()).build();
        }
        BigInteger i = n instanceof BigInteger big ? big : BigInteger.valueOf(n.longValue());
        return i.abs().compareTo(BigInteger.valueOf(EXACT)) <= 0 ? b.setNumberValue(i.doubleValue()).build()
                : b.setStringValue(i.toString()).build();
    }
}
