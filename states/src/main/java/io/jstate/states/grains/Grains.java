package io.jstate.states.grains;

import io.jstate.states.host.Host;
import io.jstate.states.host.HostException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * What a minion knows about its machine (Salt's grains): OS, kernel, names, addresses, CPUs,
 * memory and init system, merged with the operator's own grains from a YAML file. Files are read
 * through the {@link Host}, so tests describe a machine with a fake one.
 */
public final class Grains {
    private Grains() {}

    /** What the JVM tells about the machine that is not in a file: interfaces, architecture, processors. */
    interface Machine {
        /** Each network interface's addresses, by interface name. */
        Map<String, List<InetAddress>> interfaces();

        /** The JVM's os.arch ("amd64", "aarch64"). */
        String arch();

        int processors();
    }

    private static final Machine JVM = new Machine() {
        @Override
        public Map<String, List<InetAddress>> interfaces() {
            Map<String, List<InetAddress>> out = new TreeMap<>();
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    List<InetAddress> addrs = Collections.list(nic.getInetAddresses());
                    if (!addrs.isEmpty()) out.put(nic.getName(), addrs);
                }
            } catch (SocketException e) {
                // A machine whose interfaces cannot be listed still has every other grain.
            }
            return out;
        }

        @Override
        public String arch() {
            return System.getProperty("os.arch");
        }

        @Override
        public int processors() {
            return Runtime.getRuntime().availableProcessors();
        }
    };

    /**
     * The grains of the machine {@code host} reaches, merged with the operator's grains from
     * {@code operatorGrainsFile} (null for none); an operator's value replaces a collected one.
     *
     * @throws IllegalArgumentException when the operator's file is missing or not a YAML mapping
     */
    public static Map<String, Object> collect(Host host, Path operatorGrainsFile) {
        return collect(host, operatorGrainsFile, JVM);
    }

    static Map<String, Object> collect(Host host, Path operatorGrainsFile, Machine machine) {
        Map<String, Object> g = new LinkedHashMap<>();
        os(host, g);
        g.put("kernel", firstLine(host, "/proc/sys/kernel/ostype").orElse(System.getProperty("os.name")));
        g.put("kernelrelease", firstLine(host, "/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version")));
        names(host, g);
        network(machine, g);
        g.put("num_cpus", cpus(host, machine));
        memTotal(host).ifPresent(mib -> g.put("mem_total", mib));
        g.put("init", firstLine(host, "/proc/1/comm").filter("systemd"::equals).isPresent() ? "systemd" : "sysvinit");
        g.put("cpuarch", cpuarch(machine.arch()));
        if (operatorGrainsFile != null) g.putAll(operator(host, operatorGrainsFile));
        return g;
    }

    // ---- os

    private static void os(Host host, Map<String, Object> g) {
        Map<String, String> rel = osRelease(read(host, "/etc/os-release").or(() -> read(host, "/usr/lib/os-release")).orElse(""));
        String id = rel.getOrDefault("ID", "linux").toLowerCase(Locale.ROOT);
        String os = osName(id, rel.get("NAME"));
        String family = family(id);
        if (family == null) {
            for (String like : rel.getOrDefault("ID_LIKE", "").split("\\s+")) {
                family = family(like.toLowerCase(Locale.ROOT));
                if (family != null) break;
            }
        }
        g.put("os", os);
        g.put("os_family", family != null ? family : os);
        // Debian's point release ("12.11") is only in /etc/debian_version; os-release says "12".
        String release = rel.getOrDefault("VERSION_ID", "");
        if (id.equals("debian")) {
            Optional<String> point = firstLine(host, "/etc/debian_version").filter(v -> v.matches("\\d+(\\.\\d+)*"));
            if (point.isPresent()) release = point.get();
        }
        g.put("osrelease", release);
        if (!release.isEmpty()) g.put("osmajorrelease", release.split("\\.")[0]);
        String codename = rel.get("VERSION_CODENAME");
        if (codename == null) {
            var m = java.util.regex.Pattern.compile("\\((\\w+)\\)").matcher(rel.getOrDefault("VERSION", ""));
            codename = m.find() ? m.group(1) : "";
        }
        g.put("oscodename", codename);
    }

    static Map<String, String> osRelease(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || eq < 1) continue;
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1).replace("\\\"", "\"");
            }
            out.put(line.substring(0, eq).strip(), v);
        }
        return out;
    }

    private static String osName(String id, String name) {
        return switch (id) {
            case "debian" -> "Debian";
            case "ubuntu" -> "Ubuntu";
            case "rhel" -> "RedHat";
            case "centos" -> "CentOS";
            case "rocky" -> "Rocky";
            case "almalinux" -> "AlmaLinux";
            case "fedora" -> "Fedora";
            case "ol" -> "OEL";
            case "alpine" -> "Alpine";
            case "arch" -> "Arch";
            default -> name != null && !name.isBlank() ? name.split("\\s+")[0]
                    : id.isEmpty() ? "Linux" : Character.toUpperCase(id.charAt(0)) + id.substring(1);
        };
    }

    private static String family(String id) {
        return switch (id) {
            case "debian", "ubuntu", "raspbian", "linuxmint", "devuan" -> "Debian";
            case "rhel", "centos", "fedora", "rocky", "almalinux", "ol" -> "RedHat";
            case "alpine" -> "Alpine";
            case "arch" -> "Arch";
            default -> null;
        };
    }

    // ---- names

    private static void names(Host host, Map<String, Object> g) {
        // The kernel's name is the one in effect now; /etc/hostname is what it will be after a reboot.
        String raw = firstLine(host, "/proc/sys/kernel/hostname").or(() -> firstLine(host, "/etc/hostname")).orElse("localhost");
        String shortName = raw.contains(".") ? raw.substring(0, raw.indexOf('.')) : raw;
        String fqdn = raw.contains(".") ? raw : fqdnFromHosts(read(host, "/etc/hosts").orElse(""), shortName).orElse(raw);
        g.put("hostname", shortName);
        g.put("fqdn", fqdn);
        g.put("domain", fqdn.contains(".") ? fqdn.substring(fqdn.indexOf('.') + 1) : "");
        g.put("id", shortName);
    }

    /**
     * The fully qualified name /etc/hosts gives the host, without asking DNS: the first dotted name
     * on a line that also names the host.
     */
    static Optional<String> fqdnFromHosts(String hosts, String shortName) {
        for (String line : hosts.split("\n")) {
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (f.length < 2) continue;
            List<String> names = List.of(f).subList(1, f.length);
            boolean mentions = names.stream().anyMatch(n -> n.equals(shortName) || n.startsWith(shortName + "."));
            if (!mentions) continue;
            for (String n : names) {
                if (n.startsWith(shortName + ".")) return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    // ---- network

    private static void network(Machine machine, Map<String, Object> g) {
        Map<String, List<String>> v4 = new TreeMap<>();
        Map<String, List<String>> v6 = new TreeMap<>();
        Set<String> ipv4 = new LinkedHashSet<>();
        Set<String> ipv6 = new LinkedHashSet<>();
        new TreeMap<>(machine.interfaces()).forEach((nic, addrs) -> {
            List<String> four = new ArrayList<>();
            List<String> six = new ArrayList<>();
            for (InetAddress a : addrs) {
                if (a instanceof Inet4Address) {
                    four.add(a.getHostAddress());
                    if (!a.isLoopbackAddress()) ipv4.add(a.getHostAddress());
                } else if (a instanceof Inet6Address) {
                    String text = ipv6Text(a.getAddress());
                    six.add(text);
                    if (!a.isLoopbackAddress()) ipv6.add(text);
                }
            }
            v4.put(nic, List.copyOf(four));
            v6.put(nic, List.copyOf(six));
        });
        g.put("ip4_interfaces", v4);
        g.put("ipv4", List.copyOf(ipv4));
        g.put("ip6_interfaces", v6);
        g.put("ipv6", List.copyOf(ipv6));
    }

    /** An IPv6 address in its usual short form (RFC 5952: longest zero run as "::"), without a scope. */
    static String ipv6Text(byte[] b) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    // ---- hardware

    private static int cpus(Host host, Machine machine) {
        long n = read(host, "/proc/cpuinfo").map(t -> t.lines().filter(l -> l.matches("processor\\s*:.*")).count()).orElse(0L);
        return n > 0 ? (int) n : machine.processors();
    }

    private static Optional<Long> memTotal(Host host) {
        return read(host, "/proc/meminfo").flatMap(t -> t.lines()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> l.replaceAll("[^0-9]", ""))
                .filter(s -> !s.isEmpty())
                .map(kib -> Long.parseLong(kib) / 1024)
                .findFirst());
    }

    static String cpuarch(String osArch) {
        if (osArch == null) return "unknown";
        return switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "x86", "i386", "i686" -> "i686";
            case "arm" -> "armv7l";
            default -> osArch;
        };
    }

    // ---- operator grains

    private static Map<String, Object> operator(Host host, Path file) {
        String text;
        try {
            text = host.readString(file);
        } catch (HostException e) {
            throw new IllegalArgumentException("cannot read the grains file " + file + ": " + e.getMessage(), e);
        }
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("the grains file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        if (doc == null) return Map.of();
        if (!(doc instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the grains file " + file + " must be a mapping of grain names to values, like 'roles: [web]'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    // ---- reading

    private static Optional<String> read(Host host, String path) {
        try {
            return Optional.of(host.readString(Path.of(path)));
        } catch (HostException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstLine(Host host, String path) {
        return read(host, path).map(t -> t.lines().findFirst().orElse("").strip()).filter(s -> !s.isEmpty());
    }
}
