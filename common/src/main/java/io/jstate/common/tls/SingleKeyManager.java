package io.jstate.common.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager with exactly one identity, offered whatever the server asks for. Handing
 * the TLS stack a key this way costs nothing, where a key store built for the purpose costs a
 * password-based key derivation per connection; the CLI and the simulated minions use it.
 */
public final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "jstate";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    /** @param chain the certificate first, then any issuers to send with it */
    public SingleKeyManager(PrivateKey key, X509Certificate... chain) {
        if (chain.length == 0) throw new IllegalArgumentException("a certificate is needed");
        this.key = key;
        this.chain = chain.clone();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return key;
    }
}
