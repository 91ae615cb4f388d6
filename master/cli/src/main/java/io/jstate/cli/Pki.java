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
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import io.jstate.common.tls.SingleKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

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
     * An SSL context that presents the admin certificate and trusts only certificates of the
     * master's CA that name {@code host}.
     */
    static SSLContext context(Path dir, String host) throws CliException {
        X509Certificate ca = certificate(dir.resolve(CA));
        X509Certificate admin = certificate(dir.resolve(ADMIN_CERT));
        PrivateKey key = privateKey(dir.resolve(ADMIN_KEY));
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(new X509ExtendedKeyManager[] {new SingleKeyManager(key, admin, ca)}, new TrustManager[] {new MasterCa(ca, host)}, null);
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
     * is, and only for the host the CLI connects to. It is an {@link X509ExtendedTrustManager}, so
     * the JDK leaves every check to it: the general PKIX path, and the JDK's own host name check,
     * both read the JDK's whole cacerts file (for its distrust policies), which is the bulk of a
     * handshake's cost in a short-lived process and says nothing about a private CA's certificate.
     */
    static final class MasterCa extends io.jstate.common.tls.ServerOnlyTrust {
        private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
        private static final String ANY_USAGE = "2.5.29.37.0";
        private static final int DNS_NAME = 2;
        private static final int IP_ADDRESS = 7;
        private final X509Certificate ca;
        private final String host;

        /** @param host the master's host name or address as the URL has it (without IPv6 brackets) */
        MasterCa(X509Certificate ca, String host) {
            super("the CLI");
            this.ca = ca;
            this.host = host;
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
            checkHost(leaf);
        }

        /**
         * The certificate must name the host: its address among the IP address names when the URL
         * gives an address, else the name among the DNS names (a '*' only as the whole left-most
         * label). The master's certificates always carry these names, so the subject's CN is never
         * consulted.
         */
        void checkHost(X509Certificate leaf) throws CertificateException {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            List<String> named = new ArrayList<>();
            boolean literal = isAddress(host);
            byte[] address = literal ? addressBytes(host) : null;
            if (names != null) {
                for (List<?> n : names) {
                    if (n.size() < 2 || !(n.get(0) instanceof Integer type) || !(n.get(1) instanceof String value)) continue;
                    if (type == IP_ADDRESS) {
                        named.add(value);
                        if (literal && Arrays.equals(address, addressBytes(value))) return;
                    } else if (type == DNS_NAME) {
                        named.add(value);
                        if (!literal && dnsMatches(value, host)) return;
                    }
                }
            }
            throw new CertificateException("the master's certificate is not valid for " + host
                    + " (it names " + (named.isEmpty() ? "no host" : String.join(", ", named)) + "; check --master or JSTATE_MASTER)");
        }

        static boolean dnsMatches(String pattern, String host) {
            String p = trimDot(pattern).toLowerCase(Locale.ROOT);
            String h = trimDot(host).toLowerCase(Locale.ROOT);
            if (!p.startsWith("*.")) return p.equals(h);
            int dot = h.indexOf('.');
            return dot > 0 && p.substring(1).equals(h.substring(dot)) && p.indexOf('.', 2) > 0;
        }

        private static String trimDot(String s) {
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }

        private static boolean isAddress(String s) {
            return s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        }

        /** The bytes of an address literal, without any name lookup; null when it is none. */
        private static byte[] addressBytes(String literal) {
            if (!isAddress(literal)) return null;
            try {
                // A literal is parsed, never looked up.
                return InetAddress.getByName(literal).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {ca};
        }
    }
}
