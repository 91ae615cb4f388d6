package io.jstate.master.pki;

import io.jstate.common.wire.Fingerprints;
import io.jstate.common.wire.MinionIds;
import java.io.IOException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** A minion's certificate request, checked: well formed, self-signed, CN = its minion id, a P-256 key. */
public record Csr(String minionId, PublicKey publicKey, String fingerprint) {

    /** Parses and checks a PKCS#10 request; the message of the exception says what is wrong. */
    public static Csr check(byte[] der, String minionId) {
        JcaPKCS10CertificationRequest req;
        try {
            req = new JcaPKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the CSR is not a PKCS#10 request");
        }
        PublicKey key;
        boolean verified;
        try {
            key = req.getPublicKey();
            verified = req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException | RuntimeException e) {
            // Bouncy Castle reports some malformed keys and signatures as runtime exceptions; all are the sender's fault.
            throw new IllegalArgumentException("the CSR's signature cannot be checked: " + e.getMessage());
        }
        if (!verified) throw new IllegalArgumentException("the CSR's signature does not verify");
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("the CSR's key must be ECDSA P-256");
        }
        String cn;
        try {
            RDN[] cns = req.getSubject().getRDNs(BCStyle.CN);
            cn = cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the CSR's subject cannot be read: " + e.getMessage());
        }
        if (cn == null) throw new IllegalArgumentException("the CSR's subject must have exactly one CN");
        if (!cn.equals(minionId)) throw new IllegalArgumentException("the CSR's CN '" + MinionIds.shown(cn) + "' is not the minion id '" + minionId + "'");
        return new Csr(minionId, key, Fingerprints.sha256(key.getEncoded()));
    }
}
