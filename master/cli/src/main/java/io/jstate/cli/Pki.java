package io.jstate.cli;

import io.jstate.common.tls.CaTrust;
import io.jstate.common.tls.SingleKeyManager;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The TLS identity the CLI speaks with: the admin certificate and key the master wrote into its
 * pki folder, and the master's CA as the only trusted root ({@link CaTrust}, the policy the minion
 * uses too). PEM is read with Bouncy Castle's parser; the keys are made by the JDK's providers.
 */
final class Pki {
    static final String CA = "ca.crt";
    static final String ADMIN_CERT = "admin.crt";
    static final String ADMIN_KEY = "admin.key";

    private Pki() {}

    /**
     * Prepares the JDK's P-256 arithmetic on a thread of its own. Its first use builds a table of
     * multiples of the curve's base point, which a fresh JVM computes slowly, before any code is
     * compiled; every handshake needs it (for the key exchange and to sign with the admin key), so
     * starting it first lets it overlap with reading the options, keys and certificates.
     */
    static void warmUp() {
        Thread t = new Thread(() -> {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                g.generateKeyPair();
            } catch (GeneralSecurityException | RuntimeException e) {
                // Only a head start: the handshake does the same work when it needs it.
            }
        }, "jstate-ec");
        t.setDaemon(true);
        t.start();
    }

    /**
     * An SSL context that presents the admin certificate and trusts only server certificates of the
     * master's CA; the connection asks for the host name check.
     */
    static SSLContext context(Path dir) throws CliException {
        X509Certificate ca = certificate(dir.resolve(CA));
        X509Certificate admin = certificate(dir.resolve(ADMIN_CERT));
        PrivateKey key = privateKey(dir.resolve(ADMIN_KEY));
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(new X509ExtendedKeyManager[] {new SingleKeyManager(key, admin, ca)}, new TrustManager[] {CaTrust.of("the CLI", ca)}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new CliException("cannot set up TLS from " + dir + ": " + e.getMessage());
        }
    }

    static X509Certificate certificate(Path file) throws CliException {
        if (!(pem(file, "CERTIFICATE") instanceof X509CertificateHolder holder)) throw noBlock(file, "CERTIFICATE");
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException e) {
            throw new CliException(file + " does not hold a valid X.509 certificate: " + e.getMessage());
        }
    }

    /** An EC private key in PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY", as OpenSSL writes it) form. */
    static PrivateKey privateKey(Path file) throws CliException {
        Object o = pem(file, "PRIVATE KEY");
        PrivateKeyInfo info = o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : o instanceof PrivateKeyInfo i ? i : null;
        if (info == null) throw noBlock(file, "PRIVATE KEY");
        try {
            if (info.getPrivateKeyAlgorithm().getParameters() == null) {
                // A SEC1 key that does not name its curve (Bouncy Castle writes them so): the master's keys are P-256.
                info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
                        info.parsePrivateKey());
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException | RuntimeException e) {
            throw new CliException(file + " does not hold a valid EC private key: " + e.getMessage());
        }
    }

    /** The first PEM object in the file, or null when there is none. */
    private static Object pem(Path file, String type) throws CliException {
        try (PEMParser parser = new PEMParser(new StringReader(read(file)))) {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new CliException(file + ": the PEM block '" + type + "' cannot be read: " + e.getMessage());
        }
    }

    private static CliException noBlock(Path file, String type) {
        return new CliException(file + " holds no PEM block '" + type + "'");
    }

    private static String read(Path file) throws CliException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new CliException("cannot read " + file + ": no such file (is --pki or JSTATE_PKI the master's pki folder?)");
        } catch (AccessDeniedException e) {
            throw new CliException("cannot read " + file + ": permission denied (the admin key is readable by root only)");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
