package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The .deb files of packaging/deb/build (what the packaging/deb module runs in `./mvnw package`), made
 * here from this checkout's jars into a folder of the test's own so that they are never stale, and
 * read with dpkg-deb: control fields, conffiles, maintainer scripts and the modes and owners of the
 * files that matter. Nothing is installed; the lab test PackagesLabIT installs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebPackagesIT {
    private Procs procs;
    private String version;
    private Path out;

    @BeforeAll
    void setUp() throws Exception {
        Path dir = Path.of(System.getProperty("jstate.itLogs", "target/it-logs")).resolve("deb-packages");
        Files.createDirectories(dir);
        procs = new Procs(dir);
        out = dir.resolve("debs").toAbsolutePath();
        String build = Lab.REPO.resolve("packaging/deb/build").toString();
        version = sh(build + " --print-version").trim();
        sh("rm -rf " + out + " && " + build + " --out " + out);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (procs != null) procs.close();
    }

    private String sh(String command) throws Exception {
        Procs.Ran r = procs.run(List.of("bash", "-c", command), Duration.ofMinutes(1));
        assertEquals(0, r.exit(), r.toString());
        return r.out();
    }

    private Path deb(String name) {
        Path p = out.resolve(name + "_" + version + "_all.deb");
        assertTrue(Files.isRegularFile(p), p + " is missing");
        return p;
    }

    @Test
    void versionComesFromThePom() {
        // 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT: a snapshot sorts before its release.
        assertTrue(version.matches("[0-9][0-9.]*(~[A-Za-z0-9]+)?"), version);
    }

    @Test
    void masterPackage() throws Exception {
        Path deb = deb("jstate-master");
        String info = sh("dpkg-deb -f " + deb);
        assertTrue(info.contains("Package: jstate-master\n"), info);
        assertTrue(info.contains("Version: " + version + "\n"), info);
        assertTrue(info.contains("Architecture: all\n"), info);
        assertTrue(info.contains("\nDepends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser\n"), info);
        // invoke-rc.d --skip-systemd-native in the maintainer scripts.
        assertTrue(info.contains("Pre-Depends: init-system-helpers (>= 1.54~)\n"), info);
        assertEquals("/etc/jstate/master.yaml\n/etc/init.d/jstate-master\n", sh("dpkg-deb --ctrl-tarfile " + deb + " | tar -xO ./conffiles"));
        String scripts = sh("dpkg-deb --ctrl-tarfile " + deb + " | tar -tv");
        for (String s : List.of("postinst", "prerm", "postrm")) assertTrue(scripts.matches("(?s).*-rwxr-xr-x root/root .* \\./" + s + "\n.*"), scripts);
        String files = sh("dpkg-deb -c " + deb);
        for (String line : List.of(
                "-rwxr-xr-x root/root .* \\./usr/bin/jstate-master",
                "-rwxr-xr-x root/root .* \\./usr/bin/jstate",
                "-rw-r--r-- root/root .* \\./usr/share/jstate/master/quarkus-run\\.jar",
                "-rw-r--r-- root/root .* \\./usr/share/jstate/cli/jstate-cli\\.jar",
                "-rw-r--r-- root/root .* \\./etc/jstate/master\\.yaml",
                "-rwxr-xr-x root/root .* \\./etc/init\\.d/jstate-master",
                "-rw-r--r-- root/root .* \\./lib/systemd/system/jstate-master\\.service",
                "-rw-r--r-- root/root .* \\./usr/share/doc/jstate-master/copyright")) {
            assertTrue(files.lines().anyMatch(l -> l.matches(line)), "no line like " + line + " in\n" + files);
        }
        // The package makes no data dir of its own: postinst makes it with the master's owner.
        assertTrue(files.lines().noneMatch(l -> l.contains("./var/")), files);
        String unit = sh("dpkg-deb --fsys-tarfile " + deb + " | tar -xO ./lib/systemd/system/jstate-master.service");
        for (String k : List.of("User=jstate", "Restart=on-failure", "ProtectSystem=strict", "ReadWritePaths=/var/lib/jstate/master",
                "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n")) {
            assertTrue(unit.contains(k), k + " not in\n" + unit);
        }
    }

    @Test
    void minionPackage() throws Exception {
        Path deb = deb("jstate-minion");
        String info = sh("dpkg-deb -f " + deb);
        assertTrue(info.contains("Package: jstate-minion\n"), info);
        assertTrue(info.contains("Architecture: all\n"), info);
        assertTrue(info.contains("\nDepends: default-jre-headless (>= 2:1.17) | java17-runtime-headless\n"), info);
        assertEquals("/etc/jstate/minion.yaml\n/etc/init.d/jstate-minion\n", sh("dpkg-deb --ctrl-tarfile " + deb + " | tar -xO ./conffiles"));
        String files = sh("dpkg-deb -c " + deb);
        for (String line : List.of(
                "-rwxr-xr-x root/root .* \\./usr/bin/jstate-minion",
                "-rw-r--r-- root/root .* \\./usr/share/jstate/minion/jstate-minion\\.jar",
                // The token in it is a secret.
                "-rw------- root/root .* \\./etc/jstate/minion\\.yaml",
                "-rwxr-xr-x root/root .* \\./etc/init\\.d/jstate-minion",
                "-rw-r--r-- root/root .* \\./lib/systemd/system/jstate-minion\\.service")) {
            assertTrue(files.lines().anyMatch(l -> l.matches(line)), "no line like " + line + " in\n" + files);
        }
        String unit = sh("dpkg-deb --fsys-tarfile " + deb + " | tar -xO ./lib/systemd/system/jstate-minion.service");
        for (String k : List.of("User=root", "Restart=on-failure", "KillMode=process", "RestartPreventExitStatus=1")) {
            assertTrue(unit.contains(k), k + " not in\n" + unit);
        }
        // The shipped configuration is valid YAML with every key commented out: the minion refuses to
        // start until the operator names the master.
        String conf = sh("dpkg-deb --fsys-tarfile " + deb + " | tar -xO ./etc/jstate/minion.yaml");
        assertTrue(conf.lines().allMatch(l -> l.isBlank() || l.startsWith("#")), conf);
    }

    @Test
    void unitsPassSystemdAnalyzeVerify() throws Exception {
        // systemd-analyze checks unit syntax, known options and that ExecStart exists: the packages
        // are unpacked into a scratch folder and the units' ExecStart pointed into it.
        Procs.Ran which = procs.run(List.of("bash", "-c", "command -v systemd-analyze"), Duration.ofSeconds(10));
        assumeTrue(which.exit() == 0, "no systemd-analyze on this machine (package systemd)");
        String out = sh("set -e; d=$(mktemp -d); trap 'rm -rf \"$d\"' EXIT; "
                + "dpkg-deb -x " + deb("jstate-master") + " \"$d\"; dpkg-deb -x " + deb("jstate-minion") + " \"$d\"; "
                + "mkdir \"$d/u\"; for u in jstate-master jstate-minion; do "
                + "sed \"s|^ExecStart=/usr/bin/|ExecStart=$d/usr/bin/|\" \"$d/lib/systemd/system/$u.service\" >\"$d/u/$u.service\"; done; "
                + "systemd-analyze verify --man=no \"$d\"/u/jstate-master.service \"$d\"/u/jstate-minion.service 2>&1 || true");
        assertTrue(out.lines().noneMatch(l -> l.contains("jstate")), out);
    }
}
