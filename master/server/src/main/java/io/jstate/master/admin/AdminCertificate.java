package io.jstate.master.admin;

import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The admin certificate the master wrote, and the one check both the admin API and the web
 * dashboard make with it: whether a TLS peer presented exactly this certificate. A session
 * without a client certificate, or with any other one (a minion's, from the same CA), is not the
 * admin.
 */
public final class AdminCertificate {
    private final byte[] encoded;

    public AdminCertificate(X509Certificate certificate) {
        try {
            this.encoded = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the admin certificate cannot be encoded", e);
        }
    }

    /** Whether the peer of {@code ssl} presented exactly this certificate; false for no session. */
    public boolean presentedIn(SSLSession ssl) {
        if (ssl == null) return false;
        try {
            Certificate[] chain = ssl.getPeerCertificates();
            return chain.length > 0 && MessageDigest.isEqual(chain[0].getEncoded(), encoded);
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
            return false;
        }
    }
}
