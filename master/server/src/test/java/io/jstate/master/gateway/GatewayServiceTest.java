package io.jstate.master.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jstate.master.FakeMinion;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.common.wire.Fingerprints;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.GrainsUpdate;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.MinionMessage;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayServiceTest {
    TestMaster tm;
    Master master;
    ManagedChannel ch;

    @BeforeEach
    void up() {
        tm = new TestMaster("enrollment: {token: s3cret-token, rate_per_minute: 5}\n");
        master = tm.start();
        ch = tm.channel();
    }

    @AfterEach
    void down() {
        ch.shutdownNow();
        tm.close();
    }

    @Test
    void enrollQueuesTheKeyUntilAnOperatorAcceptsIt() {
        FakeMinion m = new FakeMinion("web1");
        EnrollReply r = m.enroll(ch, "");
        assertEquals(EnrollReply.Status.PENDING, r.getStatus());
        assertTrue(r.getCertificateDer().isEmpty());
        // The reply carries what the minion pins, even before acceptance.
        assertEquals(master.pki().caFingerprint(), Fingerprints.sha256(r.getCaCertificateDer().toByteArray()));
        assertEquals(master.pki().signingFingerprint(), Fingerprints.sha256(r.getSigningPublicKeyDer().toByteArray()));
        Key pending = master.keys().find("web1").orElseThrow();
        assertEquals(Key.State.PENDING, pending.getState());
        assertEquals(Fingerprints.sha256(m.key.getPublic().getEncoded()), pending.getFingerprint());

        assertEquals(EnrollReply.Status.PENDING, m.enroll(ch, "").getStatus());
        master.keys().accept("web1");
        r = m.enroll(ch, "");
        assertEquals(EnrollReply.Status.ACCEPTED, r.getStatus());
        assertEquals(m.key.getPublic(), m.cert.getPublicKey());
        assertEquals("CN=web1", m.cert.getSubjectX500Principal().getName());
        assertDoesNotThrow(() -> m.cert.verify(master.pki().ca().getPublicKey()));
    }

    @Test
    void theEnrollmentTokenAcceptsAtOnceAndAWrongOneOnlyQueues() {
        FakeMinion wrong = new FakeMinion("db1");
        assertEquals(EnrollReply.Status.PENDING, wrong.enroll(ch, "s3cret-tokeX").getStatus());
        FakeMinion right = new FakeMinion("db2");
        EnrollReply r = right.enroll(ch, "s3cret-token");
        assertEquals(EnrollReply.Status.ACCEPTED, r.getStatus());
        assertNotNull(right.cert);
        assertEquals(Key.State.ACCEPTED, master.keys().find("db2").orElseThrow().getState());
    }

    @Test
    void aRejectedKeyStaysRejectedAndAnotherKeyCannotTakeAnAcceptedId() {
        FakeMinion m = new FakeMinion("web1");
        m.enroll(ch, "");
        master.keys().reject("web1");
        assertEquals(EnrollReply.Status.REJECTED, m.enroll(ch, "").getStatus());
        assertEquals(EnrollReply.Status.REJECTED, new FakeMinion("web1").enroll(ch, "s3cret-token").getStatus());

        FakeMinion a = new FakeMinion("web2");
        a.enroll(ch, "s3cret-token");
        EnrollReply impostor = new FakeMinion("web2").enroll(ch, "s3cret-token");
        assertEquals(EnrollReply.Status.REJECTED, impostor.getStatus());
        assertTrue(impostor.getMessage().contains("another key is accepted"), impostor.getMessage());
    }

    @Test
    void enrollChecksTheCsrAndTheId() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> new FakeMinion("web1", "web2").enroll(ch, ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("is not the minion id"), e.getStatus().getDescription());
        e = assertThrows(StatusRuntimeException.class, () -> new FakeMinion("../etc").enroll(ch, ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(master.keys().list().isEmpty());
    }

    @Test
    void enrollIsRateLimitedPerAddress() {
        for (int i = 0; i < 5; i++) new FakeMinion("m" + i).enroll(ch, "");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> new FakeMinion("m9").enroll(ch, ""));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertTrue(master.keys().find("m9").isEmpty());
    }

    @Test
    void connectNeedsACertificateOfAnAcceptedKey() throws Exception {
        FakeMinion m = new FakeMinion("web1");
        FakeMinion.Stream s = m.connect(ch, "{}");
        assertEquals(Status.Code.UNAUTHENTICATED, s.closed.get(5, TimeUnit.SECONDS).getCode());

        m.enroll(ch, "s3cret-token");
        master.keys().reject("web1");
        s = m.connect(ch, "{}");
        assertEquals(Status.Code.PERMISSION_DENIED, s.closed.get(5, TimeUnit.SECONDS).getCode());
        assertTrue(master.connections().session("web1").isEmpty());
    }

    @Test
    void deletingAKeyCutsTheLiveStreamAtOnce() throws Exception {
        FakeMinion m = new FakeMinion("web1");
        m.enroll(ch, "s3cret-token");
        master.keys().setRoles("web1", List.of("frontend"));
        FakeMinion.Stream s = m.connect(ch, "{\"roles\": [\"web\"]}");
        awaitConnected("web1");
        assertEquals(List.of("frontend"), master.connections().describe("web1").getRolesList(), "the master's roles, not the roles grain");

        master.keys().delete("web1");
        Status st = s.closed.get(5, TimeUnit.SECONDS);
        assertEquals(Status.Code.PERMISSION_DENIED, st.getCode());
        assertTrue(master.connections().session("web1").isEmpty());
        assertTrue(master.keys().find("web1").isEmpty());
    }

    @Test
    void rejectingAnAcceptedKeyCutsTheLiveStream() throws Exception {
        FakeMinion m = new FakeMinion("web1");
        m.enroll(ch, "s3cret-token");
        FakeMinion.Stream s = m.connect(ch, "{}");
        awaitConnected("web1");
        master.keys().reject("web1");
        assertEquals(Status.Code.PERMISSION_DENIED, s.closed.get(5, TimeUnit.SECONDS).getCode());
        assertEquals(Key.State.REJECTED, master.keys().find("web1").orElseThrow().getState());
    }

    @Test
    void aSilentStreamIsDroppedAndHeartbeatsFlow() throws Exception {
        tm.stop();
        master = tm.start(Duration.ofMillis(50), Duration.ofMillis(400));
        FakeMinion m = new FakeMinion("web1");
        m.enroll(ch, "s3cret-token");
        FakeMinion.Stream s = m.connect(ch, "{}");
        awaitConnected("web1");
        var first = s.received.poll(5, TimeUnit.SECONDS);
        assertNotNull(first);
        assertTrue(first.hasHeartbeat());
        assertEquals(Status.Code.UNAVAILABLE, s.closed.get(5, TimeUnit.SECONDS).getCode());
        assertTrue(master.connections().session("web1").isEmpty());
        // Still known with its last-seen time, for targeting and the minions list.
        assertTrue(master.connections().describe("web1").getLastSeenUnixMs() > 0);
    }

    @Test
    void aHelloIsAnsweredAtOnceNotAtTheNextHeartbeatRound() throws Exception {
        FakeMinion m = new FakeMinion("web1");
        m.enroll(ch, "s3cret-token");
        FakeMinion.Stream s = m.connect(ch, "{}");
        // The heartbeat period here is 10 s: only an answer to the Hello arrives this soon.
        var first = s.received.poll(2, TimeUnit.SECONDS);
        assertNotNull(first, "the master said nothing after the Hello");
        assertTrue(first.hasHeartbeat(), first::toString);
    }

    @Test
    void oddGrainsAreKeptAsSentAndTooDeepOrTooLargeGrainsCloseTheStream() throws Exception {
        FakeMinion m = new FakeMinion("web1");
        m.enroll(ch, "s3cret-token");
        Map<String, Object> odd = new LinkedHashMap<>();
        odd.put("port", 5672);
        odd.put("mem_bytes", 1L << 40);
        odd.put("serial", new BigInteger("123456789012345678901234567890"));
        odd.put("load", 0.25);
        odd.put("nan", Double.NaN);
        odd.put("nothing", null);
        odd.put("ipv4", List.of("10.0.0.5", "127.0.0.1"));
        FakeMinion.Stream s = m.connect(ch, Hello.newBuilder().setGrains(Structs.struct(odd)).build());
        awaitConnected("web1");
        Map<String, Object> seen = master.connections().session("web1").orElseThrow().grains();
        assertEquals(5672, seen.get("port"));
        assertEquals(1L << 40, seen.get("mem_bytes"));
        assertEquals("123456789012345678901234567890", seen.get("serial"), "beyond a double's integers: the digits, as text");
        assertEquals(0.25, seen.get("load"));
        assertEquals("NaN", seen.get("nan"));
        assertTrue(seen.containsKey("nothing") && seen.get("nothing") == null);
        assertEquals(List.of("10.0.0.5"), master.connections().describe("web1").getAddressesList().stream().filter(a -> a.startsWith("10.")).toList());

        // Nested deeper than the protocol allows: built by hand, as a broken or hostile minion would.
        Struct deep = Struct.getDefaultInstance();
        for (int i = 0; i <= Structs.MAX_DEPTH; i++) deep = Struct.newBuilder().putFields("n", Value.newBuilder().setStructValue(deep).build()).build();
        s.send(MinionMessage.newBuilder().setGrains(GrainsUpdate.newBuilder().setGrains(deep)).build());
        Status st = s.closed.get(5, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, st.getCode());
        assertTrue(st.getDescription().contains("nested deeper than"), st::toString);
        assertEquals(seen, Structs.map(master.connections().describe("web1").getGrains()), "the last good grains stay");

        Struct huge = Structs.struct(Map.of("blob", "x".repeat(GatewayService.MAX_GRAINS)));
        FakeMinion.Stream big = m.connect(ch, Hello.newBuilder().setGrains(huge).build());
        Status tooLarge = big.closed.get(5, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, tooLarge.getCode());
        assertEquals("grains too large", tooLarge.getDescription());
    }

    void awaitConnected(String id) throws InterruptedException {
        for (int i = 0; i < 500 && master.connections().session(id).isEmpty(); i++) Thread.sleep(10);
        assertTrue(master.connections().session(id).isPresent(), id + " never connected");
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(e);
    }

}
