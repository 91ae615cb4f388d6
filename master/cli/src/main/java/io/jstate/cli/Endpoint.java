package io.jstate.cli;

import io.jstate.common.config.ConfigException;
import io.jstate.common.config.MasterConfig;
import io.jstate.common.net.HostPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the master's admin API is and which pki folder holds the admin identity. Each comes from
 * its option, else its environment variable, else the master's config file, else the master's
 * default; the config file is only read when something is still missing, since parsing it costs
 * start-up time.
 *
 * @param master         the admin API's base URL
 * @param pki            the folder with ca.crt, admin.crt and admin.key
 * @param defaultTimeout the master's default job timeout, used to bound waiting for a job that sets none
 */
record Endpoint(URI master, Path pki, Duration defaultTimeout) {
    static Endpoint resolve(String masterOption, Path pkiOption, Path configOption, Map<String, String> env)
            throws CliException {
        String master = masterOption != null ? masterOption : blankToNull(env.get("JSTATE_MASTER"));
        Path pki = pkiOption != null ? pkiOption : pathOrNull(env.get("JSTATE_PKI"));
        Path file = configOption != null ? configOption : MasterConfig.DEFAULT_FILE;
        boolean read = configOption != null || ((master == null || pki == null) && Files.isRegularFile(file));
        MasterConfig config = read ? load(file) : MasterConfig.defaults();
        if (pki == null) pki = config.dataDir().resolve("pki");
        if (master == null) master = url(config.admin());
        return new Endpoint(url(master), pki, config.defaultJobTimeout());
    }

    /** The URL to reach an admin listener at: a wildcard address is reached on loopback. */
    static String url(HostPort listen) {
        return "https://" + listen.dialable();
    }

    private static URI url(String s) throws CliException {
        String trimmed = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        try {
            URI uri = new URI(trimmed);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new CliException("the master URL must look like https://HOST:PORT, got '" + s + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException("the master URL '" + s + "' is not a URL: " + e.getMessage());
        }
    }

    /** The master's configuration, read by the master's own loader; the message names the file and the key. */
    static MasterConfig load(Path file) throws CliException {
        try {
            return MasterConfig.load(file);
        } catch (ConfigException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Path pathOrNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.strip());
    }
}
