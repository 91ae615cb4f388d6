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
                    (f, h) -> f.start(h, "haproxy")),
            // The monitor account's password wrong in clustercheck's credentials on the write node: clustercheck says
            // 503, HAProxy must route around the node; the orchestration manages that file and puts it back.
            new FaultCase("clustercheck: wrong password in its credentials on the write node", Target.WRITE_NODE, FaultMatrix.HOLD,
                    (f, h) -> f.on(h, "sed -i 's/^password = .*/password = \"wrong-password\"/' /etc/mysql/clustercheck.cnf"
                            + " && grep -c wrong-password /etc/mysql/clustercheck.cnf"),
                    null, null));

    private MatrixServiceCases() {}
}
