package io.jstate.states.grains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.host.FakeHost;
import io.jstate.states.host.LocalHost;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrainsTest {

    private static final String DEBIAN_OS_RELEASE = """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME="Debian GNU/Linux"
            VERSION_ID="12"
            VERSION="12 (bookworm)"
            VERSION_CODENAME=bookworm
            ID=debian
            HOME_URL="https://www.debian.org/"
            """;

    private static Grains.Machine machine(Map<String, List<InetAddress>> nics) {
        return new Grains.Machine() {
            @Override
            public Map<String, List<InetAddress>> interfaces() {
                return nics;
            }

            @Override
            public String arch() {
                return "amd64";
            }

            @Override
            public int processors() {
                return 1;
            }
        };
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static FakeHost debianBox() {
        return new FakeHost()
                .file("/etc/os-release", DEBIAN_OS_RELEASE)
                .file("/etc/debian_version", "12.11\n")
                .file("/proc/sys/kernel/ostype", "Linux\n")
                .file("/proc/sys/kernel/osrelease", "6.1.0-37-amd64\n")
                .file("/proc/sys/kernel/hostname", "ctl1\n")
                .file("/etc/hostname", "ctl1\n")
                .file("/etc/hosts", "127.0.0.1 localhost\n10.0.0.5 ctl1.lab.example ctl1 # the controller\n")
                .file("/proc/cpuinfo", "processor\t: 0\nmodel name\t: x\n\nprocessor\t: 1\nmodel name\t: x\n")
                .file("/proc/meminfo", "MemTotal:        4026532 kB\nMemFree:  1 kB\n")
                .file("/proc/1/comm", "systemd\n");
    }

    private static final Map<String, List<InetAddress>> NICS = new LinkedHashMap<>(Map.of(
            "lo", List.of(ip("127.0.0.1"), ip("::1")),
            "eth0", List.of(ip("10.0.0.5"), ip("fe80::5054:ff:fe12:3456")),
            "eth1", List.of(ip("192.168.1.7"))));

    @Test
    void describesADebianMachineFromItsFiles() {
        Map<String, Object> g = Grains.collect(debianBox(), null, machine(NICS));
        assertEquals("Debian", g.get("os"));
        assertEquals("Debian", g.get("os_family"));
        assertEquals("12.11", g.get("osrelease"));
        assertEquals("12", g.get("osmajorrelease"));
        assertEquals("bookworm", g.get("oscodename"));
        assertEquals("Linux", g.get("kernel"));
        assertEquals("6.1.0-37-amd64", g.get("kernelrelease"));
        assertEquals("ctl1", g.get("hostname"));
        assertEquals("ctl1.lab.example", g.get("fqdn"));
        assertEquals("lab.example", g.get("domain"));
        assertEquals("ctl1", g.get("id"));
        assertEquals(2, g.get("num_cpus"));
        assertEquals(3932L, g.get("mem_total"));
        assertEquals("systemd", g.get("init"));
        assertEquals("x86_64", g.get("cpuarch"));
        assertEquals(Map.of("eth0", List.of("10.0.0.5"), "eth1", List.of("192.168.1.7"), "lo", List.of("127.0.0.1")), g.get("ip4_interfaces"));
        assertEquals(List.of("10.0.0.5", "192.168.1.7"), g.get("ipv4"));
        assertEquals(Map.of("eth0", List.of("fe80::5054:ff:fe12:3456"), "eth1", List.of(), "lo", List.of("::1")), g.get("ip6_interfaces"));
        assertEquals(List.of("fe80::5054:ff:fe12:3456"), g.get("ipv6"));
    }

    @Test
    void pidOneOtherThanSystemdMeansSysvinit() {
        FakeHost h = debianBox().file("/proc/1/comm", "init\n");
        assertEquals("sysvinit", Grains.collect(h, null, machine(Map.of())).get("init"));
    }

    @Test
    void missingFilesFallBackInsteadOfFailing() {
        FakeHost h = new FakeHost().file("/etc/hostname", "box\n");
        Map<String, Object> g = Grains.collect(h, null, machine(Map.of()));
        assertEquals("box", g.get("hostname"));
        assertEquals("box", g.get("fqdn"));
        assertEquals("", g.get("domain"));
        assertEquals(1, g.get("num_cpus"));
        assertFalse(g.containsKey("mem_total"));
        assertEquals("sysvinit", g.get("init"));
        assertEquals(List.of(), g.get("ipv4"));
    }

    @Test
    void familyComesFromIdLikeForDerivatives() {
        FakeHost h = new FakeHost().file("/etc/os-release", "NAME=\"Pop!_OS\"\nID=pop\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04 LTS (jammy)\"\n");
        Map<String, Object> g = Grains.collect(h, null, machine(Map.of()));
        assertEquals("Pop!_OS", g.get("os"));
        assertEquals("Debian", g.get("os_family"));
        assertEquals("22.04", g.get("osrelease"));
        assertEquals("jammy", g.get("oscodename"));
    }

    @Test
    void aDottedKernelHostnameIsTheFqdn() {
        FakeHost h = debianBox().file("/proc/sys/kernel/hostname", "db2.prod.example\n");
        Map<String, Object> g = Grains.collect(h, null, machine(Map.of()));
        assertEquals("db2", g.get("hostname"));
        assertEquals("db2.prod.example", g.get("fqdn"));
        assertEquals("prod.example", g.get("domain"));
    }

    @Test
    void operatorGrainsAreMergedAndWin() {
        FakeHost h = debianBox().file("/etc/jstate/grains", "roles: [controller, db]\nid: controller-1\nrack: 4\n");
        Map<String, Object> g = Grains.collect(h, Path.of("/etc/jstate/grains"), machine(NICS));
        assertEquals(List.of("controller", "db"), g.get("roles"));
        assertEquals("controller-1", g.get("id"));
        assertEquals(4, g.get("rack"));
        assertEquals("Debian", g.get("os"));
        assertTrue(Grains.collect(h.file("/etc/jstate/empty", ""), Path.of("/etc/jstate/empty"), machine(NICS)).containsKey("os"));
    }

    @Test
    void aBadOperatorGrainsFileIsAClearError() {
        FakeHost h = debianBox().file("/g/list", "- a\n- b\n").file("/g/broken", "roles: [a\n");
        var notMap = assertThrows(IllegalArgumentException.class, () -> Grains.collect(h, Path.of("/g/list"), machine(Map.of())));
        assertTrue(notMap.getMessage().contains("/g/list must be a mapping"), notMap.getMessage());
        var broken = assertThrows(IllegalArgumentException.class, () -> Grains.collect(h, Path.of("/g/broken"), machine(Map.of())));
        assertTrue(broken.getMessage().contains("/g/broken is not valid YAML"), broken.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Grains.collect(h, Path.of("/g/none"), machine(Map.of())));
        assertTrue(missing.getMessage().contains("cannot read the grains file /g/none"), missing.getMessage());
    }

    @Test
    void ipv6TextIsShortened() {
        assertEquals("::1", Grains.ipv6Text(ip("::1").getAddress()));
        assertEquals("2001:db8::1:0:0:1", Grains.ipv6Text(ip("2001:db8:0:0:1:0:0:1").getAddress()));
        assertEquals("2001:db8:0:1:1:1:1:1", Grains.ipv6Text(ip("2001:db8:0:1:1:1:1:1").getAddress()));
        assertEquals("::", Grains.ipv6Text(new byte[16]));
    }

    @Test
    void thisMachineHasSaneGrains() {
        Map<String, Object> g = Grains.collect(LocalHost.system(), null);
        assertEquals("Linux", g.get("kernel"));
        assertTrue(((String) g.get("kernelrelease")).matches("\\d+\\.\\d+.*"), String.valueOf(g.get("kernelrelease")));
        assertEquals("Debian", g.get("os_family"));
        assertTrue(((String) g.get("hostname")).length() > 0);
        assertEquals(g.get("hostname"), g.get("id"));
        assertTrue((int) g.get("num_cpus") >= 1);
        assertTrue((long) g.get("mem_total") > 64);
        assertTrue(List.of("systemd", "sysvinit").contains(g.get("init")));
        assertTrue(List.of("x86_64", "aarch64").contains(g.get("cpuarch")), String.valueOf(g.get("cpuarch")));
        @SuppressWarnings("unchecked")
        Map<String, List<String>> v4 = (Map<String, List<String>>) g.get("ip4_interfaces");
        assertTrue(v4.values().stream().flatMap(List::stream).anyMatch(a -> a.startsWith("127.")), v4.toString());
        @SuppressWarnings("unchecked")
        List<String> ipv4 = (List<String>) g.get("ipv4");
        assertTrue(ipv4.stream().noneMatch(a -> a.startsWith("127.")), ipv4.toString());
    }
}
