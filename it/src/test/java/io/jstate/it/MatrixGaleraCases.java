package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The fault matrix's Galera cases ({@link FaultMatrix}): one line a case. */
final class MatrixGaleraCases {
    static final List<FaultCase> CASES = List.of(
            new FaultCase("Galera: write node mariadbd kill -9", Target.WRITE_NODE, FaultMatrix.HOLD, (f, h) -> f.kill(h, "mariadbd"), null,
                    null),
            new FaultCase("Galera: write node mariadbd SIGSTOP 60 s, then CONT", Target.WRITE_NODE, Duration.ofSeconds(60),
                    (f, h) -> f.pause(h, "mariadbd"), (f, h) -> f.resume(h, "mariadbd"), null),
            new FaultCase("Galera: ctl3 isolated 30 s, then healed", Target.host("ctl3"), Duration.ofSeconds(30), (f, h) -> f.isolate(h),
                    (f, h) -> f.heal(), (f, h) -> f.heal()),
            // The VIP's writes still reach the write node, but its Galera links to both others are cut: it must go
            // non-Primary and take no write (clustercheck then says 503 and HAProxy moves the writes); one cluster after heal.
            new FaultCase("Galera: write node's links to both others cut 30 s, then healed", Target.WRITE_NODE, Duration.ofSeconds(30),
                    MatrixGaleraCases::cutFromOthers, (f, h) -> f.heal(), (f, h) -> f.heal()),
            // A partial partition: ctl1 and ctl2 cannot reach each other, both still reach ctl3.
            new FaultCase("Galera: ctl1 and ctl2 cut from each other 30 s (both reach ctl3), then healed", Target.host("ctl1"),
                    Duration.ofSeconds(30), (f, h) -> f.cut("ctl1", "ctl2"), (f, h) -> f.heal(), (f, h) -> f.heal()));

    /** {@code fault cut HOST OTHER} for each other controller: HOST reaches no controller, the master still reaches it. */
    private static String cutFromOthers(Faults f, String host) throws Exception {
        List<String> done = new ArrayList<>();
        for (String other : Lab.CONTROLLERS) if (!other.equals(host)) done.add(f.cut(host, other));
        return String.join("; ", done);
    }

    private MatrixGaleraCases() {}
}
