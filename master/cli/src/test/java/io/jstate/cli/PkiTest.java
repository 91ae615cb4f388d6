package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {
    @TempDir
    Path tmp;

    @Test
    void readsAnEcKeyInSec1AndInPkcs8Form() throws Exception {
        TestPki pki = new TestPki("jstate master CA");
        TestPki.Identity admin = pki.client("admin");
        Path sec1 = pki.write(tmp.resolve("sec1"), admin, false);
        Path pkcs8 = pki.write(tmp.resolve("pkcs8"), admin, true);
        assertTrue(Files.readString(sec1.resolve("admin.key")).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(pkcs8.resolve("admin.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        for (Path dir : new Path[] {sec1, pkcs8}) {
            PrivateKey key = Pki.privateKey(dir.resolve("admin.key"));
            // The key read back signs what the certificate's public key verifies.
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(new byte[] {1, 2, 3});
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(admin.cert().getPublicKey());
            v.update(new byte[] {1, 2, 3});
            assertTrue(v.verify(sig), dir.toString());
            assertEquals(admin.cert(), Pki.certificate(dir.resolve("admin.crt")));
        }
    }

    @Test
    void aSec1KeyWithoutCurveParametersIsTakenAsP256() throws Exception {
        // SEC1 body: version 1, a 32-byte private value, no [0] parameters.
        byte[] d = new byte[32];
        java.util.Arrays.fill(d, (byte) 7);
        byte[] sec1 = new byte[2 + 3 + 2 + 32];
        sec1[0] = 0x30;
        sec1[1] = (byte) (3 + 2 + 32);
        sec1[2] = 0x02;
        sec1[3] = 0x01;
        sec1[4] = 0x01;
        sec1[5] = 0x04;
        sec1[6] = 32;
        System.arraycopy(d, 0, sec1, 7, 32);
        Path file = Files.writeString(tmp.resolve("admin.key"), "-----BEGIN EC PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(sec1) + "\n-----END EC PRIVATE KEY-----\n");
        PrivateKey key = Pki.privateKey(file);
        assertEquals("EC", key.getAlgorithm());
        java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) key;
        assertEquals(256, ec.getParams().getCurve().getField().getFieldSize());
        assertEquals(new java.math.BigInteger(1, d), ec.getS());
    }

    @Test
    void garbageAndMissingFilesAreNamed() throws Exception {
        Files.writeString(tmp.resolve("admin.key"), "not a key");
        CliException e = assertThrows(CliException.class, () -> Pki.privateKey(tmp.resolve("admin.key")));
        assertEquals(tmp.resolve("admin.key") + " holds no PEM block 'PRIVATE KEY'", e.getMessage());
        e = assertThrows(CliException.class, () -> Pki.certificate(tmp.resolve("ca.crt")));
        assertTrue(e.getMessage().endsWith("no such file (is --pki or JSTATE_PKI the master's pki folder?)"), e.getMessage());
    }
}
