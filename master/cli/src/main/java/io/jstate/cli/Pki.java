package io.jstate.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import io.jstate.minion.tls.SingleKeyManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The TLS identity the CLI speaks with: the admin certificate and key the master wrote into its
 * pki folder, and the master's CA as the only trusted root. Everything is read with the JDK alone,
 * so that no security provider has to be loaded for a command that should start in a blink.
 */
final class Pki {
    static final String CA = "ca.crt";
    static final String ADMIN_CERT = "admin.crt";
    static final String ADMIN_KEY = "admin.key";

    // The algorithm identifier of an EC public key (1.2.840.10045.2.1) and the P-256 curve (1.2.840.10045.3.1.7).
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] PRIME256V1 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};

    private Pki() {}

    /** An SSL context that presents the admin certificate and trusts only the master's CA. */
    static SSLContext context(Path dir) throws CliException {
        X509Certificate ca = certificate(dir.resolve(CA));
        X509Certificate admin = certificate(dir.resolve(ADMIN_CERT));
        PrivateKey key = privateKey(dir.resolve(ADMIN_KEY));
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(new X509ExtendedKeyManager[] {new SingleKeyManager(key, admin, ca)}, new TrustManager[] {new MasterCa(ca)}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new CliException("cannot set up TLS from " + dir + ": " + e.getMessage());
        }
    }

    static X509Certificate certificate(Path file) throws CliException {
        byte[] der = pem(file, "CERTIFICATE");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new CliException(file + " does not hold a valid X.509 certificate: " + e.getMessage());
        }
    }

    /** An EC private key in PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY", as OpenSSL writes it) form. */
    static PrivateKey privateKey(Path file) throws CliException {
        String text = read(file);
        byte[] pkcs8;
        if (text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            pkcs8 = sec1ToPkcs8(block(file, text, "EC PRIVATE KEY"));
        } else {
            pkcs8 = block(file, text, "PRIVATE KEY");
        }
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CliException(file + " does not hold a valid EC private key: " + e.getMessage());
        }
    }

    private static byte[] pem(Path file, String type) throws CliException {
        return block(file, read(file), type);
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

    private static byte[] block(Path file, String text, String type) throws CliException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (to < 0) throw new CliException(file + " holds no PEM block '" + type + "'");
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new CliException(file + ": the PEM block '" + type + "' is not valid base64");
        }
    }

    /**
     * Wraps a SEC1 ECPrivateKey into a PKCS#8 PrivateKeyInfo, the one form the JDK reads: the curve
     * comes from the key's own parameters when it names one, P-256 otherwise.
     */
    static byte[] sec1ToPkcs8(byte[] sec1) {
        byte[] curve = PRIME256V1;
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }
        int[] seq = header(sec1, 0);
        int p = seq[0];
        int end = p + seq[1];
        while (p < end) {
            int[] h = header(sec1, p);
            if ((sec1[p] & 0xff) == 0xa0) {
                curve = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                break;
            }
            p = h[0] + h[1];
        }
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.writeBytes(EC_PUBLIC_KEY);
        algorithm.writeBytes(curve);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(der(0x30, algorithm.toByteArray()));
        body.writeBytes(der(0x04, sec1));
        return der(0x30, body.toByteArray());
    }

    /** The offset where the content of the element at {@code p} starts, and its length. */
    private static int[] header(byte[] b, int p) {
        int len = b[p + 1] & 0xff;
        int at = p + 2;
        if (len > 0x7f) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (b[at++] & 0xff);
        }
        return new int[] {at, len};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /**
     * Trusts a server certificate issued directly by the master's CA, as every master certificate
     * is. It is a plain {@link X509TrustManager} on purpose: the JDK then checks the host name
     * against the certificate and the algorithm constraints itself, while the general PKIX path
     * (which reads the JDK's whole cacerts file for its distrust policies) is skipped, which is
     * the bulk of a handshake's cost in a short-lived process.
     */
    static final class MasterCa implements X509TrustManager {
        private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
        private static final String ANY_USAGE = "2.5.29.37.0";
        private final X509Certificate ca;

        MasterCa(X509Certificate ca) {
            this.ca = ca;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) throw new CertificateException("the master sent no certificate");
            X509Certificate leaf = chain[0];
            try {
                leaf.verify(ca.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new CertificateException("the master's certificate (" + leaf.getSubjectX500Principal().getName()
                        + ") is not issued by the CA in " + CA + " (" + ca.getSubjectX500Principal().getName() + ")");
            }
            leaf.checkValidity();
            ca.checkValidity();
            List<String> usage = leaf.getExtendedKeyUsage();
            if (usage != null && !usage.contains(SERVER_AUTH) && !usage.contains(ANY_USAGE)) {
                throw new CertificateException("the master's certificate is not meant for a TLS server");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the CLI accepts no clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {ca};
        }
    }
}
