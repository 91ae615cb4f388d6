package io.jstate.minion.daemon;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Keys, requests and certificates of the minion, in the forms they are stored and sent. */
public final class Pki {
    private Pki() {}

    /** A fresh ECDSA P-256 key pair, the only kind the master's CA issues certificates for. */
    public static KeyPair newKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 support", e);
        }
    }

    /** A PKCS#10 request, DER encoded, for a certificate with subject CN = the minion id. */
    public static byte[] csr(KeyPair key, String minionId) {
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, minionId).build();
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
            return new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic()).build(signer).getEncoded();
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make a certificate request: " + e.getMessage(), e);
        }
    }

    /** The CN of a PKCS#10 request's subject, or "" when it has none. */
    public static String csrSubjectCn(byte[] der) {
        try {
            var rdns = new org.bouncycastle.pkcs.PKCS10CertificationRequest(der).getSubject().getRDNs(BCStyle.CN);
            return rdns.length == 0 ? "" : rdns[0].getFirst().getValue().toString();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    public static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    public static PrivateKey ecPrivateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an EC private key: " + e.getMessage(), e);
        }
    }

    public static PublicKey ecPublicKey(byte[] spki) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an EC public key: " + e.getMessage(), e);
        }
    }

    /** The master's job-signing key from its SubjectPublicKeyInfo. */
    public static PublicKey ed25519PublicKey(byte[] spki) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    public static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The DER bytes of the first PEM block in {@code text}. */
    public static byte[] fromPem(byte[] text) {
        String s = new String(text, StandardCharsets.US_ASCII);
        int begin = s.indexOf("-----BEGIN ");
        int bodyStart = begin < 0 ? -1 : s.indexOf('\n', begin);
        int end = s.indexOf("-----END ", Math.max(bodyStart, 0));
        if (begin < 0 || bodyStart < 0 || end < 0) throw new IllegalArgumentException("not a PEM file");
        return Base64.getMimeDecoder().decode(s.substring(bodyStart + 1, end));
    }
}
