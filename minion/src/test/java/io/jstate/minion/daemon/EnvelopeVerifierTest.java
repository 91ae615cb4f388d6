package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jstate.proto.v1.FunctionJob;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.SignedJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeVerifierTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final TestMaster MASTER = new TestMaster();

    @TempDir
    Path tmp;

    private EnvelopeVerifier verifier(Instant now) {
        return new EnvelopeVerifier("web1", MASTER.signing::getPublic, new NonceStore(tmp.resolve("nonces")), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Job ping(String target, Instant issued) {
        return TestMaster.job("20260301100000000123", target, issued).setFunction(FunctionJob.newBuilder().setName("test.ping")).build();
    }

    private static Refusal refused(EnvelopeVerifier.Verdict v) {
        return assertInstanceOf(EnvelopeVerifier.Refused.class, v).refusal();
    }

    @Test
    void aSignedJobForThisMinionWithinItsWindowIsAccepted() {
        Job job = ping("web1", NOW);
        var v = assertInstanceOf(EnvelopeVerifier.Accepted.class, verifier(NOW).verify(MASTER.sign(job)));
        assertEquals(job, v.job());
    }

    @Test
    void oneFlippedByteAnywhereInTheJobIsABadSignature() {
        SignedJob good = MASTER.sign(ping("web1", NOW));
        byte[] bytes = good.getJob().toByteArray();
        for (int i = 0; i < bytes.length; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x01;
            SignedJob tampered = good.toBuilder().setJob(ByteString.copyFrom(flipped)).build();
            Refusal r = refused(verifier(NOW).verify(tampered));
            assertEquals(Refusal.Reason.BAD_SIGNATURE, r.getReason(), "byte " + i);
        }
        assertTrue(refused(verifier(NOW).verify(good.toBuilder().setJob(ByteString.copyFrom(flipBit(bytes, 40))).build()))
                .getMessage().contains("signature does not match"));
    }

    @Test
    void aFlippedSignatureByteOrAnotherKeyIsABadSignatureAndTheJidIsStillReported() throws Exception {
        SignedJob good = MASTER.sign(ping("web1", NOW));
        byte[] sig = good.getSignature().toByteArray();
        sig[5] ^= 0x40;
        var r = assertInstanceOf(EnvelopeVerifier.Refused.class,
                verifier(NOW).verify(good.toBuilder().setSignature(ByteString.copyFrom(sig)).build()));
        assertEquals(Refusal.Reason.BAD_SIGNATURE, r.refusal().getReason());
        assertEquals("20260301100000000123", r.jid());

        var other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(verifier(NOW).verify(TestMaster.sign(ping("web1", NOW), other))).getReason());
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(verifier(NOW).verify(SignedJob.getDefaultInstance())).getReason());
    }

    @Test
    void aJobForAnotherMinionIsTheWrongTarget() {
        Refusal r = refused(verifier(NOW).verify(MASTER.sign(ping("web2", NOW))));
        assertEquals(Refusal.Reason.WRONG_TARGET, r.getReason());
        assertTrue(r.getMessage().contains("'web2'") && r.getMessage().contains("'web1'"), r.getMessage());
    }

    @Test
    void aJobPastItsExpiryIsExpired() {
        SignedJob job = MASTER.sign(ping("web1", NOW));
        Refusal r = refused(verifier(NOW.plus(Duration.ofMinutes(10))).verify(job));
        assertEquals(Refusal.Reason.EXPIRED, r.getReason());
        assertTrue(r.getMessage().contains("expired at 2026-03-01T10:10:00Z"), r.getMessage());
        assertInstanceOf(EnvelopeVerifier.Accepted.class, verifier(NOW.plus(Duration.ofMinutes(9))).verify(job));
    }

    @Test
    void aJobIssuedMoreThanFiveMinutesAheadOfThisClockIsRefused() {
        Refusal r = refused(verifier(NOW).verify(MASTER.sign(ping("web1", NOW.plus(Duration.ofMinutes(6))))));
        assertEquals(Refusal.Reason.EXPIRED, r.getReason());
        assertTrue(r.getMessage().contains("check both machines' clocks"), r.getMessage());
        assertInstanceOf(EnvelopeVerifier.Accepted.class, verifier(NOW).verify(MASTER.sign(ping("web1", NOW.plus(Duration.ofMinutes(4))))));
    }

    @Test
    void theSameEnvelopeTwiceIsAReplayEvenAfterARestart() throws Exception {
        SignedJob job = MASTER.sign(ping("web1", NOW));
        assertInstanceOf(EnvelopeVerifier.Accepted.class, verifier(NOW).verify(job));
        assertEquals(Refusal.Reason.REPLAYED, refused(verifier(NOW.plusSeconds(1)).verify(job)).getReason());
        // verifier() makes a new store from the same file each time: the nonce survived a "restart".
        assertTrue(Files.readString(tmp.resolve("nonces")).contains(" " + NOW.plus(Duration.ofMinutes(10)).toEpochMilli()));
    }

    @Test
    void aSignedButBrokenJobIsMalformed() {
        Job shortNonce = ping("web1", NOW).toBuilder().setNonce(ByteString.copyFrom(new byte[4])).build();
        assertEquals(Refusal.Reason.MALFORMED, refused(verifier(NOW).verify(MASTER.sign(shortNonce))).getReason());
        Job noKind = ping("web1", NOW).toBuilder().clearFunction().build();
        assertEquals(Refusal.Reason.MALFORMED, refused(verifier(NOW).verify(MASTER.sign(noKind))).getReason());
    }

    @Test
    void withoutTheMastersKeyNothingIsAccepted() {
        var v = new EnvelopeVerifier("web1", () -> null, new NonceStore(tmp.resolve("nonces")), Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(v.verify(MASTER.sign(ping("web1", NOW)))).getReason());
    }

    @Test
    void theJidOfUnverifiedBytesIsReadWithoutParsingTheRest() {
        byte[] bytes = ping("web1", NOW).toByteArray();
        assertEquals("20260301100000000123", EnvelopeVerifier.peekJid(bytes));
        assertEquals("", EnvelopeVerifier.peekJid(new byte[] {(byte) 0xff, 0x01}));
        assertEquals("", EnvelopeVerifier.peekJid(new byte[0]));
    }

    private static byte[] flipBit(byte[] b, int i) {
        byte[] c = b.clone();
        c[i % c.length] ^= 0x01;
        return c;
    }
}
