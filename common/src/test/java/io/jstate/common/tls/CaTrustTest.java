package io.jstate.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.Test;

/**
 * The trust policy, with the name check exercised by real TLS handshakes on loopback: the client's
 * socket is made for a host name (as a connection to that name is, and as it is sent in SNI), so
 * names need no DNS and nothing leaves the machine.
 */
class CaTrustTest {
    private record Identity(KeyPair keys, X509Certificate cert) {}

    private final Identity ca = ca("jstate master CA");

    @Test
    void aServerCertificateOfTheCaForTheDialledNameIsTrusted() throws Exception {
        handshake(server(ca, dns("master.example.test"), ip("10.1.2.3")), "master.example.test");
        handshake(server(ca, dns("master.example.test"), ip("10.1.2.3")), "10.1.2.3");
    }

    @Test
    void aCertificateThatDoesNotNameTheDialledHostIsRefusedNamingBoth() throws Exception {
        Identity server = server(ca, dns("master.example.test"), ip("10.1.2.3"));
        CertificateException e = refused(server, "10.1.2.4");
        assertEquals("the master's certificate does not name '10.1.2.4' (it names master.example.test, 10.1.2.3); dial one"
                + " of those, or add the name to tls_names in the master's master.yaml and restart the master", e.getMessage());
        assertTrue(refused(server, "other.example.test").getMessage().contains("does not name 'other.example.test'"));
    }

    @Test
    void aWildcardNamesExactlyOneLeftMostLabel() throws Exception {
        Identity server = server(ca, dns("*.example.test"));
        handshake(server, "a.example.test");
        handshake(server, "B.Example.Test");
        refused(server, "a.b.example.test");
        refused(server, "example.test");
        refused(server, "a.example.org");
    }

    @Test
    void onlyServerCertificatesIssuedByTheCaAreTrusted() throws Exception {
        CaTrust trust = CaTrust.of("the CLI", ca.cert());
        Identity other = ca("jstate master CA");
        CertificateException e = assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {server(other, ip("127.0.0.1")).cert()}, "ECDHE_ECDSA"));
        assertTrue(e.getMessage().endsWith("is not issued by the trusted master CA (CN=jstate master CA)"), e.getMessage());
        e = assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {client(ca).cert()}, "ECDHE_ECDSA"));
        assertEquals("the master's certificate CN=admin is not for a TLS server", e.getMessage());
        e = assertThrows(CertificateException.class, () -> trust.checkClientTrusted(new X509Certificate[] {client(ca).cert()}, "EC"));
        assertEquals("the CLI accepts no connections", e.getMessage());
        trust.checkServerTrusted(new X509Certificate[] {server(ca, ip("127.0.0.1")).cert(), ca.cert()}, "ECDHE_ECDSA");
    }

    @Test
    void aCertificateSignedByAnotherLeafOfTheCaIsRefused() throws Exception {
        // A minion (or the admin) holds a certificate of the CA and its key: signing a server
        // certificate with that key must not make a master.
        Identity minion = client(ca);
        Identity forged = server(minion, ip("127.0.0.1"));
        CaTrust trust = CaTrust.of("the CLI", ca.cert());
        CertificateException e = assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {forged.cert(), minion.cert()}, "ECDHE_ECDSA"));
        assertEquals("the master's certificate CN=jstate master is signed by CN=admin, which is not a certificate authority", e.getMessage());
        // An intermediate that is a CA, issued by the master's CA, may sign.
        Identity intermediate = intermediate(ca);
        trust.checkServerTrusted(new X509Certificate[] {server(intermediate, ip("127.0.0.1")).cert(), intermediate.cert()}, "ECDHE_ECDSA");
    }

    private static Identity intermediate(Identity ca) throws Exception {
        KeyPair keys = TestCertificates.ecKeys();
        X509v3CertificateBuilder b = TestCertificates.builder(TestCertificates.name(ca.cert()), new X500Name("CN=intermediate"), keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        return new Identity(keys, TestCertificates.sign(b, ca.keys()));
    }

    /**
     * Runs a TLS handshake with a server on loopback, the client's socket made for {@code host} as
     * a connection to that name is; throws what the client's trust said.
     */
    private void handshake(Identity server, String host) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", server.keys().getPrivate(), new char[0], new X509Certificate[] {server.cert(), ca.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, new TrustManager[] {CaTrust.of("the CLI", ca.cert())}, null);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread accept = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                } catch (IOException ignored) {
                    // The client's verdict is what the test reads.
                }
            });
            accept.start();
            try (Socket raw = new Socket(InetAddress.getByName("127.0.0.1"), listener.getLocalPort());
                 SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket(raw, host, listener.getLocalPort(), true)) {
                client.setSoTimeout(5000);
                SSLParameters p = client.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(p);
                client.startHandshake();
            } finally {
                accept.join(10_000);
            }
        }
    }

    private CertificateException refused(Identity server, String host) {
        SSLException e = assertThrows(SSLException.class, () -> handshake(server, host));
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException c && c.getMessage().startsWith("the master's certificate")) return c;
        }
        throw new AssertionError("not refused for its name", e);
    }

    private static GeneralName dns(String name) {
        return new GeneralName(GeneralName.dNSName, name);
    }

    private static GeneralName ip(String address) {
        return new GeneralName(GeneralName.iPAddress, address);
    }

    private static Identity ca(String name) {
        try {
            KeyPair keys = TestCertificates.ecKeys();
            X509v3CertificateBuilder b = TestCertificates.builder(new X500Name("CN=" + name), new X500Name("CN=" + name), keys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            return new Identity(keys, TestCertificates.sign(b, keys));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Identity server(Identity ca, GeneralName... names) throws Exception {
        KeyPair keys = TestCertificates.ecKeys();
        X509v3CertificateBuilder b = TestCertificates.builder(TestCertificates.name(ca.cert()), new X500Name("CN=jstate master"), keys);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new Identity(keys, TestCertificates.sign(b, ca.keys()));
    }

    private static Identity client(Identity ca) throws Exception {
        KeyPair keys = TestCertificates.ecKeys();
        X509v3CertificateBuilder b = TestCertificates.builder(TestCertificates.name(ca.cert()), new X500Name("CN=admin"), keys);
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return new Identity(keys, TestCertificates.sign(b, ca.keys()));
    }
}
