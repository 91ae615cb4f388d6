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
            // kill -9 leaves the VIP on the killed holder's interface; a backup takes it over after
            // missing its adverts (the inject waits for that), and the orchestration starts keepalived again.
            new FaultCase("Keepalived: killed on the VIP holder", Target.VIP_HOLDER, FaultMatrix.HOLD,
                    (f, h) -> f.kill(h, "keepalived") + "; " + awaitVipElsewhere(f.lab(), h, java.time.Duration.ofSeconds(60)), null,
                    (f, h) -> f.start(h, "keepalived")),
            // The monitor account's password wrong in clustercheck's credentials on the write node: clustercheck says
            // 503, HAProxy must route around the node; the orchestration manages that file and puts it back.
            new FaultCase("clustercheck: wrong password in its credentials on the write node", Target.WRITE_NODE, FaultMatrix.HOLD,
                    (f, h) -> f.on(h, "sed -i 's/^password = .*/password = \"wrong-password\"/' /etc/mysql/clustercheck.cnf"
                            + " && grep -c wrong-password /etc/mysql/clustercheck.cnf"),
                    null, null));

    /** Waits until a controller other than {@code from} holds the VIP; which one, and after how long. */
    static String awaitVipElsewhere(Lab lab, String from, java.time.Duration limit) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            List<String> holders = lab.vipHolders();
            long ms = (System.nanoTime() - t0) / 1_000_000L;
            for (String h : holders) if (!h.equals(from)) return "the VIP moved to " + h + " after " + ms / 1000.0 + " s (held by " + holders + ")";
            if (ms > limit.toMillis()) throw new AssertionError("the VIP did not move from " + from + " within " + limit.toSeconds() + " s: held by " + holders);
            Thread.sleep(500);
        }
    }

    private MatrixServiceCases() {}
}
