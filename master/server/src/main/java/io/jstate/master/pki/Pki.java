package io.jstate.master.pki;

import io.jstate.common.wire.Fingerprints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The master's keys and certificates in {@code DATA_DIR/pki}: its own CA, the gateway's and admin
 * API's server certificate, the admin client certificate the CLI uses, and the Ed25519 key that
 * signs jobs. Made once at first start; every private key is readable by its owner only.
 */
public final class Pki {
    public static final String CA_NAME = "jstate master CA";
    public static final String ADMIN_NAME = "jstate admin";
    static final String SERVER_NAME = "jstate master";
    static final Duration CA_LIFETIME = Duration.ofDays(3650 * 2);
    static final Duration LEAF_LIFETIME = Duration.ofDays(3650);

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Every file of a PKI; the master starts only when all are there. */
    static final List<String> FILES = List.of("ca.crt", "ca.key", "server.crt", "server.key", "admin.crt", "admin.key",
            "signing.key", "signing.pub");

    private final Path dir;
    private final X509Certificate ca;
    private final PrivateKey caKey;
    private final PrivateKey signingKey;
    private final PublicKey signingPublic;
    private final byte[] signingSeed;
    private final byte[] signingPublicRaw;
    private final X509Certificate admin;

    private Pki(Path dir) {
        this.dir = dir;
        this.ca = Pem.readCertificate(caCert());
        this.caKey = Pem.readPrivateKey(dir.resolve("ca.key"), "EC");
        this.signingKey = Pem.readPrivateKey(dir.resolve("signing.key"), "Ed25519");
        this.signingPublic = Pem.readPublicKey(dir.resolve("signing.pub"), "Ed25519");
        this.signingSeed = ((EdECPrivateKey) signingKey).getBytes()
                .orElseThrow(() -> new IllegalArgumentException(dir.resolve("signing.key") + ": the Ed25519 key has no private bytes"));
        this.signingPublicRaw = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(signingSeed, 0, signingPublicRaw, 0);
        if (!Arrays.equals(signingPublicRaw, 0, Ed25519.PUBLIC_KEY_SIZE, signingPublic.getEncoded(),
                signingPublic.getEncoded().length - Ed25519.PUBLIC_KEY_SIZE, signingPublic.getEncoded().length)) {
            throw new IllegalArgumentException(dir.resolve("signing.pub") + " is not the public key of " + dir.resolve("signing.key"));
        }
        this.admin = Pem.readCertificate(adminCert());
        // The TLS files are read by the listeners later; a damaged or mismatched one is reported here, by name, instead.
        pair(dir.resolve("ca.key"), caKey, caCert(), ca);
        pair(serverKey(), Pem.readPrivateKey(serverKey(), "EC"), serverCert(), Pem.readCertificate(serverCert()));
        pair(adminKey(), Pem.readPrivateKey(adminKey(), "EC"), adminCert(), admin);
    }

