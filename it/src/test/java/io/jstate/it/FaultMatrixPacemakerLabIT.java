package io.jstate.it;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault matrix's Galera cases on the Pacemaker layout ({@link MatrixLayout#PACEMAKER},
 * {@link MatrixPacemakerCases}), on a lab of its own (instance pz, beside PacemakerLabIT's pm and
 * the matrix's mx): deployed with {@code orchestrate pacemaker-ha}, each case followed by that
 * orchestration, healthy as {@code packaging/lab/verify --layout pacemaker} says, the table with
 * what Pacemaker and then jstate did. The same system properties as {@link FaultMatrixLabIT}
 * (cases, reuseLab, labId).
 */
class FaultMatrixPacemakerLabIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.MINUTES)
    void everyGaleraFaultIsSurvivedWherePacemakerRecovers() throws Exception {
        FaultMatrixLabIT.run(MatrixLayout.PACEMAKER, "pz", "fault-matrix-pacemaker");
    }
}
