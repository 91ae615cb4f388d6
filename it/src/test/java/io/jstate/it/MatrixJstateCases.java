package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import java.util.List;

/** The fault matrix's cases of jstate itself (master, minion, a host's reboot). */
final class MatrixJstateCases {
    static final List<FaultCase> CASES = List.of();

    private MatrixJstateCases() {}
}
