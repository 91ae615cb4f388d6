package io.jstate.common.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager for a TLS client that talks only to the master: it decides on the master's
 * certificate chain in {@link #checkServerTrusted(X509Certificate[], String)} and refuses every
 * client. Being an {@link X509ExtendedTrustManager}, the JDK adds no checks of its own (no default
 * trust store, no host-name rule): the subclass's decision is the whole decision.
 */
public abstract class ServerOnlyTrust extends X509ExtendedTrustManager {
    private final String who;

    /** @param who what this side is, for the refusal of clients ("the CLI", "a minion") */
    protected ServerOnlyTrust(String who) {
        this.who = who;
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException(who + " accepts no connections");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }
}
