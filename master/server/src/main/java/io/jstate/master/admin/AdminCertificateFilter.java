package io.jstate.master.admin;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.core.Response;
import javax.net.ssl.SSLSession;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets through only the admin certificate the master wrote. TLS on this port trusts the master's CA
 * (a client offers its certificate only to a server that names its issuer), which also issues minion
 * certificates; this byte-for-byte comparison is what keeps those out.
 */
public class AdminCertificateFilter {
    /** Asked per request: the certificate exists only once the master has started. */
    @Inject
    Provider<AdminCertificate> admin;

    @ServerRequestFilter(preMatching = true)
    public Response check(HttpServerRequest request) {
        SSLSession ssl = request.sslSession();
        if (ssl == null) return AdminErrors.error(403, "the admin API needs TLS with the admin client certificate");
        if (admin.get().presentedIn(ssl)) return null;
        return AdminErrors.error(403, "only the master's admin certificate may use the admin API");
    }
}
