package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsRealListingWithEscapes() {
        Object v = Json.parse(FakeBroker.fixture("list_policies.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<?>) v).get(0);
        assertEquals("^(?!amq\\.).*", first.get("pattern"));
        assertEquals(0L, first.get("priority"));
        assertEquals("{\"ha-mode\":\"exactly\",\"ha-params\":2,\"ha-sync-mode\":\"automatic\"}", first.get("definition"));
    }

    @Test
    void integersStayIntegersAndDecimalsStayDecimals() {
        assertEquals(2L, Json.parse("2"));
        assertEquals(new BigDecimal("2.0"), Json.parse("2.0"));
        assertEquals("{\"a\":2,\"b\":2.0,\"c\":0.5}", Json.write(Map.of("c", 0.5, "b", 2.0, "a", 2)));
        assertEquals("[2.0,1E+400]".replace("1E+400", "1" + "0".repeat(400) + ".0"), Json.write(Json.parse("[2.0, 1e400]")));
    }

    @Test
    void writingSortsKeysSoEqualValuesWriteEqualText() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("z", List.of(1, "x", true));
        a.put("a", null);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("a", null);
        b.put("z", List.of(1L, "x", true));
        assertEquals(Json.write(a), Json.write(b));
        assertEquals("{\"a\":null,\"z\":[1,\"x\",true]}", Json.write(a));
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
        for (String bad : List.of("", "[1,", "{\"a\" 1}", "[1] x", "\"open", "tru", "{1:2}")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }
}
