package io.jstate.minion.functions;

import io.jstate.states.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code haproxy.stats [socket=/run/haproxy/admin.sock] [config=/etc/haproxy/haproxy.cfg]}: each
 * backend of HAProxy with its status and each server's, from {@code show stat} on the stats socket.
 * The socket is the one the config's {@code stats socket} line names (the haproxy formula writes it
 * from pillar haproxy.stats_socket) unless given. A host without haproxy answers {@code installed: false};
 * one where nothing answers on the socket, {@code running: false}.
 */
final class HaproxyStats implements ExecutionFunction {
    static final Path BINARY = Path.of("/usr/sbin/haproxy");
    private static final Pattern STATS_SOCKET = Pattern.compile("(?m)^\\s*stats\\s+socket\\s+(?:unix@)?(/\\S+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Wire wire;

    HaproxyStats(Wire wire) {
        this.wire = wire;
    }

    @Override
    public Output call(FunctionContext context, List<String> args) {
        Map<String, String> given = KeyValueArgs.parse(args, Set.of("socket", "config"));
        Path config = KeyValueArgs.path(given, "config", "/etc/haproxy/haproxy.cfg");
        Path socket = KeyValueArgs.path(given, "socket", null);
        Host host = context.host();
        Map<String, Object> out = new LinkedHashMap<>();
        if (!host.exists(BINARY)) {
            out.put("installed", false);
            out.put("error", "haproxy is not installed (no " + BINARY + ")");
            return Output.ok(out);
        }
        out.put("installed", true);
        if (socket == null) {
            String cfg = host.exists(config) ? new String(host.read(config), StandardCharsets.UTF_8) : "";
            Matcher m = STATS_SOCKET.matcher(cfg);
            if (!m.find()) {
                out.put("running", false);
                out.put("error", config + " has no 'stats socket' line: nothing to ask");
                return Output.ok(out);
            }
            socket = Path.of(m.group(1));
        }
        out.put("socket", socket.toString());
        String csv;
        try {
            csv = wire.unix(socket, "show stat\n", "", TIMEOUT);
        } catch (java.io.IOException e) {
            out.put("running", false);
            out.put("error", "not running: nothing answers on " + socket + " (" + e.getMessage() + ")");
            return Output.ok(out);
        }
        out.put("running", true);
        out.put("backends", backends(csv));
        return Output.ok(out);
    }

    /** The backends of a {@code show stat} CSV, in order, each with its servers; frontends are left out. */
    static List<Map<String, Object>> backends(String csv) {
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) throw new IllegalArgumentException("not a 'show stat' answer: " + csv.strip());
        List<String> head = List.of(lines.get(0).substring(2).split(",", -1));
        int px = head.indexOf("pxname"), sv = head.indexOf("svname"), st = head.indexOf("status"), ck = head.indexOf("check_status");
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split(",", -1);
            if (f.length <= Math.max(px, Math.max(sv, st))) continue;
            String proxy = f[px], server = f[sv], status = f[st];
            if (server.equals("FRONTEND")) continue;
            Map<String, Object> be = byName.computeIfAbsent(proxy, p -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", p);
                m.put("status", "");
                m.put("servers", new ArrayList<Map<String, Object>>());
                return m;
            });
            if (server.equals("BACKEND")) {
                be.put("status", status);
            } else {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", server);
                s.put("status", status);
                if (ck >= 0 && ck < f.length && !f[ck].isEmpty()) s.put("check", f[ck]);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> servers = (List<Map<String, Object>>) be.get("servers");
                servers.add(s);
            }
        }
        return new ArrayList<>(byName.values());
    }
}
