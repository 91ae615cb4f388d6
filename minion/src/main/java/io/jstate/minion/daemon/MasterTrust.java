package io.jstate.minion.daemon;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import io.jstate.common.tls.ServerOnlyTrust;

/**
 * The TLS trust decision for connections to the master, made by {@link MasterPins} and never by
 * the JDK's default trust store. Host names are not checked: only the master holds a server
 * certificate from its own CA, and masters are often reached by an address its certificate
 * does not list.
 */
final class MasterTrust extends ServerOnlyTrust {
    private final MasterPins pins;
    private volatile X509Certificate[] lastChain;

    MasterTrust(MasterPins pins) {
        super("a minion");
        this.pins = pins;
    }

    /** The chain the master presented on the latest handshake, or null when none happened. */
    X509Certificate[] lastChain() {
        return lastChain;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pins.checkServer(chain);
        lastChain = chain.clone();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        X509Certificate ca = pins.ca();
        return ca == null ? new X509Certificate[0] : new X509Certificate[] {ca};
    }
}
