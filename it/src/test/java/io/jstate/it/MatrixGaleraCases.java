package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.time.Duration;
import java.util.List;

/** The fault matrix's Galera cases ({@link FaultMatrix}): one line a case. */
final class MatrixGaleraCases {
    static final List<FaultCase> CASES = List.of(
            new FaultCase("Galera: write node mariadbd kill -9", Target.WRITE_NODE, FaultMatrix.HOLD, (f, h) -> f.kill(h, "mariadbd"), null,
                    null),
            new FaultCase("Galera: write node mariadbd SIGSTOP 60 s, then CONT", Target.WRITE_NODE, Duration.ofSeconds(60),
                    (f, h) -> f.pause(h, "mariadbd"), (f, h) -> f.resume(h, "mariadbd"), null),
            new FaultCase("Galera: ctl3 isolated 30 s, then healed", Target.host("ctl3"), Duration.ofSeconds(30), (f, h) -> f.isolate(h),
                    (f, h) -> f.heal(), (f, h) -> f.heal()));

    private MatrixGaleraCases() {}
}
