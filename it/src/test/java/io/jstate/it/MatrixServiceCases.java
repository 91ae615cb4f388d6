package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.util.List;

/** The fault matrix's cases of the services around Galera (HAProxy, Keepalived, clustercheck, memcached). */
final class MatrixServiceCases {
    static final List<FaultCase> CASES = List.of(
            new FaultCase("memcached: killed on ctl2", Target.host("ctl2"), FaultMatrix.HOLD, (f, h) -> f.kill(h, "memcached"), null,
                    (f, h) -> f.start(h, "memcached")),
            new FaultCase("HAProxy: killed on the VIP holder", Target.VIP_HOLDER, FaultMatrix.HOLD, (f, h) -> f.kill(h, "haproxy"), null,
                    (f, h) -> f.start(h, "haproxy")));

    private MatrixServiceCases() {}
}
