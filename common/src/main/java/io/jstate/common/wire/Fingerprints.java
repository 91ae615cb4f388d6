package io.jstate.common.wire;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one fingerprint format operators see and pin: SHA-256 of the DER bytes (a certificate, or a
 * public key's SubjectPublicKeyInfo), lower-case hex pairs joined by colons.
 */
public final class Fingerprints {
    private Fingerprints() {}

    public static String sha256(byte[] der) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(der);
            StringBuilder sb = new StringBuilder(d.length * 3);
            for (int i = 0; i < d.length; i++) {
                if (i > 0) sb.append(':');
                sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether two fingerprints are the same, ignoring case and the colons operators may leave out. */
    public static boolean same(String a, String b) {
        return a != null && b != null && a.replace(":", "").equalsIgnoreCase(b.replace(":", ""));
    }
}
