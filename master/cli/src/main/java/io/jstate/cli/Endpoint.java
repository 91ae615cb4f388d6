package io.jstate.cli;

import io.jstate.common.config.ConfigKeys;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the master's admin API is and which pki folder holds the admin identity. Each comes from
 * its option, else its environment variable, else the master's config file, else the default; the
 * config file is only read when something is still missing, since parsing it costs start-up time.
 *
 * @param master         the admin API's base URL
 * @param pki            the folder with ca.crt, admin.crt and admin.key
 * @param defaultTimeout the master's default job timeout, used to bound waiting for a job that sets none
 */
record Endpoint(URI master, Path pki, Duration defaultTimeout) {
    static final String DEFAULT_MASTER = "https://127.0.0.1:4507";
    static final Path DEFAULT_CONFIG = Path.of("/etc/jstate/master.yaml");
    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/jstate/master");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

    static Endpoint resolve(String masterOption, Path pkiOption, Path configOption, Map<String, String> env)
            throws CliException {
        String master = masterOption != null ? masterOption : blankToNull(env.get("JSTATE_MASTER"));
        Path pki = pkiOption != null ? pkiOption : pathOrNull(env.get("JSTATE_PKI"));
        Duration timeout = DEFAULT_TIMEOUT;
        Path config = configOption != null ? configOption : DEFAULT_CONFIG;
        if (configOption != null || ((master == null || pki == null) && Files.isRegularFile(config))) {
            Map<?, ?> yaml = load(config);
            Path base = config.toAbsolutePath().getParent();
            if (pki == null) {
                Object dataDir = yaml.get("data_dir");
                Path data = dataDir == null ? DEFAULT_DATA_DIR : base.resolve(dataDir.toString());
                pki = data.resolve("pki");
            }
            if (master == null && yaml.get("admin") instanceof Map<?, ?> admin && admin.get("listen") != null) {
                master = fromListen(admin.get("listen").toString());
            }
            if (yaml.get("jobs") instanceof Map<?, ?> jobs && jobs.get("default_timeout_seconds") instanceof Number n) {
                timeout = Duration.ofSeconds(n.longValue());
            }
        }
        if (pki == null) pki = DEFAULT_DATA_DIR.resolve("pki");
        return new Endpoint(url(master != null ? master : DEFAULT_MASTER), pki, timeout);
    }

    /** The URL to reach an admin listener at: a wildcard address is reached on loopback. */
    static String fromListen(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? listen : listen.substring(0, colon);
        String port = colon < 0 ? "4507" : listen.substring(colon + 1);
        if (host.isEmpty() || host.equals("0.0.0.0")) host = "127.0.0.1";
        else if (host.equals("[::]") || host.equals("::")) host = "[::1]";
        return "https://" + host + ":" + port;
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

    /** The master's configuration file as a mapping; the message names the file when it cannot be used. */
    static Map<?, ?> load(Path config) throws CliException {
        try (Reader r = Files.newBufferedReader(config)) {
            Object doc = ConfigKeys.yaml().load(r);
            if (doc == null) return Map.of();
            if (doc instanceof Map<?, ?> m) return m;
            throw new CliException(config + ": the master config must be a mapping");
        } catch (NoSuchFileException e) {
            throw new CliException("cannot read the master config " + config + ": no such file");
        } catch (IOException e) {
            throw new CliException("cannot read the master config " + config + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new CliException("cannot parse the master config " + config + ": " + e.getMessage());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Path pathOrNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.strip());
    }
}
