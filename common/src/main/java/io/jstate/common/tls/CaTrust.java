package io.jstate.common.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The one rule by which a client of the master (the CLI, a minion) trusts the master's TLS
 * certificate: the chain leads to the master's CA, which is the only trust anchor, every
 * certificate of it is valid now, the first is meant for a TLS server, and it names the host the
 * client dialled. That last check is the JDK's standard endpoint identification (RFC 2818: DNS
 * names with a left-most wildcard, IP addresses), run by a PKIX trust manager whose only anchor is
 * the CA, whenever the connection asks for it, as gRPC's Netty transport does. (The CLI's
 * {@code HttpsURLConnection} runs the same JDK name check itself after the handshake, which spares
 * a short-lived command building a PKIX trust manager.) Every client is refused: neither side
 * accepts connections with this.
 */
public abstract class CaTrust extends X509ExtendedTrustManager {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_USAGE = "2.5.29.37.0";
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private final String who;
    /** The PKIX trust manager of the last anchor, kept since building one reads the anchor into a key store. */
    private volatile Pkix pkix;

    private record Pkix(X509Certificate anchor, X509ExtendedTrustManager manager) {}

    /** @param who what this side is, for the refusal of clients ("the CLI", "a minion") */
    protected CaTrust(String who) {
        this.who = who;
    }

    /** Trusts exactly {@code ca}. */
    public static CaTrust of(String who, X509Certificate ca) {
        return new CaTrust(who) {
            @Override
            protected X509Certificate anchor(X509Certificate[] chain) {
                return ca;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[] {ca};
            }
        };
    }

    /**
     * The CA this chain must lead to; it may refuse the chain (a pin it does not match). The chain
     * is not empty.
     */
    protected abstract X509Certificate anchor(X509Certificate[] chain) throws CertificateException;

    /** Called with every chain that passed, before the handshake goes on. */
    protected void trusted(X509Certificate[] chain) {}

    /** Checks the chain alone, without a connection and so without a host name. */
    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, null);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, socket, null);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, null, engine);
    }

    private void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("the master presented no certificate");
        X509Certificate anchor = anchor(chain);
        verifyChain(chain, anchor);
        if (identifies(socket, engine)) checkName(chain, authType, anchor, socket, engine);
        trusted(chain);
    }

    /**
     * Each certificate of the chain must be valid now and signed by the next, the last by the
     * anchor (or be the anchor itself); the first must be fit for a TLS server, which keeps a
     * client certificate of the same CA from posing as the master.
     */
    public static void verifyChain(X509Certificate[] chain, X509Certificate anchor) throws CertificateException {
        X509Certificate leaf = chain[0];
        List<String> eku = leaf.getExtendedKeyUsage();
        if (eku != null && !eku.contains(SERVER_AUTH) && !eku.contains(ANY_USAGE)) {
            throw new CertificateException("the master's certificate " + leaf.getSubjectX500Principal() + " is not for a TLS server");
        }
        byte[] anchorDer = anchor.getEncoded();
        for (int i = 0; i < chain.length; i++) {
            X509Certificate c = chain[i];
            if (Arrays.equals(c.getEncoded(), anchorDer)) return;
            c.checkValidity();
            X509Certificate issuer = i + 1 < chain.length ? chain[i + 1] : anchor;
            // Only a CA may sign: a minion's or the admin's certificate, issued by the same CA,
            // must not vouch for a certificate it signed itself.
            if (i + 1 < chain.length && !Arrays.equals(issuer.getEncoded(), anchorDer) && !mayIssue(issuer)) {
                throw new CertificateException("the master's certificate " + c.getSubjectX500Principal() + " is signed by "
                        + issuer.getSubjectX500Principal() + ", which is not a certificate authority");
            }
            try {
                c.verify(issuer.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new CertificateException("the master's certificate " + c.getSubjectX500Principal()
                        + " is not issued by the trusted master CA (" + anchor.getSubjectX500Principal() + ")", e);
            }
        }
        anchor.checkValidity();
    }

    /** Whether a certificate may sign others: a CA (basic constraints) allowed to sign certificates (key usage). */
    private static boolean mayIssue(X509Certificate c) {
        boolean[] usage = c.getKeyUsage();
        return c.getBasicConstraints() >= 0 && (usage == null || (usage.length > 5 && usage[5]));
    }

    /**
     * Whether the connection asks for the name check (endpoint identification), as gRPC's Netty
     * transport and the JDK's HTTPS clients with their default host-name verifier do. The JDK's
     * PKIX trust manager reads the same setting.
     */
    private static boolean identifies(Socket socket, SSLEngine engine) {
        String algorithm = engine != null ? engine.getSSLParameters().getEndpointIdentificationAlgorithm()
                : socket instanceof SSLSocket s ? s.getSSLParameters().getEndpointIdentificationAlgorithm() : null;
        return algorithm != null && !algorithm.isEmpty();
    }

    /**
     * The JDK's own check of the name the connection dialled, by a PKIX trust manager anchored at
     * {@code anchor} alone; it runs when the connection asks for endpoint identification.
     */
    private void checkName(X509Certificate[] chain, String authType, X509Certificate anchor, Socket socket, SSLEngine engine)
            throws CertificateException {
        X509ExtendedTrustManager jdk = pkix(anchor);
        try {
            if (engine != null) jdk.checkServerTrusted(chain, authType, engine);
            else jdk.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            // The chain passed above, so when PKIX alone accepts it too, the name is what failed.
            try {
                jdk.checkServerTrusted(chain, authType);
            } catch (CertificateException other) {
                throw new CertificateException("the master's certificate is not trusted: " + other.getMessage(), other);
            }
            String host = engine != null ? engine.getPeerHost()
                    : socket instanceof SSLSocket s && s.getHandshakeSession() != null ? s.getHandshakeSession().getPeerHost() : null;
            throw new CertificateException(mismatch(host, chain[0]), e);
        }
    }

    /** The refusal of a certificate that does not name {@code host}: the name, what it names, and the fix. */
    public static String mismatch(String host, X509Certificate leaf) {
        List<String> names = names(leaf);
        return "the master's certificate does not name " + (host == null ? "the address dialled" : "'" + host + "'")
                + " (it names " + (names.isEmpty() ? "nothing" : String.join(", ", names))
                + "); dial one of those, or add the name to tls_names in the master's master.yaml and restart the master";
    }

    /** The DNS names and IP addresses among a certificate's subject alternative names. */
    public static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return out;
        }
        if (sans == null) return out;
        for (List<?> n : sans) {
            if (n.size() >= 2 && n.get(0) instanceof Integer type && (type == DNS_NAME || type == IP_ADDRESS)) {
                out.add(String.valueOf(n.get(1)));
            }
        }
        return out;
    }

    private X509ExtendedTrustManager pkix(X509Certificate anchor) throws CertificateException {
        Pkix p = pkix;
        if (p != null && p.anchor().equals(anchor)) return p.manager();
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("master-ca", anchor);
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(store);
            for (TrustManager m : f.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    pkix = new Pkix(anchor, x);
                    return x;
                }
            }
            throw new CertificateException("the JDK offers no PKIX trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new CertificateException("cannot set up trust in the master's CA: " + e.getMessage(), e);
        }
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

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
