package io.jstate.minion.daemon;

import io.jstate.common.tls.CaTrust;
import io.jstate.common.wire.Fingerprints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;

/**
 * What this minion trusts of its master: the CA that issued the master's TLS certificate and the
 * key that signs jobs. Each is pinned by a fingerprint in the configuration or, without one,
 * trusted on first use: the first enrollment reply's CA and key are kept in {@code pki/} and
 * required from then on.
 */
final class MasterPins {
    private final DataDir dir;
    private final String caPin;
    private final String signingPin;
    private final Consumer<String> log;
    private volatile X509Certificate ca;
    private volatile PublicKey signingKey;

    MasterPins(DataDir dir, String caPin, String signingPin, Consumer<String> log) {
        this.dir = dir;
        this.caPin = caPin;
        this.signingPin = signingPin;
        this.log = log;
        try {
            if (Files.exists(dir.masterCa())) {
                ca = Pki.certificate(Pki.fromPem(Files.readAllBytes(dir.masterCa())));
                String fp = fingerprint(ca);
                if (caPin != null && !Fingerprints.same(fp, caPin)) {
                    throw new IllegalStateException("the master CA kept in " + dir.masterCa() + " has fingerprint " + fp
                            + " but master_ca_fingerprint pins " + caPin + "; if the master really changed, remove "
                            + dir.masterCa() + " and " + dir.minionCert() + " to enroll again");
                }
            }
            if (Files.exists(dir.masterSigningKey())) {
                signingKey = Pki.ed25519PublicKey(Pki.fromPem(Files.readAllBytes(dir.masterSigningKey())));
                String fp = Fingerprints.sha256(signingKey.getEncoded());
                if (signingPin != null && !Fingerprints.same(fp, signingPin)) {
                    throw new IllegalStateException("the job-signing key kept in " + dir.masterSigningKey() + " has fingerprint "
                            + fp + " but master_signing_fingerprint pins " + signingPin + "; if the master really changed, remove "
                            + dir.masterSigningKey() + " to learn the new key at the next enrollment");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master's keys in " + dir.pki() + ": " + e.getMessage(), e);
        }
    }

    /** The master's CA once known (kept in the data folder), else null. */
    X509Certificate ca() {
        return ca;
    }

    /** The key jobs must be signed with once known, else null. */
    PublicKey signingKey() {
        return signingKey;
    }

    /** The configured CA pin, or null when the minion trusts on first use. */
    String caPin() {
        return caPin;
    }

    /**
     * The CA a master's TLS chain must lead to: the known CA; before it is known, the chain's root,
     * which must carry the pinned fingerprint; with neither (first use) the chain's own root, and
     * the enrollment reply's CA must then have issued the chain ({@link #checkEnrollReply}).
     */
    X509Certificate anchor(X509Certificate[] chain) throws CertificateException {
        X509Certificate known = ca;
        if (known != null) return known;
        X509Certificate root = chain[chain.length - 1];
        if (caPin != null) {
            String fp = fingerprint(root);
            if (!Fingerprints.same(fp, caPin)) {
                throw new CertificateException("the master's certificate chain ends in a CA with fingerprint " + fp
                        + ", not the pinned " + caPin + " (master_ca_fingerprint); the master must send its CA certificate in its chain");
            }
        }
        return root;
    }

    /**
     * Checks the CA and signing key an enrollment reply carries against what this minion trusts,
     * and keeps them when this is the first use.
     *
     * @param serverChain the TLS chain the reply came over, or null when the transport had none
     *                    (in-process tests)
     * @throws CertificateException when the master is not the one this minion trusts
     */
    void checkEnrollReply(byte[] caDer, byte[] signingDer, X509Certificate[] serverChain, boolean required)
            throws CertificateException {
        if (caDer.length == 0 || signingDer.length == 0) {
            if (required) throw new CertificateException("the master's reply lacks its CA certificate or its job-signing key");
            return;
        }
        X509Certificate replyCa = Pki.certificate(caDer);
        String caFp = Fingerprints.sha256(caDer);
        String expectedCa = ca != null ? fingerprint(ca) : caPin;
        if (expectedCa != null && !Fingerprints.same(caFp, expectedCa)) {
            throw new CertificateException("the master's CA has fingerprint " + caFp + ", not the trusted " + expectedCa);
        }
        if (serverChain != null && serverChain.length > 0) CaTrust.verifyChain(serverChain, replyCa);

        PublicKey replyKey = Pki.ed25519PublicKey(signingDer);
        String keyFp = Fingerprints.sha256(signingDer);
        String expectedKey = signingKey != null ? Fingerprints.sha256(signingKey.getEncoded()) : signingPin;
        if (expectedKey != null && !Fingerprints.same(keyFp, expectedKey)) {
            throw new CertificateException("the master's job-signing key has fingerprint " + keyFp + ", not the trusted " + expectedKey);
        }

        List<String> trustedNow = new java.util.ArrayList<>();
        if (ca == null) {
            DataDir.writeAtomically(dir.masterCa(), Pki.pem("CERTIFICATE", caDer));
            ca = replyCa;
            if (caPin == null) trustedNow.add("its CA " + caFp + " (master_ca_fingerprint)");
        }
        if (signingKey == null) {
            DataDir.writeAtomically(dir.masterSigningKey(), Pki.pem("PUBLIC KEY", signingDer));
            signingKey = replyKey;
            if (signingPin == null) trustedNow.add("its job-signing key " + keyFp + " (master_signing_fingerprint)");
        }
        if (!trustedNow.isEmpty()) {
            log.accept("first contact with the master: now trusting " + String.join(" and ", trustedNow) + ", kept in " + dir.pki()
                    + "; confirm with the master's operator and pin them in the configuration");
        }
    }

    static String fingerprint(X509Certificate cert) {
        try {
            return Fingerprints.sha256(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
