package io.jstate.common.config;

import io.jstate.common.net.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import static io.jstate.common.config.ConfigFile.integer;
import static io.jstate.common.config.ConfigFile.map;
import static io.jstate.common.config.ConfigFile.path;
import static io.jstate.common.config.ConfigFile.string;
import io.jstate.common.target.RoleNames;
import io.jstate.common.target.Target;
import io.jstate.common.target.TargetException;

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
 * @param roles              roles the master assigns: role name to a target over ids ({@code R@role} matches
 *                           them, as it does roles set on a key with {@code jstate keys roles})
 * @param enrollmentToken    the pre-shared token that accepts a key at once; empty for none
 * @param enrollPerMinute    Enroll calls allowed per remote address and minute
 * @param retention          how long finished jobs are kept
 * @param defaultJobTimeout  how long a job waits for each minion when the request names no timeout
 * @param lostAfter          how long a minion running a job may be disconnected before the job reports it lost
 * @param web                the read-only web dashboard
 */
public record MasterConfig(Path file, Path dataDir, HostPort gateway, HostPort admin, List<String> tlsNames, Path states,
                           Path pillar, Map<String, String> nodegroups, String enrollmentToken, int enrollPerMinute,
                           Duration retention, Duration defaultJobTimeout, Web web, Map<String, String> roles, Duration lostAfter) {

    public static final Path DEFAULT_FILE = Path.of("/etc/jstate/master.yaml");
    /** Every key master.yaml may hold; any other is refused at start. */
    static final ConfigKeys KEYS = ConfigKeys.of("data_dir", "gateway.listen", "admin.listen", "tls_names", "states", "pillar",
            "nodegroups.*", "roles.*", "enrollment.token", "enrollment.rate_per_minute", "jobs.retention_days", "jobs.default_timeout_seconds", "jobs.lost_after_seconds",
            "web.listen", "web.users_file", "web.metrics_token_file", "web.session_idle_minutes", "web.session_lifetime_hours");

    public MasterConfig {
        tlsNames = List.copyOf(tlsNames);
        nodegroups = Map.copyOf(nodegroups);
        roles = Map.copyOf(roles);
        enrollmentToken = enrollmentToken == null ? "" : enrollmentToken;
        if (enrollPerMinute <= 0) throw new IllegalArgumentException("enrollment.rate_per_minute must be positive");
    }

    /**
     * The web dashboard's listener (loopback by default: operators reach it through an SSH tunnel
     * unless they choose an address), its users file (written by {@code jstate web passwd}), the
     * file holding the bearer token that may scrape /metrics (none: only the admin certificate may),
     * and how long a login lasts idle and at most.
     */
    public record Web(HostPort listen, Path usersFile, Path metricsTokenFile, Duration sessionIdle, Duration sessionLifetime) {}

    /** The configuration of a master without a file: every setting at its default. */
    public static MasterConfig defaults() {
        return from(null, Map.of());
    }

    public static MasterConfig load(Path file) {
        return from(file, ConfigFile.read(file, KEYS));
    }

    static MasterConfig from(Path file, Map<?, ?> top) {
        String name = String.valueOf(file);
        Path base = file == null ? Path.of("").toAbsolutePath() : file.toAbsolutePath().getParent();
        Path dataDir = path(base, string(name, top, "data_dir", "/var/lib/jstate/master"));
        HostPort gateway = listen(name, map(name, top, "gateway"), "gateway.listen", "0.0.0.0:4506");
        HostPort admin = listen(name, map(name, top, "admin"), "admin.listen", "127.0.0.1:4507");
        List<String> tlsNames = new ArrayList<>();
        Object names = top.get("tls_names");
        if (names instanceof List<?> l) for (Object o : l) tlsNames.add(String.valueOf(o));
        else if (names != null) throw new ConfigException(name + ": tls_names must be a list");
        Path states = path(base, string(name, top, "states", "/srv/jstate/states"));
        String pillarText = string(name, top, "pillar", null);
        Path pillar = pillarText == null ? null : path(base, pillarText);
        Map<String, String> nodegroups = new LinkedHashMap<>();
        map(name, top, "nodegroups").forEach((k, v) -> nodegroups.put(String.valueOf(k), String.valueOf(v)));
        Map<String, String> roles = new LinkedHashMap<>();
        map(name, top, "roles").forEach((k, v) -> roles.put(String.valueOf(k), roleTarget(name, String.valueOf(k), v, nodegroups)));
        Map<?, ?> enrollment = map(name, top, "enrollment");
        String token = string(name, enrollment, "token", "");
        int perMinute = integer(name + ": enrollment.rate_per_minute", enrollment.get("rate_per_minute"), 60);
        Map<?, ?> jobs = map(name, top, "jobs");
        int retentionDays = integer(name + ": jobs.retention_days", jobs.get("retention_days"), 7);
        int timeout = integer(name + ": jobs.default_timeout_seconds", jobs.get("default_timeout_seconds"), 600);
        int lostAfter = integer(name + ": jobs.lost_after_seconds", jobs.get("lost_after_seconds"), 5);
        if (lostAfter <= 0) throw new ConfigException(name + ": jobs.lost_after_seconds must be at least 1, got " + lostAfter);
        return new MasterConfig(file, dataDir, gateway, admin, tlsNames, states, pillar, nodegroups, token, perMinute,
                Duration.ofDays(retentionDays), Duration.ofSeconds(timeout), web(name, base, map(name, top, "web")), roles,
                Duration.ofSeconds(lostAfter));
    }

    /**
     * A role's target, checked now: a role decides which pillar a minion receives, so it may only
     * read what the master decides (ids, L@, E@, R@ of a key's roles, nodegroups of those).
     */
    private static String roleTarget(String file, String role, Object value, Map<String, String> nodegroups) {
        if (!RoleNames.ROLE.matcher(role).matches()) {
            throw new ConfigException(file + ": roles: bad role name '" + role + "'; " + RoleNames.RULE);
        }
        String expr = value instanceof List<?> l ? "L@" + String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(value);
        try {
            Target.parse(expr).requireMasterDecided(nodegroups);
        } catch (TargetException e) {
            throw new ConfigException(file + ": roles." + role + ": " + e.getMessage());
        }
        return expr;
    }

    private static Web web(String name, Path base, Map<?, ?> web) {
        HostPort listen = listen(name, web, "web.listen", "127.0.0.1:4508");
        Path users = path(base, string(name, web, "users_file", "web-users"));
        String token = string(name, web, "metrics_token_file", null);
        int idle = integer(name + ": web.session_idle_minutes", web.get("session_idle_minutes"), 30);
        int lifetime = integer(name + ": web.session_lifetime_hours", web.get("session_lifetime_hours"), 12);
        if (idle <= 0 || lifetime <= 0) throw new ConfigException(name + ": web.session_idle_minutes and web.session_lifetime_hours must be positive");
        return new Web(listen, users, token == null ? null : path(base, token), Duration.ofMinutes(idle), Duration.ofHours(lifetime));
    }

    private static HostPort listen(String file, Map<?, ?> section, String key, String dflt) {
        try {
            return HostPort.parse(file + ": " + key, ConfigFile.string(file, section, "listen", dflt));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
