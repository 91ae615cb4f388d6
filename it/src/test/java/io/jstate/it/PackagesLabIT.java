package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packages' life cycle in a lab host of its own (instance "pkgit", one controller, no jstate from
 * the lab): dpkg -i of a previous build of jstate-master and jstate-minion, then an upgrade to this
 * build over edited conffiles, then dpkg -r and dpkg -P, checking at each step what dpkg says, the
 * user, directories, owners and modes, the keys, and the daemons, which the maintainer scripts start
 * and stop through the init scripts (the host's init is not systemd). Debian's Java runtime comes from
 * the lab's repository.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackagesLabIT {
    private static final String HOST = "ctl1";
    private static final Pattern CA = Pattern.compile("CA fingerprint: +(\\S+)");
    private static final Pattern SIGNING = Pattern.compile("signing key fingerprint: +(\\S+)");

    private Lab lab;
    private String current;
    private String previous;
    private Path previousDir;
    private Path currentDir;

    @BeforeAll
    void up() throws Exception {
        Path logs = Path.of(System.getProperty("jstate.itLogs", "target/it-logs")).toAbsolutePath();
        // Built here, from this checkout's jars, below the checkout (which every lab host sees).
        previousDir = logs.resolve("packages/previous");
        currentDir = logs.resolve("packages/current");
        lab = new Lab("lab-packages", Map.of("JLAB_ID", "pkgit"));
        String build = Lab.REPO.resolve("packaging/deb/build").toString();
        current = machine(build + " --print-version").trim();
        // "~" sorts before anything: the same version with a suffix is an older one.
        previous = current + "~prev";
        machine("rm -rf " + previousDir + " " + currentDir + " && " + build + " --version '" + previous + "' --out " + previousDir
                + " && " + build + " --out " + currentDir);
        lab.upHostsOnly(1);
    }

    @AfterAll
    void down() throws Exception {
        if (lab != null) lab.close();
    }

    private String machine(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), command);
        assertEquals(0, p.exitValue(), command + "\n" + out);
        return out;
    }

    /** A shell command in the host that must succeed; its output. */
    private String ok(String shell) throws Exception {
        Procs.Ran r = lab.on(HOST, shell);
        assertEquals(0, r.exit(), shell + "\n" + r);
        return r.out();
    }

    private String deb(Path dir, String name, String version) {
        return dir.resolve(name + "_" + version + "_all.deb").toString();
    }

    private void assertStat(String path, String ownerGroupMode) throws Exception {
        assertEquals(ownerGroupMode, ok("stat -c '%U:%G %a' " + path).trim(), path);
    }

    /** The PID in the service's pid file, checked alive by its init script. */
    private String runningPid(String service) throws Exception {
        ok("/etc/init.d/" + service + " status");
        return ok("cat /run/" + service + ".pid").trim();
    }

    private void assertAudit() throws Exception {
        assertEquals("", ok("dpkg --audit").trim(), "dpkg --audit");
    }

    /** Waits until the master lists the minion as connected, accepting its key. */
    private void awaitConnected() throws Exception {
        String out = "";
        for (int i = 0; i < 60; i++) {
            lab.on(HOST, "jstate keys accept --all");
            out = lab.on(HOST, "jstate minions").out();
            if (out.lines().anyMatch(l -> l.matches(HOST + "\\s+yes\\b.*"))) return;
            Thread.sleep(1000);
        }
        throw new AssertionError("the minion did not connect:\n" + out + "\n" + lab.on(HOST, "tail -20 /var/log/jstate/minion.log").out());
    }

    @Test
    void installUpgradeRemovePurge() throws Exception {
        // --- dpkg -i of the previous build --------------------------------------------------------
        assertEquals("", ok("pidof java || true").trim(), "no Java process before the installation");
        String install = ok("dpkg -i " + deb(previousDir, "jstate-master", previous) + " " + deb(previousDir, "jstate-minion", previous));
        Matcher ca = CA.matcher(install);
        Matcher sig = SIGNING.matcher(install);
        assertTrue(ca.find() && sig.find(), "postinst prints the fingerprints to pin:\n" + install);
        assertTrue(install.contains("jstate-minion: not started: set master"), install);
        for (String p : List.of("jstate-master", "jstate-minion")) {
            String s = ok("dpkg -s " + p);
            assertTrue(s.contains("Status: install ok installed"), s);
            assertTrue(s.contains("Version: " + previous), s);
        }
        assertAudit();
        String user = ok("getent passwd jstate").trim();
        assertTrue(user.matches("jstate:x:\\d+:\\d+:jstate master[,]*:/var/lib/jstate:/usr/sbin/nologin"), user);
        ok("getent group jstate");
        assertStat("/var/lib/jstate", "root:root 755");
        assertStat("/var/lib/jstate/master", "jstate:jstate 750");
        assertStat("/var/lib/jstate/master/pki", "jstate:jstate 750");
        assertStat("/var/lib/jstate/master/pki/admin.key", "jstate:jstate 640");
        assertStat("/var/lib/jstate/master/pki/ca.key", "jstate:jstate 600");
        assertStat("/var/lib/jstate/master/pki/signing.key", "jstate:jstate 600");
        assertStat("/var/lib/jstate/minion", "root:root 700");
        assertStat("/etc/jstate/master.yaml", "root:jstate 640");
        assertStat("/etc/jstate/minion.yaml", "root:root 600");
        // The fingerprints postinst printed are those of the PKI on disk.
        assertEquals(ca.group(1), ok("openssl x509 -in /var/lib/jstate/master/pki/ca.crt -outform DER | sha256sum"
                + " | cut -d' ' -f1 | sed 's/../&:/g; s/:$//'").trim());

        // The master runs, as jstate, from the previous package; the unconfigured minion does not run.
        String masterPid = runningPid("jstate-master");
        assertEquals("jstate", ok("ps -o user= -p " + masterPid).trim());
        assertTrue(ok("tr '\\0' ' ' </proc/" + masterPid + "/cmdline").contains("-Djstate.package.version=" + previous));
        assertEquals(3, lab.on(HOST, "/etc/init.d/jstate-minion status").exit(), "the unconfigured minion is stopped");
        Procs.Ran refused = lab.on(HOST, "/etc/init.d/jstate-minion start");
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("master is required"), "the log says why:\n" + refused);

        // --- the operator edits both conffiles -------------------------------------------------------
        ok("printf '%s\\n' '# edited by the operator' 'jobs: {retention_days: 3}' >>/etc/jstate/master.yaml");
        ok("cat >/etc/jstate/minion.yaml <<'EOF'\n# edited by the operator\nid: " + HOST + "\nmaster: [\"127.0.0.1:4506\"]\n"
                + "master_ca_fingerprint: \"" + ca.group(1) + "\"\nmaster_signing_fingerprint: \"" + sig.group(1) + "\"\nEOF");
        ok("/etc/init.d/jstate-master restart");
        ok("/etc/init.d/jstate-minion start");
        awaitConnected();
        // A launcher slow to exec java (a loaded host) is still "starting", not "failed to start".
        ok("printf '#!/bin/sh\\nsleep 0.7\\nexec /usr/bin/jstate-minion \"$@\"\\n' >/usr/local/sbin/slow-minion"
                + " && chmod 0755 /usr/local/sbin/slow-minion && echo DAEMON=/usr/local/sbin/slow-minion >/etc/default/jstate-minion");
        ok("/etc/init.d/jstate-minion restart");
        ok("/etc/init.d/jstate-minion status");
        awaitConnected();
        ok("rm /etc/default/jstate-minion /usr/local/sbin/slow-minion && /etc/init.d/jstate-minion restart");
        awaitConnected();
        // A member of group jstate uses the CLI with the group-readable admin key.
        ok("useradd -M -G jstate operator1 && runuser -u operator1 -- jstate minions");
        String masterConf = ok("md5sum /etc/jstate/master.yaml");
        String minionConf = ok("md5sum /etc/jstate/minion.yaml");
        masterPid = runningPid("jstate-master");
        String minionPid = runningPid("jstate-minion");

        // --- upgrade to this build, keeping the operator's files, as an operator would ---------------
        String upgrade = ok("dpkg -i --force-confdef --force-confold " + deb(currentDir, "jstate-master", current) + " "
                + deb(currentDir, "jstate-minion", current));
        assertTrue(upgrade.contains("Unpacking jstate-master (" + current + ") over (" + previous + ")"), upgrade);
        assertEquals(masterConf, ok("md5sum /etc/jstate/master.yaml"), "the edited master.yaml is kept");
        assertEquals(minionConf, ok("md5sum /etc/jstate/minion.yaml"), "the edited minion.yaml is kept");
        assertStat("/etc/jstate/master.yaml", "root:jstate 640");
        for (String p : List.of("jstate-master", "jstate-minion")) {
            String s = ok("dpkg -s " + p);
            assertTrue(s.contains("Status: install ok installed"), s);
            assertTrue(s.contains("Version: " + current + "\n"), s);
        }
        assertAudit();
        // The same PKI: minions' pins stay valid.
        assertTrue(upgrade.contains(ca.group(1)), upgrade);
        String newMaster = runningPid("jstate-master");
        String newMinion = runningPid("jstate-minion");
        assertNotEquals(masterPid, newMaster, "the master restarted");
        assertNotEquals(minionPid, newMinion, "the minion restarted");
        assertTrue(ok("tr '\\0' ' ' </proc/" + newMaster + "/cmdline").contains("-Djstate.package.version=" + current + " "));
        assertTrue(ok("tr '\\0' ' ' </proc/" + newMinion + "/cmdline").contains("-Djstate.package.version=" + current + " "));
        assertEquals(2, ok("pidof java").trim().split("\\s+").length, "one master and one minion, nothing left over");
        awaitConnected();

        // --- dpkg -r: daemons stopped, programs gone, configuration and data kept ---------------------
        ok("dpkg -r jstate-minion jstate-master");
        assertEquals("", ok("pidof java || true").trim(), "no daemon left after dpkg -r");
        for (String p : List.of("jstate-master", "jstate-minion")) {
            assertTrue(ok("dpkg -s " + p + " || true").contains("Status: deinstall ok config-files"), p);
        }
        assertAudit();
        ok("! test -e /usr/bin/jstate && ! test -e /usr/bin/jstate-master && ! test -e /usr/bin/jstate-minion && ! test -e /usr/share/jstate");
        ok("test -f /etc/jstate/master.yaml && test -f /etc/jstate/minion.yaml && test -x /etc/init.d/jstate-master");
        ok("grep -q 'edited by the operator' /etc/jstate/master.yaml");
        ok("test -f /var/lib/jstate/master/pki/ca.crt && test -f /var/lib/jstate/minion/pki/minion.key");
        ok("getent passwd jstate");

        // --- dpkg -P: configuration, data and the user gone ------------------------------------------
        ok("dpkg -P jstate-minion jstate-master");
        for (String p : List.of("jstate-master", "jstate-minion")) {
            assertNotEquals(0, lab.on(HOST, "dpkg -s " + p).exit(), p + " is unknown to dpkg after the purge");
        }
        assertAudit();
        ok("! test -e /etc/jstate && ! test -e /var/lib/jstate && ! test -e /etc/init.d/jstate-master && ! test -e /etc/init.d/jstate-minion");
        ok("! test -e /var/log/jstate");
        ok("! getent passwd jstate && ! getent group jstate");
        assertTrue(ok("ls /etc/rc2.d").lines().noneMatch(l -> l.contains("jstate")), "no boot links left");
    }
}
