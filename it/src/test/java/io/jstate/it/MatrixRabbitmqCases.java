package io.jstate.it;

import io.jstate.it.FaultMatrix.FaultCase;
import io.jstate.it.FaultMatrix.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The fault matrix's RabbitMQ cases. */
final class MatrixRabbitmqCases {
    static final List<FaultCase> CASES = List.of(
            new FaultCase("RabbitMQ: stop_app on ctl2", Target.host("ctl2"), FaultMatrix.HOLD, (f, h) -> f.stopApp(h), null,
                    (f, h) -> f.startApp(h)),
            new FaultCase("RabbitMQ: beam.smp kill -9 on ctl2", Target.host("ctl2"), FaultMatrix.HOLD, (f, h) -> f.kill(h, "beam.smp"), null,
                    (f, h) -> f.start(h, "rabbitmq-server")),
            // RabbitMQ sees a partition only after net_ticktime (60 s; 77 s measured under load):
            // the fault is held 90 s with the workload running, and its undo first checks that
            // pause_minority paused the isolated node, then heals and waits for ctl3's minion to
            // connect again (its connection broke too; an orchestration started before that fails
            // at once on "ctl3 did not answer: not connected").
            new FaultCase("RabbitMQ: ctl3 isolated 90 s (pause_minority pauses it), then healed", Target.host("ctl3"), Duration.ofSeconds(90),
                    (f, h) -> f.isolate(h),
                    (f, h) -> awaitNodeState(f, h, "app-stopped", Duration.ofSeconds(60)) + "; " + f.heal() + "; "
                            + MatrixJstateCases.awaitMinions(f.lab(), Duration.ofSeconds(120)),
                    (f, h) -> f.heal()),
            // The wrong order after a full stop: ctl1, ctl2, ctl3 stopped in turn (ctl3 last, so only
            // its tables are the newest), then ctl1 started alone, which waits at boot for them
            // ("booting"). The rabbitmq-server stage runs on every node at once: the init scripts start
            // the down ctl2 and ctl3, ctl3 boots by itself and ends ctl1's wait. The formula never
            // forces a boot: force_boot on ctl1 would throw away what ctl3 saw after ctl1 stopped
            // (queues, users, policies); that is the operator's call when ctl3 is lost for good.
            new FaultCase("RabbitMQ: all three stopped in turn (ctl3 last), ctl1 started first", Target.host("ctl1"), FaultMatrix.HOLD,
                    MatrixRabbitmqCases::stopAllThenStartFirst, null, null),
            // A power loss: every beam.smp SIGSTOPped first (a frozen node is seen down only after
            // net_ticktime, 60 s), then all killed -9, so no node saw another one stop and none knows
            // it stopped last. Each waits at boot for the others' tables; started at once by the
            // rabbitmq-server stage, they find each other and boot without force_boot.
            new FaultCase("RabbitMQ: all three beam.smp frozen, then kill -9 (no node stopped last)", Target.host("ctl1"), FaultMatrix.HOLD,
                    MatrixRabbitmqCases::killAllAtOnce, null, null));

    private static final List<String> NODES = List.of("ctl1", "ctl2", "ctl3");

    /**
     * Stops the brokers with their init scripts in the order of {@link #NODES} (the last one
     * stopped holds the newest tables), then starts {@code first} alone in the background and waits
     * until it is booting: waiting for the last one's tables.
     */
    static String stopAllThenStartFirst(Faults f, String first) throws Exception {
        List<String> did = new ArrayList<>(List.of(awaitPublisher(f, Duration.ofSeconds(90))));
        for (String h : NODES) did.add(stopBroker(f, h));
        did.add(must(f, first, "setsid /etc/init.d/rabbitmq-server start </dev/null >>/var/log/jlab-matrix-rabbitmq-start.log 2>&1 & "
                + "echo \"$(hostname): /etc/init.d/rabbitmq-server start in the background\""));
        did.add(awaitNodeState(f, first, "booting", Duration.ofSeconds(120)));
        return String.join("; ", did);
    }

    /** Every node's beam.smp SIGSTOPped, then every one killed -9: none sees another go down before it dies. */
    static String killAllAtOnce(Faults f, String any) throws Exception {
        List<String> did = new ArrayList<>(List.of(awaitPublisher(f, Duration.ofSeconds(90))));
        for (String h : NODES) did.add(f.pause(h, "beam.smp"));
        for (String h : NODES) did.add(f.kill(h, "beam.smp"));
        return String.join("; ", did);
    }

    /**
     * The broker of {@code host} stopped with its init script, and its Erlang VM gone. With the
     * others of its cluster stopped, pause_minority has paused it: its init script's status then
     * says not running, so the init script's stop does nothing and the VM stays up; it is stopped as
     * an operator must, {@code rabbitmqctl stop}.
     */
    static String stopBroker(Faults f, String host) throws Exception {
        Procs.Ran r = f.run("stop", host, "rabbitmq-server");
        String line = r.exit() == 0 ? r.out().trim() : "/etc/init.d/rabbitmq-server stop in " + host + ": exit " + r.exit();
        return line + "; " + must(f, host, "t=$SECONDS; if pgrep -x beam.smp >/dev/null; then echo -n 'its VM still up (paused), rabbitmqctl stop: '; "
                + "timeout 90 rabbitmqctl -q stop </dev/null; fi; "
                + "for i in $(seq 60); do pgrep -x beam.smp >/dev/null || { echo \"no beam.smp after $((SECONDS - t)) s\"; exit 0; }; sleep 1; done; "
                + "echo 'beam.smp still runs 60 s after rabbitmqctl stop'; exit 1");
    }

    /**
     * Waits until the workload's publisher is connected (its connection is listed by the cluster),
     * then 5 s more, so that the fault meets confirmed messages: under load the workload's JVM can
     * take longer to connect than the matrix's lead time.
     */
    static String awaitPublisher(Faults f, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            Procs.Ran r = f.lab().on(NODES.get(0), "timeout 60 rabbitmqctl -q list_connections -p workload client_properties </dev/null");
            long s = (System.nanoTime() - t0) / 1_000_000_000L;
            if (r.exit() == 0 && r.out().contains("jstate-workload-publisher")) {
                Thread.sleep(5000);
                return "the workload's publisher connected after " + s + " s (+5 s)";
            }
            if (s > limit.toSeconds()) throw new AssertionError("the workload's publisher not connected after " + s + " s: " + r);
            System.out.println("fault matrix:   waiting for the workload's publisher to connect (" + s + " s)");
            Thread.sleep(2000);
        }
    }

    /** A shell command in {@code host} that must succeed; its output (not the command, as {@link Faults#on} gives). */
    private static String must(Faults f, String host, String shell) throws Exception {
        Procs.Ran r = f.lab().on(host, shell);
        if (r.exit() != 0) throw new AssertionError(host + ": " + shell + ":\n" + r);
        return r.out().trim();
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
