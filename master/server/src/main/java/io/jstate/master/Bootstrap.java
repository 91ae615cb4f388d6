package io.jstate.master;

import io.jstate.common.config.MasterConfig;
import io.jstate.master.pki.Pki;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What happens before Quarkus starts: the configuration is read, the data dir made and, on first
 * start, the PKI; then the Quarkus properties that point the admin API at those files are derived.
 * The main class and the tests share it, so a test boots the master exactly as production does.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** Prepares the data dir of {@code configFile} and returns the properties Quarkus runs with. */
    public static Map<String, String> prepare(Path configFile, PrintStream out) {
        MasterConfig config = MasterConfig.load(configFile);
        return quarkusProperties(configFile, config, dataDirAndPki(config, out, true));
    }

    /**
     * {@code jstate-master --init}: makes the data dir and the PKI as the first start would, prints the
     * fingerprints minions pin, and starts nothing. A package's postinst runs it, so the keys exist
     * (with their owner) before the service first starts; on a master that has its PKI it changes
     * nothing in it and only prints the fingerprints again.
     */
    public static Pki init(Path configFile, PrintStream out) {
        MasterConfig config = MasterConfig.load(configFile);
        Pki pki = dataDirAndPki(config, out, false);
        out.println("jstate master: PKI in " + config.dataDir().resolve("pki"));
        out.println("  CA fingerprint:          " + pki.caFingerprint());
        out.println("  signing key fingerprint: " + pki.signingFingerprint());
        return pki;
    }

    /**
     * Makes the data dir and, when the PKI folder is absent or empty, the PKI; otherwise loads it, and
     * refuses (naming the file) when any file of it is missing or damaged. With {@code followNames} a
     * server certificate that lacks a configured name is issued again under the same CA.
     */
    private static Pki dataDirAndPki(MasterConfig config, PrintStream out, boolean followNames) {
        Path data = config.dataDir();
        Path pkiDir = data.resolve("pki");
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data dir " + data + ": " + e.getMessage(), e);
        }
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        Pki.serverNames(List.of(config.gateway().host(), config.admin().host(), config.web().listen().host()), config.tlsNames(), dns, ips);
        if (Pki.absent(pkiDir)) {
            Pki pki = Pki.create(pkiDir, dns, ips);
            out.println("jstate master: created the PKI in " + pkiDir);
            out.println("  CA fingerprint:          " + pki.caFingerprint());
            out.println("  signing key fingerprint: " + pki.signingFingerprint());
            out.println("  pin them on minions as master_ca_fingerprint and master_signing_fingerprint");
            out.println("  admin client certificate: " + pki.adminCert() + " and " + pki.adminKey() + " (root only)");
            return pki;
        }
        Pki pki = Pki.load(pkiDir);
        if (followNames) {
            // A package makes the PKI at install, before the operator sets tls_names: the server
            // certificate follows the configuration, under the same CA.
            List<String> added = pki.ensureServerNames(dns, ips);
            if (!added.isEmpty()) {
                out.println("jstate master: issued a new server certificate (same CA) that also names " + String.join(", ", added));
            }
        }
        return pki;
    }

    static Map<String, String> quarkusProperties(Path configFile, MasterConfig config, Pki pki) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("jstate.config", configFile.toAbsolutePath().toString());
        p.put("quarkus.tls.admin.key-store.pem.0.cert", pki.serverCert().toString());
        p.put("quarkus.tls.admin.key-store.pem.0.key", pki.serverKey().toString());
        // The CA is what TLS trusts here, so that clients see it among the acceptable issuers and offer
        // their certificate; AdminCertificateFilter then lets through only the admin certificate itself
        // (minion certificates come from the same CA and must not open the admin API).
        p.put("quarkus.tls.admin.trust-store.pem.certs", pki.caCert().toString());
        p.put("quarkus.http.tls-configuration-name", "admin");
        p.put("quarkus.http.host", config.admin().host());
        p.put("quarkus.http.ssl-port", String.valueOf(config.admin().port()));
        p.put("quarkus.http.test-ssl-port", String.valueOf(config.admin().port()));
        p.put("quarkus.http.insecure-requests", "disabled");
        return p;
    }
}
