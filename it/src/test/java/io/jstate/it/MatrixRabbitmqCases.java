package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.time.Duration;
import java.util.List;

/** The fault matrix's RabbitMQ cases. */
final class MatrixRabbitmqCases {
    static final List<FaultCase> CASES = List.of(
            new FaultCase("RabbitMQ: stop_app on ctl2", Target.host("ctl2"), FaultMatrix.HOLD, (f, h) -> f.stopApp(h), null,
                    (f, h) -> f.startApp(h)),
            new FaultCase("RabbitMQ: beam.smp kill -9 on ctl2", Target.host("ctl2"), FaultMatrix.HOLD, (f, h) -> f.kill(h, "beam.smp"), null,
                    (f, h) -> f.start(h, "rabbitmq-server")),
            // RabbitMQ sees a partition only after net_ticktime (60 s): the fault is held until
            // pause_minority has paused the isolated node, so that the heal is a partition's end.
            new FaultCase("RabbitMQ: ctl3 isolated until paused (pause_minority), then healed", Target.host("ctl3"), FaultMatrix.HOLD,
                    (f, h) -> f.isolate(h) + "; " + awaitNodeState(f, h, "app-stopped", Duration.ofSeconds(150)), (f, h) -> f.heal(),
                    (f, h) -> f.heal()),
            // A full clean stop, ctl1 first and ctl3 last, then ctl1 started first: it waits at boot
            // for ctl3's tables. The orchestration starts every node at once, so ctl3 comes up and
            // ctl1's boot ends; it never forces a boot (that could drop what ctl3 saw last).
            new FaultCase("RabbitMQ: all stopped in turn (ctl1 first), ctl1 started first", Target.host("ctl1"), FaultMatrix.HOLD,
                    (f, h) -> f.stop("ctl1", "rabbitmq-server") + "; " + f.stop("ctl2", "rabbitmq-server") + "; "
                            + f.stop("ctl3", "rabbitmq-server") + "; " + startInBackground(f, h) + "; "
                            + awaitNodeState(f, h, "booting", Duration.ofSeconds(90)),
                    null, (f, h) -> startInBackground(f, "ctl3") + "; " + startInBackground(f, "ctl2")));

    /** Starts HOST's broker with its init script without waiting: a node that is not the last stopped blocks at boot. */
    static String startInBackground(Faults f, String host) throws Exception {
        Procs.Ran r = f.lab().on(host, "setsid /etc/init.d/rabbitmq-server start </dev/null >>/var/log/jlab-matrix-rabbitmq-start.log 2>&1 & echo $!");
        if (r.exit() != 0) throw new AssertionError("starting rabbitmq-server on " + host + " in the background: " + r);
        return "rabbitmq-server start on " + host + " in the background (pid " + r.out().trim() + ")";
    }

    /** Waits until {@code /usr/local/sbin/rabbitmq-node status} on HOST prints {@code want}; how long it took. */
    static String awaitNodeState(Faults f, String host, String want, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        long said = t0;
        String got;
        while (true) {
            got = f.lab().on(host, "/usr/local/sbin/rabbitmq-node status").out().trim();
            long s = (System.nanoTime() - t0) / 1_000_000_000L;
            if (want.equals(got)) return "rabbit@" + host + " " + want + " after " + s + " s";
            if (s > limit.toSeconds()) throw new AssertionError("rabbit@" + host + " still " + got + " after " + s + " s (waited for " + want + ")");
            if (System.nanoTime() - said > 30_000_000_000L) {
                System.out.println("fault matrix:   waiting for rabbit@" + host + " to be " + want + " (" + s + " s, now " + got + ")");
                said = System.nanoTime();
            }
            Thread.sleep(2000);
        }
    }

    private MatrixRabbitmqCases() {}
}