    /** Checks that {@code key} is the private key of {@code cert}, by signing a probe and verifying it. */
    private static void pair(Path keyFile, PrivateKey key, Path certFile, X509Certificate cert) {
        byte[] probe = "jstate key pair probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            if (s.verify(signature)) return;
        } catch (GeneralSecurityException e) {
            // Reported below: a key that cannot sign for the certificate is not its key.
        }
        throw new IllegalArgumentException(keyFile + " is not the private key of " + certFile);
    }

    /**
     * Whether {@code dir} holds no PKI at all: absent, or an empty folder. Only then is a PKI made;
     * a folder with some of the files is a PKI that lost some, and making a new one would lock out
     * every minion that pinned the old CA and signing key.
     */
    public static boolean absent(Path dir) {
        if (!Files.exists(dir)) return true;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new PkiException(dir + ": cannot list the PKI folder: " + e.getMessage());
        }
    }

    /**
     * Loads the PKI of {@code dir}. Every file must be there, non-empty and readable; the message of
     * the exception names the first that is not and says how to restore it.
     */
    public static Pki load(Path dir) {
        for (String f : FILES) {
            Path file = dir.resolve(f);
            String problem;
            try {
                problem = !Files.isRegularFile(file) ? "is missing" : Files.size(file) == 0 ? "is empty" : null;
            } catch (IOException e) {
                problem = "cannot be read: " + e.getMessage();
            }
            if (problem != null) throw new PkiException(file + " " + problem + restore(dir));
        }
        try {
            return new Pki(dir);
        } catch (IllegalArgumentException e) {
            throw new PkiException(e.getMessage() + restore(dir));
        }
    }

    private static String restore(Path dir) {
        return "; restore it from a backup of " + dir + ". The master does not make a new PKI over an existing one: a new CA"
                + " and signing key lock out every minion that pinned the old ones. To start over anyway, move the whole folder"
                + " " + dir + " away and start again, then re-pin and re-enroll every minion.";
    }

    /** A PKI that cannot be used as it is on disk; the message names the file and what to do. */
    public static final class PkiException extends RuntimeException {
        PkiException(String message) {
            super(message);
        }
    }

    /**
     * Makes the whole PKI in {@code target}, which must be absent or empty. The server certificate names
     * {@code dnsNames} and {@code addresses}; the admin key and every other private key are written
     * owner-only. The files are made in a folder beside it that is renamed to it once complete,
     * so a master stopped half-way leaves no PKI rather than part of one (a leftover is made again).
     */
    public static Pki create(Path target, Collection<String> dnsNames, Collection<InetAddress> addresses) {
        Path dir = target.resolveSibling("." + target.getFileName() + ".new");
        try {
            if (!absent(target)) throw new PkiException(target + " is not empty; the master makes a PKI only in an empty folder");
            if (Files.exists(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system; the key files themselves are still written owner-only.
            }
            KeyPair caPair = ecKeyPair();
            X500Name caName = cn(CA_NAME);
            Instant now = Instant.now();
            X509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(CA_LIFETIME)), caName, caPair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            cb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            cb.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caPair.getPublic()));
            X509Certificate ca = sign(cb, caPair.getPrivate());

            KeyPair serverPair = ecKeyPair();
            List<GeneralName> sans = new ArrayList<>();
            for (String n : new LinkedHashSet<>(dnsNames)) sans.add(new GeneralName(GeneralName.dNSName, n));
            for (InetAddress a : new LinkedHashSet<>(addresses)) sans.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress()));
            X509Certificate server = leaf(ca, caPair.getPrivate(), cn(SERVER_NAME), serverPair.getPublic(), KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));

            KeyPair adminPair = ecKeyPair();
            X509Certificate admin = leaf(ca, caPair.getPrivate(), cn(ADMIN_NAME), adminPair.getPublic(), KeyPurposeId.id_kp_clientAuth, null);

            KeyPair signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

            Pem.writePrivateKey(dir.resolve("ca.key"), caPair.getPrivate());
            Pem.writePrivateKey(dir.resolve("server.key"), serverPair.getPrivate());
            Pem.writePrivateKey(dir.resolve("admin.key"), adminPair.getPrivate());
            Pem.writePrivateKey(dir.resolve("signing.key"), signing.getPrivate());
            Pem.writePublicKey(dir.resolve("signing.pub"), signing.getPublic());
            // The chain carries the CA so that a minion pinning the CA's fingerprint can check it in the handshake.
            Pem.writeCertificate(dir.resolve("server.crt"), server, ca);
            Pem.writeCertificate(dir.resolve("admin.crt"), admin);
            Pem.writeCertificate(dir.resolve("ca.crt"), ca);
            Files.deleteIfExists(target);
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
            return new Pki(target);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the master PKI in " + target + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the master PKI in " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issues a new server certificate, from the same CA, when the current one lacks any of these
     * names or addresses (a name added to tls_names after the PKI was made, a new address). The CA,
     * and so every minion's pin, stays the same. Returns what was missing, empty when nothing was.
     */
    public List<String> ensureServerNames(Collection<String> dnsNames, Collection<InetAddress> addresses) {
        try {
            X509Certificate current = Pem.readCertificate(serverCert());
            Set<String> dns = new LinkedHashSet<>();
            Set<InetAddress> ips = new LinkedHashSet<>();
            Collection<List<?>> sans = current.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.get(0) instanceof Integer t && t == GeneralName.dNSName) dns.add(String.valueOf(san.get(1)));
                    else if (san.get(0) instanceof Integer t && t == GeneralName.iPAddress) ips.add(InetAddress.getByName(String.valueOf(san.get(1))));
                }
            }
            List<String> missing = new ArrayList<>();
            for (String n : dnsNames) if (dns.add(n)) missing.add(n);
            for (InetAddress a : addresses) if (ips.add(a)) missing.add(a.getHostAddress());
            if (missing.isEmpty()) return missing;
            List<GeneralName> names = new ArrayList<>();
            for (String n : dns) names.add(new GeneralName(GeneralName.dNSName, n));
            for (InetAddress a : ips) names.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress()));
            KeyPair pair = ecKeyPair();
            X509Certificate server = leaf(ca, caKey, cn(SERVER_NAME), pair.getPublic(), KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            // Each file is replaced atomically (AtomicFiles: temporary file, fsync, rename); the CA's files are only read.
            Pem.writePrivateKey(serverKey(), pair.getPrivate());
            Pem.writeCertificate(serverCert(), server, ca);
            return missing;
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a server certificate in " + dir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot issue a server certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The names and addresses a server certificate should carry for these listen hosts. */
    public static void serverNames(Collection<String> listenHosts, Collection<String> extra, Set<String> dns, Set<InetAddress> ips) {
        dns.add("localhost");
        try {
            ips.add(InetAddress.getByName("127.0.0.1"));
            ips.add(InetAddress.getByName("::1"));
            InetAddress local = InetAddress.getLocalHost();
            dns.add(local.getHostName());
            if (!local.getCanonicalHostName().equals(local.getHostAddress())) dns.add(local.getCanonicalHostName());
        } catch (UnknownHostException e) {
            // A host without a resolvable name is still served by its addresses and the configured names.
        }
        for (String h : listenHosts) {
            if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("::")) {
                ips.addAll(localAddresses());
            } else {
                addName(h, dns, ips);
            }
        }
        for (String n : extra) addName(n, dns, ips);
    }

    private static void addName(String n, Set<String> dns, Set<InetAddress> ips) {
        if (n.matches("[0-9.]+") || n.contains(":")) {
            try {
                ips.add(InetAddress.getByName(n));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address: " + n);
            }
        } else {
            dns.add(n);
        }
    }

    private static List<InetAddress> localAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            var ifs = java.net.NetworkInterface.getNetworkInterfaces();
            while (ifs != null && ifs.hasMoreElements()) {
                var nif = ifs.nextElement();
                var addrs = nif.getInetAddresses();
                while (addrs.hasMoreElements()) {
                    InetAddress a = addrs.nextElement();
                    // Link-local addresses carry a scope that no certificate can name.
                    if (!a.isLinkLocalAddress()) out.add(a);
                }
            }
        } catch (java.net.SocketException e) {
            // Without the interface list the certificate still names loopback and the configured names.
        }
        return out;
    }

    /** Issues a minion's client certificate: subject CN = the minion id, client-auth only. */
    public X509Certificate issueMinion(String minionId, PublicKey key) {
        try {
            return leaf(ca, caKey, cn(minionId), key, KeyPurposeId.id_kp_clientAuth, null);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + minionId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ed25519 over exactly these bytes. Bouncy Castle's implementation signs a job for a thousand
     * minions in a tenth of the time JDK 17's takes (about 0.1 ms against 1.2 ms each, which made
     * signing most of a fan-out's cost); Ed25519 is deterministic, so the signature is the very one
     * the JDK would make, and minions verify it with the JDK.
     */
    public byte[] sign(byte[] data) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(signingSeed, 0, signingPublicRaw, 0, data, 0, data.length, sig, 0);
        return sig;
    }

    public X509Certificate ca() {
        return ca;
    }

    public byte[] caDer() {
        return der(ca);
    }

    public String caFingerprint() {
        return Fingerprints.sha256(caDer());
    }

    public PublicKey signingPublicKey() {
        return signingPublic;
    }

    /** The signing key's X.509 SubjectPublicKeyInfo, as minions receive and pin it. */
    public byte[] signingPublicDer() {
        return signingPublic.getEncoded();
    }

    public String signingFingerprint() {
        return Fingerprints.sha256(signingPublicDer());
    }

    public X509Certificate admin() {
        return admin;
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path adminCert() {
        return dir.resolve("admin.crt");
    }

    public Path adminKey() {
        return dir.resolve("admin.key");
    }

    public static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is part of every JDK", e);
        }
    }

    static X500Name cn(String name) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    }

    private static X509Certificate leaf(X509Certificate ca, PrivateKey caKey, X500Name subject, PublicKey key, KeyPurposeId purpose,
                                        GeneralNames sans) throws GeneralSecurityException, CertIOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(LEAF_LIFETIME)), subject, key);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
        if (sans != null) b.addExtension(Extension.subjectAlternativeName, false, sans);
        return sign(b, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
