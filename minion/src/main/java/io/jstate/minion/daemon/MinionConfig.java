package io.jstate.minion.daemon;

import io.jstate.common.wire.MinionIds;
import io.jstate.common.config.ConfigFile;
import io.jstate.common.config.ConfigKeys;
import io.jstate.common.net.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The minion's configuration ({@code /etc/jstate/minion.yaml}).
 *
 * @param id                 this minion's id (default: the hostname)
 * @param masters            "host:port" of each master, tried in turn
 * @param caFingerprint      the pinned master CA fingerprint, or null for trust on first use
 * @param signingFingerprint the pinned job-signing key fingerprint, or null for trust on first use
 * @param enrollmentToken    the pre-shared token that lets the master accept this minion at once, or null
 * @param dataDir            keys, certificates, spooled results and seen nonces
 * @param grains             the operator's grains, which win over collected ones
 * @param bindAddress        the local address outgoing connections use, or null for the system's choice
 */
public record MinionConfig(String id, List<String> masters, String caFingerprint, String signingFingerprint,
                           String enrollmentToken, Path dataDir, Map<String, Object> grains, String bindAddress) {

    public static final Path DEFAULT_FILE = Path.of("/etc/jstate/minion.yaml");
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/jstate/minion");
    public static final int DEFAULT_PORT = 4506;

    /** Every key minion.yaml may hold; any other is refused at start. */
    private static final ConfigKeys KEYS = ConfigKeys.of("id", "master", "master_ca_fingerprint", "master_signing_fingerprint",
            "enrollment_token", "data_dir", "grains.*", "bind_address");

    public MinionConfig {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("id must not be empty");
        MinionIds.check(id);
        masters = List.copyOf(masters);
        if (masters.isEmpty()) throw new IllegalArgumentException("master is required: the address of at least one master, e.g. 'master: [\"salt.example:4506\"]'");
        grains = grains == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grains));
    }

    /** Reads the configuration file; relative paths in it resolve against the file's folder. */
    public static MinionConfig load(Path file) {
        Map<?, ?> map = ConfigFile.read(file, KEYS);
        try {
            return parse(map, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    static MinionConfig parse(Map<?, ?> map, Path base) {
        String id = string(map, "id");
        if (id == null) id = hostname();
        List<String> masters = new ArrayList<>();
        Object m = map.get("master");
        if (m instanceof List<?> list) {
            for (Object o : list) masters.add(address(String.valueOf(o)));
        } else if (m != null) {
            masters.add(address(String.valueOf(m)));
        }
        String dir = string(map, "data_dir");
        Path dataDir = dir == null ? DEFAULT_DATA_DIR : ConfigFile.path(base, dir);
        Object g = map.get("grains");
        Map<String, Object> grains = new LinkedHashMap<>();
        if (g instanceof Map<?, ?> gm) {
            gm.forEach((k, v) -> grains.put(String.valueOf(k), v));
        } else if (g != null) {
            throw new IllegalArgumentException("grains must be a mapping, e.g. 'grains: {roles: [controller]}'");
        }
        return new MinionConfig(id, masters, string(map, "master_ca_fingerprint"), string(map, "master_signing_fingerprint"),
                string(map, "enrollment_token"), dataDir, grains, string(map, "bind_address"));
    }

    /** "host" becomes "host:4506"; an IPv6 literal needs brackets when it carries a port. */
    static String address(String s) {
        return HostPort.parse("master", s, DEFAULT_PORT).toString();
    }

    /** A single value, stripped; null when absent or blank. */
    private static String string(Map<?, ?> map, String key) {
        String s = ConfigFile.string("", map, key, "").strip();
        return s.isEmpty() ? null : s;
    }

    private static String hostname() {
        try {
            String h = Files.readString(Path.of("/etc/hostname")).strip();
            if (!h.isEmpty()) return h;
        } catch (IOException e) {
            // Fall back to the resolver's idea of the name below.
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot tell this machine's hostname; set 'id' in the configuration");
        }
    }
}
