package io.jstate.states.kinds.system;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.FileAttrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code host.present}: in /etc/hosts, each of {@code names} resolves to {@code ip} and to no
 * other address of the same family. Debian maps the hostname to 127.0.1.1; RabbitMQ and Galera
 * need it to resolve to the address peers use, so such conflicting mappings are removed. Comments
 * and unrelated lines stay as they are.
 */
public final class HostPresent implements State<HostPresent.Spec> {

    static final Path HOSTS = Path.of("/etc/hosts");

    @StateDoc(summary = "In /etc/hosts, each of `names` resolves to `ip` and to no other address of the same family. Debian maps the hostname to 127.0.1.1; RabbitMQ and Galera need it to resolve to the address peers use, so such conflicting mappings are removed. Comments and unrelated lines stay as they are.",
            example = """
                ctl1-address:
                  host.present:
                    - ip: 10.0.0.11
                    - names: [ctl1, ctl1.example.org]
                """)
    public record Spec(
            @ArgDoc("the host name, when `names` is not given") String name,
            @ArgDoc("the address, IPv4 or IPv6") String ip,
            @ArgDoc("host names (aliases) for the address") List<String> names) {
        public Spec {
            if (ip == null || !(ip.matches("\\d{1,3}(\\.\\d{1,3}){3}") || ip.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*"))) {
                throw new IllegalArgumentException("ip must be an IPv4 or IPv6 address, got " + ip);
            }
            names = names == null ? null : List.copyOf(names);
            for (String n : names == null ? List.of(name == null ? "" : name) : names) {
                if (!n.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) throw new IllegalArgumentException("'" + n + "' is not a host name");
            }
            if (names != null && names.isEmpty()) throw new IllegalArgumentException("names is empty");
        }

        public List<String> hostnames() {
            return names != null ? names : List.of(name);
        }
    }

    /** One line of the hosts file: its address and names, with any trailing comment kept aside. */
    private record Line(String text, String ip, List<String> names, String comment) {
        static Line parse(String text) {
            int hash = text.indexOf('#');
            String body = hash < 0 ? text : text.substring(0, hash);
            String comment = hash < 0 ? "" : text.substring(hash);
            String[] tokens = body.strip().split("\\s+");
            if (body.isBlank() || tokens.length < 1) return new Line(text, null, List.of(), comment);
            return new Line(text, tokens[0], List.of(tokens).subList(1, tokens.length), comment);
        }

        Line withNames(List<String> names) {
            String text = ip + "\t" + String.join(" ", names) + (comment.isEmpty() ? "" : " " + comment);
            return new Line(text, ip, List.copyOf(names), comment);
        }
    }

    /** The file as it should be and the per-name changes that takes. */
    record Edit(String content, List<Change> changes) {}

    private final Env env;

    public HostPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        return new Drift(edit(current(), spec.ip(), spec.hostnames()).changes());
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        String before = current();
        Edit e = edit(before, spec.ip(), spec.hostnames());
        if (!e.content().equals(before)) {
            boolean exists = env.host().exists(HOSTS);
            env.host().write(HOSTS, e.content().getBytes(StandardCharsets.UTF_8), exists ? FileAttrs.DEFAULT : FileAttrs.mode(0644));
        }
        return Applied.NONE;
    }

    private String current() {
        return env.host().exists(HOSTS) ? env.host().readString(HOSTS) : "";
    }

    static Edit edit(String content, String ip, List<String> names) {
        List<Line> lines = new ArrayList<>(content.lines().map(Line::parse).toList());
        boolean v6 = ip.contains(":");
        Map<String, List<String>> before = new LinkedHashMap<>();
        for (String n : names) before.put(key(n), new ArrayList<>());
        for (Line l : lines) {
            if (l.ip() == null || l.ip().contains(":") != v6) continue;
            for (String n : l.names()) {
                List<String> ips = before.get(key(n));
                if (ips != null && !ips.contains(l.ip())) ips.add(l.ip());
            }
        }
        List<Change> changes = new ArrayList<>();
        for (String n : names) {
            List<String> ips = before.get(key(n));
            if (!ips.equals(List.of(ip))) changes.add(Change.of(n, ips.isEmpty() ? null : String.join(",", ips), ip));
        }
        if (changes.isEmpty()) return new Edit(content, changes);

        List<String> missing = new ArrayList<>(names);
        List<Line> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.ip() == null || l.ip().contains(":") != v6) {
                out.add(l);
            } else if (l.ip().equals(ip)) {
                missing.removeIf(n -> l.names().stream().anyMatch(x -> key(x).equals(key(n))));
                out.add(l);
            } else {
                List<String> keep = l.names().stream().filter(x -> !before.containsKey(key(x))).toList();
                if (keep.size() == l.names().size()) out.add(l);
                else if (!keep.isEmpty()) out.add(l.withNames(keep));
            }
        }
        if (!missing.isEmpty()) {
            int at = -1;
            for (int i = 0; i < out.size() && at < 0; i++) if (ip.equals(out.get(i).ip())) at = i;
            if (at >= 0) {
                List<String> all = new ArrayList<>(out.get(at).names());
                all.addAll(missing);
                out.set(at, out.get(at).withNames(all));
            } else {
                out.add(new Line(null, ip, List.copyOf(missing), "").withNames(missing));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Line l : out) sb.append(l.text()).append('\n');
        return new Edit(sb.toString(), changes);
    }

    private static String key(String hostname) {
        return hostname.toLowerCase(Locale.ROOT);
    }
}
