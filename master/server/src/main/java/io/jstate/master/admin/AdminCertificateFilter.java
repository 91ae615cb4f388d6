package io.jstate.master.admin;

import io.jstate.master.MasterBean;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets through only the admin certificate the master wrote. TLS on this port trusts the master's CA
 * (a client offers its certificate only to a server that names its issuer), which also issues minion
 * certificates; this byte-for-byte comparison is what keeps those out.
 */
public class AdminCertificateFilter {
    @Inject
    MasterBean bean;

    @ServerRequestFilter(preMatching = true)
    public Response check(HttpServerRequest request) {
        SSLSession ssl = request.sslSession();
        if (ssl == null) return AdminErrors.error(403, "the admin API needs TLS with the admin client certificate");
        if (isAdmin(ssl, bean.master().pki().admin())) return null;
        return AdminErrors.error(403, "only the master's admin certificate may use the admin API");
    }

    /**
     * Whether the TLS peer presented exactly {@code admin} (the admin API and the web dashboard both
     * ask this). A session without a client certificate, or with any other one, is not the admin.
     */
    public static boolean isAdmin(SSLSession ssl, X509Certificate admin) {
        if (ssl == null) return false;
        try {
            Certificate[] chain = ssl.getPeerCertificates();
            return chain.length > 0 && MessageDigest.isEqual(chain[0].getEncoded(), admin.getEncoded());
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
            return false;
        }
    }
}
