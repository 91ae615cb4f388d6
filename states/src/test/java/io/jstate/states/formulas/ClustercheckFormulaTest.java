package io.jstate.states.formulas;

import static io.jstate.states.formulas.FormulaFixture.compile;
import static io.jstate.states.formulas.FormulaFixture.ids;
import static io.jstate.states.formulas.FormulaFixture.labPillar;
import static io.jstate.states.formulas.FormulaFixture.requisites;
import static io.jstate.states.formulas.FormulaFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jstate.states.engine.Plan;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.kinds.wait.WaitFor;
import io.jstate.states.lang.Compiled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClustercheckFormulaTest {

    @Test
    void withoutSystemdSocatServesTheResponderFromAnInitScript() {
        Compiled c = compile("ctl2", "clustercheck");
        Plan plan = c.plan();
        // The included file's states come first; the service's requisites put it after what it needs.
        assertEquals("clustercheck-init-script clustercheck-packages clustercheck-credentials clustercheck-script "
                + "clustercheck-defaults clustercheck-maintenance-dir clustercheck-service clustercheck-listening", ids(plan));
        FileManaged.Spec creds = (FileManaged.Spec) step(plan, "clustercheck-credentials").spec();
        assertEquals("/etc/mysql/clustercheck.cnf", creds.name());
        assertEquals("0600", creds.mode());
        assertEquals("root", creds.user());
        assertEquals("""
                # Managed by jstate (formula clustercheck): local edits are overwritten.
                # The monitoring account clustercheck reads the node's state with (USAGE, PROCESS only).
                [client]
                user = clustercheck
                password = "lab-check-Zp4nX8sL"
                """, c.templates().render("clustercheck/clustercheck.cnf.mustache", Map.of()));
        assertEquals("""
                # Managed by jstate (formula clustercheck): local edits are overwritten.
                # Read by /usr/local/bin/clustercheck on every request and by the service that listens for it.
                BIND=10.77.0.12
                PORT=9200
                DEFAULTS_FILE=/etc/mysql/clustercheck.cnf
                MAINTENANCE_FILE=/var/lib/clustercheck/maintenance
                AVAILABLE_WHEN_DONOR=0
                # Seconds mariadb may take to answer: below HAProxy's 'timeout check 3s' (formula haproxy), so that a
                # frozen mariadbd answers 503 in 2 s and HAProxy marks it down within about 10 s.
                TIMEOUT=2
                """, c.templates().render("clustercheck/clustercheck.default.mustache", Map.of()));
        assertEquals(new ServiceRunning.Spec("clustercheck", true, false), step(plan, "clustercheck-service").spec());
        assertEquals(List.of("require:clustercheck-credentials", "require:clustercheck-maintenance-dir", "require:clustercheck-packages",
                "require:clustercheck-script", "watch:clustercheck-defaults", "watch:clustercheck-init-script"),
                requisites(plan, "clustercheck-service"));
        assertEquals("10.77.0.12:9200", ((WaitFor.Spec) step(plan, "clustercheck-listening").spec()).tcp());
        assertEquals("0755", ((FileManaged.Spec) step(plan, "clustercheck-script").spec()).mode());
    }

    @Test
    void withSystemdASocketUnitAcceptsTheChecks() {
        Compiled c = compile("ctl1", FormulaFixture.SYSTEMD, labPillar("ctl1"), "clustercheck");
        Plan plan = c.plan();
        assertEquals("clustercheck-socket-unit clustercheck-service-unit clustercheck-daemon-reload clustercheck-packages "
                + "clustercheck-credentials clustercheck-script clustercheck-defaults clustercheck-maintenance-dir "
                + "clustercheck-service clustercheck-listening", ids(plan));
        assertEquals("""
                # Managed by jstate (formula clustercheck): local edits are overwritten.
                [Unit]
                Description=Galera health responder for HAProxy

                [Socket]
                ListenStream=10.77.0.11:9200
                Accept=yes

                [Install]
                WantedBy=sockets.target
                """, c.templates().render("clustercheck/clustercheck.socket.mustache", Map.of()));
        assertEquals(new ServiceRunning.Spec("clustercheck.socket", true, false), step(plan, "clustercheck-service").spec());
        assertEquals(List.of("onchanges:clustercheck-service-unit", "onchanges:clustercheck-socket-unit"),
                requisites(plan, "clustercheck-daemon-reload"));
    }
}
