package io.jstate.minion.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/**
 * The minion's own key, made once and kept in {@code pki/minion.key}, and the certificate the
 * master issued for it once enrollment succeeded.
 */
final class Identity {
    private final DataDir dir;
    private final KeyPair key;
    private volatile X509Certificate certificate;

    private Identity(DataDir dir, KeyPair key, X509Certificate certificate) {
        this.dir = dir;
        this.key = key;
        this.certificate = certificate;
    }

    static Identity loadOrCreate(DataDir dir) {
        try {
            KeyPair key;
            if (Files.exists(dir.minionKey())) {
                var priv = Pki.ecPrivateKey(Pki.fromPem(Files.readAllBytes(dir.minionKey())));
                var pub = Pki.ecPublicKey(Pki.fromPem(Files.readAllBytes(dir.minionKey().resolveSibling("minion.pub"))));
                key = new KeyPair(pub, priv);
            } else {
                key = Pki.newKey();
                // The public half goes first: a key file without its public half would be unusable.
                DataDir.writeAtomically(dir.minionKey().resolveSibling("minion.pub"), Pki.pem("PUBLIC KEY", key.getPublic().getEncoded()));
                DataDir.writeAtomically(dir.minionKey(), Pki.pem("PRIVATE KEY", key.getPrivate().getEncoded()));
            }
            X509Certificate cert = null;
            if (Files.exists(dir.minionCert())) {
                cert = Pki.certificate(Pki.fromPem(Files.readAllBytes(dir.minionCert())));
                // A certificate left from an older key cannot be used with this one.
                if (!cert.getPublicKey().equals(key.getPublic())) cert = null;
            }
            return new Identity(dir, key, cert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the minion's key in " + dir.pki() + ": " + e.getMessage(), e);
        }
    }

    KeyPair key() {
        return key;
    }

    ECPrivateKey privateKey() {
        return (ECPrivateKey) key.getPrivate();
    }

    ECPublicKey publicKey() {
        return (ECPublicKey) key.getPublic();
    }

    /** The issued certificate, or null before enrollment. */
    X509Certificate certificate() {
        return certificate;
    }

    void storeCertificate(X509Certificate cert) {
        try {
            DataDir.writeAtomically(dir.minionCert(), Pki.pem("CERTIFICATE", cert.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        certificate = cert;
    }
}
