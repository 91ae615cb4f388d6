package io.jstate.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes of the web dashboard's users, {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} with the
 * salt and hash in base64: the CLI writes them ({@code jstate web passwd}) and the master checks
 * them, so the one definition lives here. PBKDF2 with HMAC-SHA256 is in every JDK, and 210000
 * iterations is what OWASP asks of it today; a hash with fewer is refused rather than trusted.
 */
public final class PasswordHash {
    public static final String SCHEME = "pbkdf2-sha256";
    public static final int ITERATIONS = 210_000;
    /** Beyond this a login would take seconds of CPU: a file asking for more is broken or hostile. */
    static final int MAX_ITERATIONS = 10_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {}

    /** A fresh hash of {@code password} with a random 16-byte salt. */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return format(ITERATIONS, salt, derive(password, salt, ITERATIONS, 32));
    }

    static String format(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder b = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b.encodeToString(salt) + "$" + b.encodeToString(hash);
    }

    /** A parsed hash; {@link #parse} returns null for anything that is not one. */
    record Parsed(int iterations, byte[] salt, byte[] hash) {}

    static Parsed parse(String encoded) {
        if (encoded == null) return null;
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) return null;
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (iterations < ITERATIONS || iterations > MAX_ITERATIONS || salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
            return new Parsed(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Why {@code encoded} cannot be used, or null when it can. */
    public static String problem(String encoded) {
        return parse(encoded) == null
                ? "expected " + SCHEME + "$ITERATIONS$SALT$HASH with at least " + ITERATIONS + " iterations" : null;
    }

    /**
     * Whether {@code password} matches {@code encoded}. The comparison takes the same time whatever
     * bytes differ; a malformed hash matches nothing.
     */
    public static boolean verify(char[] password, String encoded) {
        Parsed p = parse(encoded);
        if (p == null) return false;
        return MessageDigest.isEqual(derive(password, p.salt(), p.iterations(), p.hash().length), p.hash());
    }

    /**
     * Spends the time one verification takes without a hash to check: a login for a user that does
     * not exist then costs what one for a real user costs, so timing does not tell which names exist.
     */
    public static void burn(char[] password) {
        derive(password, "jstate-no-such-user".getBytes(StandardCharsets.US_ASCII), ITERATIONS, 32);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
