package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

/**
 * The lab's fault injector (packaging/lab/fault) for a test, on the lab instance of a {@link Lab}:
 * each method makes one fault, fails the test when the injector refused or failed, and returns the
 * one line the injector printed of what it did. {@link #run} gives the raw result, for refusals.
 */
final class Faults {
    /** Longer than any one fault may take: a reboot starts every init script of a host, each bounded. */
    private static final Duration BOUND = Duration.ofMinutes(15);

    private final Lab lab;

    Faults(Lab lab) {
        this.lab = lab;
    }

    /** The lab the faults are made on, for a case that watches it or runs a command in it while it makes a fault. */
    Lab lab() {
        return lab;
    }

    /** {@code fault ARGS...}, whatever its exit. */
    Procs.Ran run(String... args) throws Exception {
        return lab.script("fault", BOUND, args);
    }

    /** {@code fault ARGS...}, which must succeed; its line. */
    String make(String... args) throws Exception {
        Procs.Ran r = run(args);
        assertEquals(0, r.exit(), "fault " + String.join(" ", args) + ":\n" + r);
        return r.out().trim();
    }

    /** kill -9 of every process named {@code daemon} in {@code host}. */
    String kill(String host, String daemon) throws Exception {
        return make("kill", host, daemon);
    }

    String pause(String host, String daemon) throws Exception {
        return make("pause", host, daemon);
    }

    String resume(String host, String daemon) throws Exception {
        return make("resume", host, daemon);
    }

    /** A clean stop through the service's init script. */
    String stop(String host, String service) throws Exception {
        return make("stop", host, service);
    }

    String start(String host, String service) throws Exception {
        return make("start", host, service);
    }

    /** {@code rabbitmqctl stop_app}. */
    String stopApp(String host) throws Exception {
        return make("stop-app", host);
    }

    String startApp(String host) throws Exception {
        return make("start-app", host);
    }

    String isolate(String host) throws Exception {
        return make("isolate", host);
    }

    String cut(String a, String b) throws Exception {
        return make("cut", a, b);
    }

    /** Removes the injector's network rules from every host. */
    String heal() throws Exception {
        return make("heal");
    }

    /** Removes the injector's rules from HOST only (one side of a cut). */
    String heal(String host) throws Exception {
        return make("heal", host);
    }

    String reboot(String host) throws Exception {
        return make("reboot", host);
    }

    String diskFull(String host) throws Exception {
        return make("disk-full", host);
    }

    String diskFree(String host) throws Exception {
        return make("disk-free", host);
    }

    /** {@code action}: rm, corrupt or restore. */
    String grastate(String action, String host) throws Exception {
        return make("grastate", action, host);
    }

    /** A shell command in {@code host} for a fault the injector has no command for; it must succeed; its output. */
    String on(String host, String shell) throws Exception {
        Procs.Ran r = lab.on(host, shell);
        assertEquals(0, r.exit(), host + ": " + shell + ":\n" + r);
        return host + ": " + shell + " -> " + r.out().trim();
    }

    /** The active faults as the injector lists them; "no active fault" when there is none. */
    String status() throws Exception {
        return make("status");
    }
}
