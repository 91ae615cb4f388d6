package io.jstate.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsRealRabbitmqctlListingWithEscapes() {
        Object v = Json.parse(fixture("/io/jstate/common/json/list_policies.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<?>) v).get(0);
        assertEquals("^(?!amq\\.).*", first.get("pattern"));
        assertEquals(0, first.get("priority"));
        assertEquals("{\"ha-mode\":\"exactly\",\"ha-params\":2,\"ha-sync-mode\":\"automatic\"}", first.get("definition"));
    }

    @Test
    void readsObjectsWithEveryKindOfValue() {
        Map<String, Object> m = Json.map(" {\"s\": \"a\\\"b\\\\c\\n\\u00e9\\/\", \"i\": -12, \"l\": 12345678901, \"big\": 123456789012345678901234,"
                + " \"d\": 1.5e2, \"t\": true, \"f\": false, \"n\": null, \"list\": [1, [], {}], \"o\": {\"x\": \"y\"}} ");
        assertEquals("a\"b\\c\né/", m.get("s"));
        assertEquals(-12, m.get("i"));
        assertEquals(12345678901L, m.get("l"));
        assertEquals(new BigInteger("123456789012345678901234"), m.get("big"));
        assertEquals(0, new BigDecimal("150").compareTo((BigDecimal) m.get("d")));
        assertEquals(true, m.get("t"));
        assertEquals(false, m.get("f"));
        assertTrue(m.containsKey("n") && m.get("n") == null);
        assertEquals(List.of(1, List.of(), Map.of()), m.get("list"));
        assertEquals(Map.of("x", "y"), m.get("o"));
        assertEquals(List.of("s", "i", "l", "big", "d", "t", "f", "n", "list", "o"), new ArrayList<>(m.keySet()), "insertion order");
    }

    @Test
    void integersStayIntegersAndDecimalsStayDecimals() {
        assertEquals(2, Json.parse("2"));
        assertEquals(new BigDecimal("2.0"), Json.parse("2.0"));
        assertEquals("{\"a\":2,\"b\":2.0,\"c\":0.5}", Json.canonical(Map.of("c", 0.5, "b", 2.0, "a", 2)));
        assertEquals("[2.0," + "1" + "0".repeat(400) + ".0]", Json.write(Json.parse("[2.0, 1e400]")));
        assertEquals("[1.5E+1001,1E-1001]", Json.write(Json.parse("[1.5e1001, 1e-1001]")), "no thousand zeros");
        assertEquals("150.0", Json.write(Json.parse("1.5e2")));
    }

    @Test
    void canonicalTextSortsKeysSoEqualValuesWriteEqualText() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("z", List.of(1, "x", true, 0.5));
        a.put("a", null);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("a", null);
        b.put("z", List.of(1L, "x", true, new BigDecimal("0.50")));
        assertEquals(Json.canonical(a), Json.canonical(b));
        assertEquals("{\"a\":null,\"z\":[1,\"x\",true,0.5]}", Json.canonical(a));
        assertEquals("{\"z\":[1,\"x\",true,0.5],\"a\":null}", Json.write(a), "write keeps the map's order");
    }

    @Test
    void emptyTextIsAnEmptyMapAndALaterKeyWins() {
        assertEquals(Map.of(), Json.map(""));
        assertEquals(Map.of(), Json.map(null));
        assertEquals(Map.of("a", 2), Json.map("{\"a\":1,\"a\":2}"));
    }

    @Test
    void roundTripsStringEscapes() {
        String s = "quote\" back\\ nl\n tab\t ctl\u0001 é";
        assertEquals(s, Json.parse(Json.write(s)));
        assertEquals("/", Json.parse("\"\\/\""));
        assertEquals("é", Json.parse("\"\\u00e9\""));
    }

    @Test
    void rejectsBrokenText() {
        for (String bad : List.of("", "[1,", "{\"a\" 1}", "[1] x", "\"open", "tru", "{1:2}", "1.2.3", "[1 2]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("not JSON: "), e.getMessage());
        }
    }

    @Test
    void refusesWhatIsNotOneJsonObject() {
        for (String bad : List.of("[1]", "\"a\"", "{", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\":01}", "{\"a\":1} x",
                "{\"a\":\"\u0001\"}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":-}", "{\"a\":1.}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.map(bad), bad);
            assertTrue(e.getMessage().startsWith("not a JSON object: "), e.getMessage());
        }
    }

    @Test
    void refusesNestingBeyondTheLimit() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(600) + "]".repeat(600)));
        assertEquals(List.of(List.of(List.of())), Json.parse("[[[]]]"));
    }

    @Test
    void writesPlainDataCompactly() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"\\\n\t\u0001é");
        m.put("n", null);
        m.put("i", 3);
        m.put("l", 4L);
        m.put("d", 2.5);
        m.put("nan", Double.NaN);
        m.put("b", true);
        m.put("list", Arrays.asList(1, "x", null));
        m.put("arr", new String[] {"a"});
        m.put("o", Map.of("k", List.of()));
        assertEquals("{\"s\":\"q\\\"\\\\\\n\\t\\u0001é\",\"n\":null,\"i\":3,\"l\":4,\"d\":2.5,\"nan\":\"NaN\",\"b\":true,"
                + "\"list\":[1,\"x\",null],\"arr\":[\"a\"],\"o\":{\"k\":[]}}", Json.write(m));
        assertEquals("true", Json.write(true));
    }

    @Test
    void refusesToWriteObjectsThatAreNotPlainData() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", new Object())));
    }

    @Test
    void roundTripsNesting() {
        Object v = Json.parse("[{\"a\":[{\"b\":[0,-0.5,1E-3]}]}]");
        assertEquals("[{\"a\":[{\"b\":[0,-0.5,0.001]}]}]", Json.write(v));
    }

    private static String fixture(String resource) {
        try (InputStream in = JsonTest.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
