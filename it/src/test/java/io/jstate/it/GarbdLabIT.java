package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The 2 + garbd layout in a real lab: ctl1 and ctl2 hold Galera data, ctl3 runs only the
 * arbitrator. The lab's pillar is copied with the variant's galera.sls and ctl3 marked as the
 * arbitrator; the same `openstack-ha` orchestration then targets the data nodes by the nodegroup
 * galera and runs garbd on the nodegroup garbd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GarbdLabIT {
    private static final Path REPO = Path.of(System.getProperty("jstate.repo", "..")).toAbsolutePath().normalize();

    private Procs procs;
    private Path pillar;

    @BeforeAll
    void up() throws Exception {
        Path logs = Path.of(System.getProperty("jstate.itLogs", "target/it-logs")).resolve("lab-garbd");
        Files.createDirectories(logs);
        procs = new Procs(logs);
        pillar = variantPillar(logs.getParent().resolve("garbd-pillar"));
        assertEquals(0, lab(Duration.ofMinutes(2), "down").exit());
        Procs.Ran up = procs.run(List.of("env", "JLAB_PILLAR=" + pillar, REPO.resolve("packaging/lab/lab").toString(), "up", "3"), Duration.ofMinutes(20));
        assertEquals(0, up.exit(), up.toString());
    }

    @AfterAll
    void down() throws Exception {
        if (procs == null) return;
        try {
            Procs.Ran down = lab(Duration.ofMinutes(2), "down");
            assertEquals(0, down.exit(), down.toString());
        } finally {
            procs.close();
        }
    }

    /** The lab's pillar with galera.sls replaced by the 2 + garbd variant and ctl3 the arbitrator. */
    private static Path variantPillar(Path dir) throws IOException {
        Path from = REPO.resolve("packaging/lab/pillar");
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = dir.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(from.resolve("variants/galera-garbd.sls"), dir.resolve("galera.sls"), StandardCopyOption.REPLACE_EXISTING);
        Path ctl3 = dir.resolve("nodes/ctl3.sls");
        String text = Files.readString(ctl3);
        assertTrue(text.contains("  galera: data"), text);
        Files.writeString(ctl3, text.replace("  galera: data", "  galera: arbitrator"));
        return dir;
    }

    private Procs.Ran lab(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(REPO.resolve("packaging/lab/lab").toString());
        cmd.addAll(List.of(args));
        return procs.run(cmd, timeout);
    }

    private String status(String host, String variable) throws Exception {
        Procs.Ran r = lab(Duration.ofMinutes(1), "exec", host, "bash", "-c", "mysql -N -B -e \"SHOW GLOBAL STATUS LIKE '" + variable + "'\" | cut -f2");
        return r.out().trim();
    }

    @Test
    void twoDataNodesAndGarbdFormAPrimaryComponentOfThree() throws Exception {
        Procs.Ran run = lab(Duration.ofMinutes(30), "exec", "master", REPO.resolve("packaging/bin/jstate").toString(),
                "--config", "/etc/jstate/master.yaml", "orchestrate", "openstack-ha");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("garbd: apply galera.garbd on N@garbd"), run.out());
        for (String h : List.of("ctl1", "ctl2")) {
            assertEquals("Primary", status(h, "wsrep_cluster_status"), h);
            assertEquals("Synced", status(h, "wsrep_local_state_comment"), h);
            assertEquals("3", status(h, "wsrep_cluster_size"), "two data nodes and garbd on " + h);
        }
        assertEquals(0, lab(Duration.ofMinutes(1), "exec", "ctl3", "pidof", "garbd").exit(), "garbd runs on ctl3");
        assertTrue(lab(Duration.ofMinutes(1), "exec", "ctl3", "pidof", "mariadbd").exit() != 0, "no MariaDB server on the arbitrator");
        Procs.Ran verify = procs.run(List.of("env", "VERIFY_CLUSTER_SIZE=3", REPO.resolve("packaging/lab/verify").toString(), "--galera", "ctl1,ctl2"),
                Duration.ofMinutes(3));
        assertEquals(0, verify.exit(), verify.toString());

        Procs.Ran again = lab(Duration.ofMinutes(30), "exec", "master", REPO.resolve("packaging/bin/jstate").toString(),
                "--config", "/etc/jstate/master.yaml", "orchestrate", "openstack-ha");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains(" 0 changes"), again.out());
    }
}
