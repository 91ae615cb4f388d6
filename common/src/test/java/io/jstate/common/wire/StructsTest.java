package io.jstate.common.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jstate.proto.v1.ApplyJob;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.Peer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructsTest {
    /** Through the wire's bytes, as a peer reads it. */
    private static Map<String, Object> roundTrip(Map<String, ?> m) throws InvalidProtocolBufferException {
        return Structs.map(Struct.parseFrom(Structs.struct(m).toByteArray()));
    }

    @Test
    void plainDataReadsBackEqualAndInOrder() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zeta", "z");
        m.put("alpha", List.of(1, "two", true, Map.of("x", "y")));
        m.put("none", null);
        m.put("port", 5672);
        m.put("ratio", 0.25);
        m.put("text \"quoted\" \\ \u00e9 \u2603", "line\nnext\ttab \u0001");
        Map<String, Object> back = roundTrip(m);
        assertEquals(m, back);
        assertEquals(List.of("zeta", "alpha", "none", "port", "ratio", "text \"quoted\" \\ \u00e9 \u2603"), new ArrayList<>(back.keySet()));
    }

    @Test
    void wholeNumbersReadBackAsIntegersOrLongsAndBigOnesKeepTheirDigits() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", 8080L);
        m.put("short", (short) 3);
        m.put("negative", -40);
        m.put("big", 1L << 40);
        m.put("exact", 1L << 53);
        m.put("beyond", (1L << 53) + 1);
        m.put("huge", new BigInteger("123456789012345678901234567890"));
        m.put("min", Long.MIN_VALUE);
        Map<String, Object> back = roundTrip(m);
        assertEquals(8080, back.get("port"));
        assertEquals(3, back.get("short"));
        assertEquals(-40, back.get("negative"));
        assertEquals(1L << 40, back.get("big"));
        assertEquals(1L << 53, back.get("exact"));
        assertEquals("9007199254740993", back.get("beyond"));
        assertEquals("123456789012345678901234567890", back.get("huge"));
        assertEquals("-9223372036854775808", back.get("min"));
    }

    @Test
    void decimalsStayDecimalsWholeOnesReadBackWholeAndThoseADoubleCannotHoldKeepTheirText() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("load", 0.5);
        m.put("float", 1.5f);
        m.put("version", 8.0);
        m.put("exact", new BigDecimal("2.5"));
        m.put("whole", new BigDecimal("2.0"));
        m.put("long", new BigDecimal("0.12345678901234567890123"));
        m.put("nan", Double.NaN);
        m.put("inf", Double.NEGATIVE_INFINITY);
        Map<String, Object> back = roundTrip(m);
        assertEquals(0.5, back.get("load"));
        assertEquals(1.5, back.get("float"));
        assertEquals(8, back.get("version"));
        assertEquals(2.5, back.get("exact"));
        assertEquals(2, back.get("whole"));
        assertEquals("0.12345678901234567890123", back.get("long"));
        assertEquals("NaN", back.get("nan"));
        assertEquals("-Infinity", back.get("inf"));
    }

    @Test
    void oddKeysAndValuesAreCarriedAsJsonWritersDo() throws Exception {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(1, 'c');
        m.put("array", new Object[] {"a", 2});
        m.put("enum", Thread.State.NEW);
        Map<String, Object> back = Structs.map(Structs.struct(m));
        assertEquals("c", back.get("1"));
        assertEquals(List.of("a", 2), back.get("array"));
        assertEquals("NEW", back.get("enum"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Structs.struct(Map.of("when", new Object())));
        assertTrue(e.getMessage().contains("Object"), e.getMessage());
    }

    @Test
    void theDeepestValueAllowedIsReadableByThePeerAndOneLevelMoreIsRefused() throws Exception {
        Map<String, Object> deepest = nest(Structs.MAX_DEPTH);
        // As the deepest place the protocol carries such a value: a peer's grains in a job's bundle.
        Job job = Job.newBuilder().setApply(ApplyJob.newBuilder().setBundle(Bundle.newBuilder()
                .addPeers(Peer.newBuilder().setGrains(Structs.struct(deepest))))).build();
        Job read = Job.parseFrom(job.toByteArray());
        assertEquals(deepest, Structs.map(read.getApply().getBundle().getPeers(0).getGrains()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Structs.struct(nest(Structs.MAX_DEPTH + 1)));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
        List<Object> lists = new ArrayList<>();
        List<Object> inner = lists;
        for (int i = 0; i < Structs.MAX_DEPTH; i++) {
            List<Object> next = new ArrayList<>();
            inner.add(next);
            inner = next;
        }
        assertThrows(IllegalArgumentException.class, () -> Structs.struct(Map.of("l", lists)));
    }

    @Test
    void aPeersValueNestedTooDeepIsRefusedWhenRead() throws Exception {
        Struct s = Struct.newBuilder().putFields("leaf", Value.newBuilder().setNumberValue(1).build()).build();
        for (int i = 1; i <= Structs.MAX_DEPTH; i++) s = Struct.newBuilder().putFields("n", Value.newBuilder().setStructValue(s).build()).build();
        Struct tooDeep = Struct.parseFrom(s.toByteArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Structs.map(tooDeep));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
    }

    @Test
    void largeValuesRoundTrip() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) m.put("k" + i, Arrays.asList(i, "v".repeat(i % 50), null));
        assertEquals(m, roundTrip(m));
    }

    @Test
    void anEmptyOrUnsetValueReadsAsNull() {
        assertNull(Structs.plain(Value.getDefaultInstance()));
        assertEquals(Map.of(), Structs.map(Struct.getDefaultInstance()));
    }

    private static Map<String, Object> nest(int levels) {
        Map<String, Object> m = Map.of("leaf", 1);
        for (int i = 1; i < levels; i++) m = Map.of("n", m);
        return m;
    }
}
