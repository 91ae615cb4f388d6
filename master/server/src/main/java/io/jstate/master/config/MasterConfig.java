package io.jstate.master.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The master's configuration file ({@code /etc/jstate/master.yaml}). Relative paths are resolved
 * against the folder of the file, so a configuration and its trees can move together.
 *
 * @param file               the file this was read from (null when built in code)
 * @param dataDir            PKI, keys and the job store
 * @param gateway            where minions connect
 * @param admin              where the CLI connects (loopback by default)
 * @param tlsNames           extra names and addresses for the server certificate
 * @param states             the state tree
 * @param pillar             the pillar tree, or null for none
 * @param nodegroups         named targets
 * @param enrollmentToken    the pre-shared token that accepts a key at once; empty for none
 * @param enrollPerMinute    Enroll calls allowed per remote address and minute
 * @param retention          how long finished jobs are kept
 * @param defaultJobTimeout  how long a job waits for each minion when the request names no timeout
 * @param lostAfter          how long a minion running a job may be disconnected before the job reports it lost
 * @param web                the read-only web dashboard
 */
public record MasterConfig(Path file, Path dataDir, Listen gateway, Listen admin, List<String> tlsNames, Path states,
                           Path pillar, Map<String, String> nodegroups, String enrollmentToken, int enrollPerMinute,
                           Duration retention, Duration defaultJobTimeout, Web web, Duration lostAfter) {

    public static final Path DEFAULT_FILE = Path.of("/etc/jstate/master.yaml");
    static final Set<String> KEYS = Set.of("data_dir", "gateway", "admin", "tls_names", "states", "pillar", "nodegroups",
            "enrollment", "jobs", "web");
    static final Set<String> WEB_KEYS = Set.of("listen", "users_file", "metrics_token_file", "session_idle_minutes",
            "session_lifetime_hours");

    public MasterConfig {
        tlsNames = List.copyOf(tlsNames);
        nodegroups = Map.copyOf(nodegroups);
        enrollmentToken = enrollmentToken == null ? "" : enrollmentToken;
        if (enrollPerMinute <= 0) throw new IllegalArgumentException("enrollment.rate_per_minute must be positive");
    }

    /**
     * The web dashboard's listener (loopback by default: operators reach it through an SSH tunnel
     * unless they choose an address), its users file (written by {@code jstate web passwd}), the
     * file holding the bearer token that may scrape /metrics (none: only the admin certificate may),
     * and how long a login lasts idle and at most.
     */
    public record Web(Listen listen, Path usersFile, Path metricsTokenFile, Duration sessionIdle, Duration sessionLifetime) {}

    /** A host and port to listen on. */
    public record Listen(String host, int port) {
        static Listen parse(String where, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) throw new ConfigException(where + ": expected HOST:PORT, got '" + text + "'");
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 0 || port > 65535) throw new NumberFormatException();
                return new Listen(host, port);
            } catch (NumberFormatException e) {
                throw new ConfigException(where + ": bad port in '" + text + "'");
            }
        }

        /** Whether this listens on every address, in which case no single address names the server. */
        public boolean wildcard() {
            return host.equals("0.0.0.0") || host.equals("::") || host.isEmpty();
        }
    }

    /** A configuration file that cannot be used; the message names the file and the key. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    public static MasterConfig load(Path file) {
        Object doc;
        try (Reader r = Files.newBufferedReader(file)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
        }
        if (doc == null) doc = Map.of();
        if (!(doc instanceof Map<?, ?> top)) throw new ConfigException(file + ": expected a mapping at the top");
        return from(file, top);
    }

    static MasterConfig from(Path file, Map<?, ?> top) {
        String name = String.valueOf(file);
        for (Object k : top.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                throw new ConfigException(name + ": unknown key '" + k + "'; known: " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        Path base = file == null ? Path.of("").toAbsolutePath() : file.toAbsolutePath().getParent();
        Path dataDir = path(base, string(top, "data_dir", "/var/lib/jstate/master"));
        Listen gateway = Listen.parse(name + ": gateway.listen", string(map(name, top, "gateway"), "listen", "0.0.0.0:4506"));
        Listen admin = Listen.parse(name + ": admin.listen", string(map(name, top, "admin"), "listen", "127.0.0.1:4507"));
        List<String> tlsNames = new ArrayList<>();
        Object names = top.get("tls_names");
        if (names instanceof List<?> l) for (Object o : l) tlsNames.add(String.valueOf(o));
        else if (names != null) throw new ConfigException(name + ": tls_names must be a list");
        Path states = path(base, string(top, "states", "/srv/jstate/states"));
        String pillarText = string(top, "pillar", null);
        Path pillar = pillarText == null ? null : path(base, pillarText);
        Map<String, String> nodegroups = new LinkedHashMap<>();
        map(name, top, "nodegroups").forEach((k, v) -> nodegroups.put(String.valueOf(k), String.valueOf(v)));
        Map<?, ?> enrollment = map(name, top, "enrollment");
        String token = string(enrollment, "token", "");
        int perMinute = integer(name + ": enrollment.rate_per_minute", enrollment.get("rate_per_minute"), 60);
        Map<?, ?> jobs = map(name, top, "jobs");
        int retentionDays = integer(name + ": jobs.retention_days", jobs.get("retention_days"), 7);
        int timeout = integer(name + ": jobs.default_timeout_seconds", jobs.get("default_timeout_seconds"), 600);
        int lostAfter = integer(name + ": jobs.lost_after_seconds", jobs.get("lost_after_seconds"), 5);
        if (lostAfter <= 0) throw new ConfigException(name + ": jobs.lost_after_seconds must be at least 1, got " + lostAfter);
        return new MasterConfig(file, dataDir, gateway, admin, tlsNames, states, pillar, nodegroups, token, perMinute,
                Duration.ofDays(retentionDays), Duration.ofSeconds(timeout), web(name, base, map(name, top, "web")), Duration.ofSeconds(lostAfter));
    }

    private static Web web(String name, Path base, Map<?, ?> web) {
        for (Object k : web.keySet()) {
            if (!WEB_KEYS.contains(String.valueOf(k))) {
                throw new ConfigException(name + ": unknown key 'web." + k + "'; known: " + String.join(", ", WEB_KEYS.stream().sorted().toList()));
            }
        }
        Listen listen = Listen.parse(name + ": web.listen", string(web, "listen", "127.0.0.1:4508"));
        Path users = path(base, string(web, "users_file", "web-users"));
        String token = string(web, "metrics_token_file", null);
        int idle = integer(name + ": web.session_idle_minutes", web.get("session_idle_minutes"), 30);
        int lifetime = integer(name + ": web.session_lifetime_hours", web.get("session_lifetime_hours"), 12);
        if (idle <= 0 || lifetime <= 0) throw new ConfigException(name + ": web.session_idle_minutes and web.session_lifetime_hours must be positive");
        return new Web(listen, users, token == null ? null : path(base, token), Duration.ofMinutes(idle), Duration.ofHours(lifetime));
    }

    private static Path path(Path base, String p) {
        return base.resolve(p).normalize();
    }

    private static String string(Map<?, ?> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : String.valueOf(v);
    }

    private static int integer(String where, Object v, int dflt) {
        if (v == null) return dflt;
        if (v instanceof Number n) return n.intValue();
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": expected a number, got '" + v + "'");
        }
    }

    private static Map<?, ?> map(String file, Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return Map.of();
        if (v instanceof Map<?, ?> r) return r;
        throw new ConfigException(file + ": " + key + " must be a mapping");
    }
}
