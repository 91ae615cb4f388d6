package io.jstate.minion.daemon;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.SignedJob;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Decides whether a job envelope may run here, before anything in it is parsed or rendered: the
 * master's Ed25519 signature over the exact job bytes, this minion as the target, the validity
 * window and a nonce never seen before.
 */
final class EnvelopeVerifier {
    /** How far ahead of this minion's clock a master's clock may be. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    static final int NONCE_BYTES = 16;

    /** The outcome of a verification. */
    sealed interface Verdict permits Accepted, Refused {}

    record Accepted(Job job) implements Verdict {}

    /** @param jid the job's id as far as it could be read; untrusted when the signature failed */
    record Refused(String jid, Refusal refusal) implements Verdict {}

    private final String minionId;
    private final Supplier<PublicKey> signingKey;
    private final NonceStore nonces;
    private final Clock clock;

    EnvelopeVerifier(String minionId, Supplier<PublicKey> signingKey, NonceStore nonces, Clock clock) {
        this.minionId = minionId;
        this.signingKey = signingKey;
        this.nonces = nonces;
        this.clock = clock;
    }

    Verdict verify(SignedJob envelope) {
        byte[] bytes = envelope.getJob().toByteArray();
        PublicKey key = signingKey.get();
        if (key == null) {
            return refuse(peekJid(bytes), Refusal.Reason.BAD_SIGNATURE, "this minion does not know the master's signing key yet");
        }
        if (!signatureValid(key, bytes, envelope.getSignature().toByteArray())) {
            return refuse(peekJid(bytes), Refusal.Reason.BAD_SIGNATURE,
                    "the envelope's signature does not match the master's pinned signing key; nothing was run");
        }
        Job job;
        try {
            job = Job.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return refuse(peekJid(bytes), Refusal.Reason.MALFORMED, "the signed job cannot be read: " + e.getMessage());
        }
        String jid = job.getJid();
        if (jid.isEmpty()) return refuse(jid, Refusal.Reason.MALFORMED, "the job has no jid");
        if (job.getKindCase() == Job.KindCase.KIND_NOT_SET) return refuse(jid, Refusal.Reason.MALFORMED, "the job is neither an apply nor a function");
        if (job.getNonce().size() != NONCE_BYTES) {
            return refuse(jid, Refusal.Reason.MALFORMED, "the job's nonce has " + job.getNonce().size() + " bytes, not " + NONCE_BYTES);
        }
        if (!job.getTargetMinionId().equals(minionId)) {
            return refuse(jid, Refusal.Reason.WRONG_TARGET, "the job is for minion '" + job.getTargetMinionId() + "', this is '" + minionId + "'");
        }
        Instant now = clock.instant();
        Instant expires = Instant.ofEpochMilli(job.getExpiresUnixMs());
        if (!now.isBefore(expires)) {
            return refuse(jid, Refusal.Reason.EXPIRED, "the job expired at " + expires + " (this minion's clock says " + now + ")");
        }
        Instant issued = Instant.ofEpochMilli(job.getIssuedUnixMs());
        if (issued.isAfter(now.plus(MAX_SKEW))) {
            return refuse(jid, Refusal.Reason.EXPIRED, "the job was issued at " + issued + ", more than " + MAX_SKEW.toMinutes()
                    + " minutes ahead of this minion's clock (" + now + "); check both machines' clocks");
        }
        if (!nonces.use(job.getNonce().toByteArray(), job.getExpiresUnixMs(), now.toEpochMilli())) {
            return refuse(jid, Refusal.Reason.REPLAYED, "the job's nonce was used before: this envelope is a replay");
        }
        return new Accepted(job);
    }

    private static boolean signatureValid(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Refused refuse(String jid, Refusal.Reason reason, String message) {
        return new Refused(jid, Refusal.newBuilder().setReason(reason).setMessage(message).build());
    }

    /**
     * The jid field of unverified job bytes, read without parsing anything else (the bundle is
     * skipped as opaque bytes), so a refusal can still name the job it refuses. Empty when the
     * bytes do not hold one.
     */
    static String peekJid(byte[] bytes) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == Job.JID_FIELD_NUMBER
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    String jid = in.readStringRequireUtf8();
                    return jid.length() <= 64 ? jid : "";
                }
                if (!in.skipField(tag)) break;
            }
        } catch (IOException e) {
            // Bytes that are not a job have no jid to report.
        }
        return "";
    }
}
