package io.jstate.minion.daemon;

import io.jstate.common.tls.CaTrust;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The TLS trust decision for connections to the master: the common {@link CaTrust} policy
 * (chain to the master's CA, fit for a TLS server, naming the address dialled) anchored where
 * {@link MasterPins} says, never at the JDK's default trust store. The address dialled is the
 * gRPC channel's authority, the {@code master} entry of minion.yaml; the master's certificate
 * names its listen addresses and {@code tls_names}.
 */
final class MasterTrust extends CaTrust {
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
    protected X509Certificate anchor(X509Certificate[] chain) throws CertificateException {
        return pins.anchor(chain);
    }

    @Override
    protected void trusted(X509Certificate[] chain) {
        lastChain = chain.clone();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        X509Certificate ca = pins.ca();
        return ca == null ? new X509Certificate[0] : new X509Certificate[] {ca};
    }
}
