package io.jstate.minion.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsObjectsWithEveryKindOfValue() {
        Map<String, Object> m = Json.map(" {\"s\": \"a\\\"b\\\\c\\n\\u00e9\\/\", \"i\": -12, \"l\": 12345678901, \"big\": 123456789012345678901234,"
                + " \"d\": 1.5e2, \"t\": true, \"f\": false, \"n\": null, \"list\": [1, [], {}], \"o\": {\"x\": \"y\"}} ");
        assertEquals("a\"b\\c\né/", m.get("s"));
        assertEquals(-12, m.get("i"));
        assertEquals(12345678901L, m.get("l"));
        assertEquals(new BigInteger("123456789012345678901234"), m.get("big"));
        assertEquals(150.0, m.get("d"));
        assertEquals(true, m.get("t"));
        assertEquals(false, m.get("f"));
        assertTrue(m.containsKey("n") && m.get("n") == null);
        assertEquals(List.of(1, List.of(), Map.of()), m.get("list"));
        assertEquals(Map.of("x", "y"), m.get("o"));
        assertEquals(List.of("s", "i", "l", "big", "d", "t", "f", "n", "list", "o"), new ArrayList<>(m.keySet()), "insertion order");
    }

    @Test
    void emptyTextIsAnEmptyMapAndALaterKeyWins() {
        assertEquals(Map.of(), Json.map(""));
        assertEquals(Map.of(), Json.map(null));
        assertEquals(Map.of("a", 2), Json.map("{\"a\":1,\"a\":2}"));
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
        Object v = Json.value("[{\"a\":[{\"b\":[0,-0.5,1E-3]}]}]");
        assertEquals("[{\"a\":[{\"b\":[0,-0.5,0.001]}]}]", Json.write(v));
    }
}
