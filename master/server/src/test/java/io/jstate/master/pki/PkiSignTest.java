package io.jstate.master.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiSignTest {
    @TempDir
    Path dir;

    /** Minions verify with the JDK, so the master's signatures must be exactly the JDK's. */
    @Test
    void signaturesAreTheJdksAndVerifyWithTheJdk() throws Exception {
        Pki.create(dir, List.of("localhost"), List.of());
        Pki pki = Pki.load(dir);
        java.security.PrivateKey key = Pem.readPrivateKey(dir.resolve("signing.key"), "Ed25519");
        for (String text : List.of("", "a job", "x".repeat(10_000))) {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            byte[] sig = pki.sign(data);

            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(key);
            jdk.update(data);
            assertArrayEquals(jdk.sign(), sig);

            Signature verify = Signature.getInstance("Ed25519");
            verify.initVerify(pki.signingPublicKey());
            verify.update(data);
            assertTrue(verify.verify(sig));
        }
    }
}
