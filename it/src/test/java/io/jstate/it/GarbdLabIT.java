package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
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
    private static final Path REPO = Lab.REPO;

    private Lab lab;

    @BeforeAll
    void up() throws Exception {
        Path pillar = variantPillar(Path.of(System.getProperty("jstate.itLogs", "target/it-logs")).resolve("garbd-pillar"));
        lab = new Lab("lab-garbd", Map.of("JLAB_PILLAR", pillar.toString())).up(3);
    }

    @AfterAll
    void down() throws Exception {
        if (lab != null) lab.close();
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
        // Galera's layout is the point here: no Keystone to install.
        return LabPillar.withoutKeystone(dir);
    }

    @Test
    void twoDataNodesAndGarbdFormAPrimaryComponentOfThree() throws Exception {
        Procs.Ran run = lab.orchestrate("openstack-ha");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("garbd: apply galera.garbd on N@garbd"), run.out());
        for (String h : List.of("ctl1", "ctl2")) {
            assertEquals("Primary", lab.galera(h, "wsrep_cluster_status"), h);
            assertEquals("Synced", lab.galera(h, "wsrep_local_state_comment"), h);
            assertEquals("3", lab.galera(h, "wsrep_cluster_size"), "two data nodes and garbd on " + h);
        }
        assertEquals(0, lab.on("ctl3", "pidof garbd").exit(), "garbd runs on ctl3");
        assertTrue(lab.on("ctl3", "pidof mariadbd").exit() != 0, "no MariaDB server on the arbitrator");
        Procs.Ran verify = lab.verify(Map.of("VERIFY_CLUSTER_SIZE", "3"), "--galera", "ctl1,ctl2");
        assertEquals(0, verify.exit(), verify.toString());

        Procs.Ran again = lab.orchestrate("openstack-ha");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains(" 0 changes"), again.out());
    }
}
