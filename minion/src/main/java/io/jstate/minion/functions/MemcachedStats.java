package io.jstate.minion.functions;

import io.jstate.states.host.Host;
import io.jstate.common.net.HostPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code memcached.stats [config=/etc/memcached.conf]}: for each address memcached is configured to
 * listen on ({@code -l}, {@code -p} in Debian's config file), whether it answers the {@code stats}
 * command, its uptime, current connections and version. A host without the config file or the
 * binary answers {@code installed: false}.
 */
final class MemcachedStats implements ExecutionFunction {
    static final Path BINARY = Path.of("/usr/bin/memcached");
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Set<String> NUMBERS = Set.of("uptime", "curr_connections", "total_connections", "curr_items", "get_hits", "get_misses");

    private final Wire wire;

    MemcachedStats(Wire wire) {
        this.wire = wire;
    }

    @Override
    public Output call(FunctionContext context, List<String> args) {
        Path config = KeyValueArgs.path(KeyValueArgs.parse(args, Set.of("config")), "config", "/etc/memcached.conf");
        Host host = context.host();
        Map<String, Object> out = new LinkedHashMap<>();
        if (!host.exists(BINARY) || !host.exists(config)) {
            out.put("installed", false);
            out.put("error", "memcached is not installed (no " + (host.exists(BINARY) ? config : BINARY) + ")");
            return Output.ok(out);
        }
        out.put("installed", true);
        List<Map<String, Object>> instances = new ArrayList<>();
        for (String address : addresses(new String(host.read(config), StandardCharsets.UTF_8))) instances.add(ask(address));
        out.put("instances", instances);
        out.put("running", instances.stream().anyMatch(i -> Boolean.TRUE.equals(i.get("reachable"))));
        return Output.ok(out);
    }

    /** HOST:PORT for each -l address (comma-separated, default every address, asked on loopback) with -p (default 11211). */
    static List<String> addresses(String config) {
        List<String> listen = new ArrayList<>();
        String port = "11211";
        for (String raw : config.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("-l ")) for (String a : line.substring(3).strip().split(",")) if (!a.isBlank()) listen.add(a.strip());
            if (line.startsWith("-p ")) port = line.substring(3).strip();
        }
        if (listen.isEmpty()) listen.add("127.0.0.1");
        List<String> out = new ArrayList<>();
        for (String a : listen) {
            // The port stays text here: a bad one is reported with the instance it belongs to.
            out.add(new HostPort(a, 0).dialable().hostForUrl() + ":" + port);
        }
        return out;
    }

    private Map<String, Object> ask(String address) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("address", address);
        try {
            HostPort at = HostPort.parse("memcached address", address);
            String answer = wire.tcp(at.host(), at.port(), "stats\r\n", "END\r\n", TIMEOUT);
            Map<String, String> stats = new LinkedHashMap<>();
            for (String line : answer.split("\r?\n")) {
                String[] f = line.split(" ", 3);
                if (f.length == 3 && f[0].equals("STAT")) stats.put(f[1], f[2].strip());
            }
            if (!answer.endsWith("END\r\n") || stats.isEmpty()) {
                i.put("reachable", false);
                i.put("error", "not a memcached answer: " + answer.strip().lines().findFirst().orElse("(empty)"));
                return i;
            }
            i.put("reachable", true);
            for (String k : List.of("uptime", "curr_connections", "total_connections", "curr_items", "version")) {
                String v = stats.get(k);
                if (v != null) i.put(k, NUMBERS.contains(k) && v.matches("\\d+") ? (Object) Long.parseLong(v) : v);
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            i.put("reachable", false);
            i.put("error", "not running or not answering on " + address + ": " + e.getMessage());
        }
        return i;
    }
}
