package io.jstate.cli;

import io.jstate.common.tls.TestCertificates;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Certificates as the master makes them (ECDSA P-256, its own CA), made fresh for a test. */
final class TestPki {
    /** A key and the certificate issued for it. */
    record Identity(KeyPair keys, X509Certificate cert) {}

    final Identity ca;

    TestPki(String caName) throws Exception {
        KeyPair keys = ecKeys();
        X500Name name = new X500Name("CN=" + caName);
        X509v3CertificateBuilder b = builder(name, name, keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = new Identity(keys, sign(b, keys));
    }

    /** A server certificate for loopback: 127.0.0.1 and localhost. */
    Identity server() throws Exception {
        return server(new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
    }

    /** A server certificate for these names. */
    Identity server(GeneralName... names) throws Exception {
        KeyPair keys = ecKeys();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.cert.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=jstate master"), keys);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new Identity(keys, sign(b, ca.keys));
    }

    /** A client certificate (clientAuth), e.g. the admin's. */
    Identity client(String cn) throws Exception {
        KeyPair keys = ecKeys();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.cert.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + cn), keys);
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return new Identity(keys, sign(b, ca.keys));
    }

    /**
     * Writes a pki folder the CLI reads: ca.crt, admin.crt and admin.key (SEC1 "EC PRIVATE KEY" as
     * OpenSSL writes it, or PKCS#8 "PRIVATE KEY").
     */
    Path write(Path dir, Identity admin, boolean pkcs8) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ca.crt"), pem(ca.cert));
        Files.writeString(dir.resolve("admin.crt"), pem(admin.cert));
        String key = pkcs8
                ? "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(admin.keys.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n"
                : pem(admin.keys.getPrivate());
        Files.writeString(dir.resolve("admin.key"), key);
        return dir;
    }

    static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    static KeyPair ecKeys() throws GeneralSecurityException {
        return TestCertificates.ecKeys();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        return TestCertificates.builder(issuer, subject, keys);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer) throws Exception {
        return TestCertificates.sign(b, issuer);
    }

    static InetAddress loopback() throws IOException {
        return InetAddress.getByName("127.0.0.1");
    }
}
