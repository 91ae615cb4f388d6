package io.jstate.master.pki;

import io.jstate.common.files.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.function.Function;

/** PEM files as OpenSSL, Netty and Vert.x read them: certificates, PKCS#8 private keys, SPKI public keys. */
public final class Pem {
    private Pem() {}

    public static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    public static byte[] decode(String type, String text) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) throw new IllegalArgumentException("no " + type + " block");
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    public static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    public static X509Certificate readCertificate(Path file) {
        return parse(file, text -> certificate(decode("CERTIFICATE", text)));
    }

    /** A PKCS#8 private key; {@code algorithm} is the JCA key algorithm ("EC", "Ed25519"). */
    public static PrivateKey readPrivateKey(Path file, String algorithm) {
        return parse(file, text -> {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(decode("PRIVATE KEY", text)));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not a PKCS#8 " + algorithm + " key: " + e.getMessage(), e);
            }
        });
    }

    public static PublicKey readPublicKey(Path file, String algorithm) {
        return parse(file, text -> {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(decode("PUBLIC KEY", text)));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not an " + algorithm + " public key: " + e.getMessage(), e);
            }
        });
    }

    /** Reads {@code file} and parses it; any error names the file, as the reader must know which one to fix. */
    private static <T> T parse(Path file, Function<String, T> parser) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalArgumentException(file + ": cannot read: " + why, e);
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes one certificate, or a chain (leaf first) as consecutive PEM blocks. */
    public static void writeCertificate(Path file, X509Certificate... chain) {
        StringBuilder text = new StringBuilder();
        try {
            for (X509Certificate cert : chain) text.append(encode("CERTIFICATE", cert.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        writePublic(file, text.toString());
    }

    public static void writePublicKey(Path file, PublicKey key) {
        writePublic(file, encode("PUBLIC KEY", key.getEncoded()));
    }

    /** Writes a private key readable by its owner only; the file never exists with wider permissions. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        writeSecret(file, encode("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes owner-only bytes atomically: a private temporary file, then a rename. */
    public static void writeSecret(Path file, byte[] bytes) {
        AtomicFiles.write(file, bytes, 0600);
    }

    private static void writePublic(Path file, String text) {
        AtomicFiles.write(file, text.getBytes(StandardCharsets.US_ASCII), 0644);
    }
}
