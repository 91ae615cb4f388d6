package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard of a small lab (master and one controller, no backend) in real headless Chromium:
 * login, the minion connected, a real job and its per-minion result, and the health page answering
 * that nothing of the backend is installed. OpenstackHaLabIT does the same on the deployed backend.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class DashboardLabIT {
    private Lab lab;

    @BeforeAll
    void up() throws Exception {
        lab = new Lab("dashboard", Map.of()).up(1);
    }

    @AfterAll
    void down() throws Exception {
        if (lab != null) lab.close();
    }

    @Test
    void theDashboardInChromium() throws Exception {
        try (Dashboard d = new Dashboard(lab)) {
            d.logIn();
            assertEquals(List.of("ctl1"), d.connected());
            d.screenshot("dashboard-minions.png");
            String jid = d.job("run", "-t", "*", "test.ping");
            String jobs = d.open("/jobs");
            assertTrue(jobs.contains(jid) && jobs.contains("run test.ping"), jobs);
            String job = d.open("/jobs/" + jid);
            assertTrue(job.contains("ctl1") && job.contains("succeeded"), job);
            d.screenshot("dashboard-job.png");
            String health = d.open("/health");
            assertTrue(health.contains("Not installed on: ctl1"), health);
            assertTrue(!health.contains("galera.facts:"), "galera.facts says plainly that MariaDB is absent:\n" + health);
            assertTrue(!health.contains("Did not answer"), health);
            d.screenshot("dashboard-health.png");
        }
    }
}
