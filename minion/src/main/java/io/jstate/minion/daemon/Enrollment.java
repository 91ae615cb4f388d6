package io.jstate.minion.daemon;

import com.google.protobuf.Struct;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.jstate.common.wire.Fingerprints;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.MinionGatewayGrpc;
import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Asks a master to accept this minion's key: the one call made without a client certificate.
 * The reply's CA and signing key must be the trusted ones, and a certificate it carries must be
 * for this minion's key and issued by that CA.
 */
final class Enrollment {
    enum Result { ACCEPTED, PENDING, REJECTED, FAILED }

    private final String minionId;
    private final String token;
    private final Identity identity;
    private final MasterPins pins;
    private final MasterChannels channels;
    private final Supplier<byte[]> csrSource;
    private byte[] csr;
    private final Consumer<String> log;
    private EnrollReply.Status lastStatus;

    Enrollment(String minionId, String token, Identity identity, MasterPins pins, MasterChannels channels, Supplier<byte[]> csr,
               Consumer<String> log) {
        this.minionId = minionId;
        this.token = token;
        this.identity = identity;
        this.pins = pins;
        this.channels = channels;
        this.csrSource = csr;
        this.log = log;
    }

    Result attempt(String master, Struct grains) {
        if (csr == null) csr = csrSource.get();
        MasterTrust trust = new MasterTrust(pins);
        ManagedChannel channel = channels.open(master, trust, null);
        try {
            EnrollRequest.Builder req = EnrollRequest.newBuilder().setMinionId(minionId).setCsrDer(ByteString.copyFrom(csr))
                    .setGrains(grains);
            if (token != null) req.setToken(token);
            EnrollReply reply = MinionGatewayGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).enroll(req.build());
            boolean accepted = reply.getStatus() == EnrollReply.Status.ACCEPTED;
            pins.checkEnrollReply(reply.getCaCertificateDer().toByteArray(), reply.getSigningPublicKeyDer().toByteArray(),
                    trust.lastChain(), accepted);
            EnrollReply.Status previous = lastStatus;
            lastStatus = reply.getStatus();
            switch (reply.getStatus()) {
                case ACCEPTED -> {
                    identity.storeCertificate(issued(reply.getCertificateDer().toByteArray()));
                    log.accept("enrolled with master " + master + ": key accepted");
                    return Result.ACCEPTED;
                }
                case PENDING -> {
                    if (previous != EnrollReply.Status.PENDING) {
                        log.accept("waiting for master " + master + " to accept this minion's key "
                                + Fingerprints.sha256(identity.publicKey().getEncoded()) + " ('jstate keys accept " + minionId + "')"
                                + (reply.getMessage().isEmpty() ? "" : ": " + reply.getMessage()));
                    }
                    return Result.PENDING;
                }
                case REJECTED -> {
                    if (previous != EnrollReply.Status.REJECTED) {
                        // The key's fingerprint lets an operator tell this key from the one the master holds before deleting that.
                        log.accept("master " + master + " rejected this minion's key " + Fingerprints.sha256(identity.publicKey().getEncoded())
                                + (reply.getMessage().isEmpty() ? "" : ": " + reply.getMessage()));
                    }
                    return Result.REJECTED;
                }
                default -> {
                    log.accept("master " + master + " gave an enrollment reply without a status");
                    return Result.FAILED;
                }
            }
        } catch (CertificateException e) {
            log.accept("not enrolling with " + master + ": " + e.getMessage());
            return Result.FAILED;
        } catch (StatusRuntimeException e) {
            log.accept("cannot enroll with master " + master + ": " + describe(e));
            return Result.FAILED;
        } finally {
            channel.shutdownNow();
        }
    }

    /** The certificate in an ACCEPTED reply, once it is proven to be this minion's, from the trusted CA. */
    private X509Certificate issued(byte[] der) throws CertificateException {
        if (der.length == 0) throw new CertificateException("the master accepted the key but sent no certificate");
        X509Certificate cert = Pki.certificate(der);
        if (!cert.getPublicKey().equals(identity.publicKey())) {
            throw new CertificateException("the master's certificate is for another key than this minion's");
        }
        try {
            cert.verify(pins.ca().getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the master's certificate for this minion is not issued by its CA", e);
        }
        return cert;
    }

    static String describe(StatusRuntimeException e) {
        return MinionDaemon.describe(e.getStatus());
    }
}
