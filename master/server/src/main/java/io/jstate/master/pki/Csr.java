package io.jstate.master.pki;

import io.jstate.proto.Fingerprints;
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
        try {
            key = req.getPublicKey();
            if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new IllegalArgumentException("the CSR's signature does not verify");
            }
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("the CSR's signature cannot be checked: " + e.getMessage());
        }
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("the CSR's key must be ECDSA P-256");
        }
        RDN[] cns = req.getSubject().getRDNs(BCStyle.CN);
        if (cns.length != 1) throw new IllegalArgumentException("the CSR's subject must have exactly one CN");
        String cn = IETFUtils.valueToString(cns[0].getFirst().getValue());
        if (!cn.equals(minionId)) throw new IllegalArgumentException("the CSR's CN '" + cn + "' is not the minion id '" + minionId + "'");
        return new Csr(minionId, key, Fingerprints.sha256(key.getEncoded()));
    }
}
