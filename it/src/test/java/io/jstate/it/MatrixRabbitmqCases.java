package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.util.List;

/** The fault matrix's RabbitMQ cases. */
final class MatrixRabbitmqCases {
    static final List<FaultCase> CASES = List.of(
            new FaultCase("RabbitMQ: stop_app on ctl2", Target.host("ctl2"), FaultMatrix.HOLD, (f, h) -> f.stopApp(h), null,
                    (f, h) -> f.startApp(h)));

    private MatrixRabbitmqCases() {}
}
