package io.jstate.cli;

import io.jstate.common.tls.CaTrust;
import io.jstate.common.tls.SingleKeyManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.security.spec.ECGenParameterSpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The TLS identity the CLI speaks with: the admin certificate and key the master wrote into its
 * pki folder, and the master's CA as the only trusted root ({@link CaTrust}, the policy the minion
 * uses too). PEM is read by the JDK where it can (certificates, PKCS#8 keys) and by Bouncy Castle
 * where it cannot (OpenSSL's SEC1 keys).
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

    /** A PEM certificate, read by the JDK's certificate factory, which takes PEM as it is. */
    static X509Certificate certificate(Path file) throws CliException {
        String text = read(file);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) throw noBlock(file, "CERTIFICATE");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new CliException(file + " does not hold a valid X.509 certificate: " + e.getMessage());
        }
    }

    /**
     * An EC private key in PKCS#8 ("PRIVATE KEY", as the master writes it), read by the JDK, or in
     * SEC1 ("EC PRIVATE KEY", as OpenSSL writes it), read by Bouncy Castle. Bouncy Castle's jars
     * are signed, so its classes are never in the launcher's class-data archive: loading them costs
     * a command more than its whole exchange with the master, and only the rarer form pays it.
     */
    static PrivateKey privateKey(Path file) throws CliException {
        String text = read(file);
        if (text.contains("-----BEGIN EC PRIVATE KEY-----")) return Sec1.privateKey(file, text);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf("-----END PRIVATE KEY-----", from);
        if (to < 0) throw noBlock(file, "PRIVATE KEY");
        try {
            byte[] pkcs8 = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CliException(file + " does not hold a valid EC private key: " + e.getMessage());
        }
    }

    /** SEC1 keys, with Bouncy Castle, in a class of their own so that its classes load only for them. */
    private static final class Sec1 {
        static PrivateKey privateKey(Path file, String text) throws CliException {
            Object o;
            try (PEMParser parser = new PEMParser(new StringReader(text))) {
                o = parser.readObject();
            } catch (IOException | RuntimeException e) {
                throw new CliException(file + ": the PEM block 'EC PRIVATE KEY' cannot be read: " + e.getMessage());
            }
            if (!(o instanceof PEMKeyPair pair)) throw noBlock(file, "EC PRIVATE KEY");
            try {
                PrivateKeyInfo info = pair.getPrivateKeyInfo();
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
