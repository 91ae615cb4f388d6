package io.jstate.minion.daemon;

import com.google.protobuf.ByteString;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.SignedJob;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** A master's keys as a test needs them: a CA, a server certificate, an Ed25519 job-signing key. */
final class TestMaster {
    private static final AtomicLong SERIAL = new AtomicLong(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    final KeyPair caKey = Pki.newKey();
    final X509Certificate ca;
    final KeyPair serverKey = Pki.newKey();
    final X509Certificate server;
    final KeyPair signing;

    TestMaster() {
        try {
            ca = issue(new X500Name("CN=jstate master CA"), caKey, caKey.getPublic(), new X500Name("CN=jstate master CA"), true, null);
            server = issue(new X500Name("CN=jstate master"), caKey, serverKey.getPublic(), new X500Name("CN=jstate master CA"), false,
                    KeyPurposeId.id_kp_serverAuth);
            signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] caDer() {
        try {
            return ca.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] signingDer() {
        return signing.getPublic().getEncoded();
    }

    /** The certificate the master issues for a minion's CSR: CN from the request, client-auth only. */
    X509Certificate issueClient(byte[] csrDer) {
        try {
            JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(csrDer));
            return issue(csr.getSubject(), caKey, csr.getPublicKey(), new X500Name("CN=jstate master CA"), false, KeyPurposeId.id_kp_clientAuth);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate issue(X500Name subject, KeyPair issuerKey, java.security.PublicKey subjectKey, X500Name issuer,
                                 boolean isCa, KeyPurposeId purpose) throws Exception {
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))), subject, subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (purpose == KeyPurposeId.id_kp_serverAuth) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
        }
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    /** A job for {@code target}, issued now and valid for ten minutes, with a fresh nonce. */
    static Job.Builder job(String jid, String target, Instant now) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Job.newBuilder().setJid(jid).setTargetMinionId(target).setIssuedUnixMs(now.toEpochMilli())
                .setExpiresUnixMs(now.plus(Duration.ofMinutes(10)).toEpochMilli()).setNonce(ByteString.copyFrom(nonce));
    }

    SignedJob sign(Job job) {
        return sign(job, signing);
    }

    static SignedJob sign(Job job, KeyPair key) {
        try {
            byte[] bytes = job.toByteArray();
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.getPrivate());
            s.update(bytes);
            return SignedJob.newBuilder().setJob(ByteString.copyFrom(bytes)).setSignature(ByteString.copyFrom(s.sign())).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
