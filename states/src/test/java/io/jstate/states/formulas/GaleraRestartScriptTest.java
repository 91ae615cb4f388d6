package io.jstate.states.formulas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * galera-restart (galera.service's rolling restart for a new configuration): drained through
 * clustercheck's maintenance file before the restart, taken back once Synced. The restart,
 * galera-status and clustercheck are faked; HAProxy's stats socket is a UNIX socket this test
 * serves, answering "show stat" as HAProxy 2.6 does.
 */
@Timeout(120)
class GaleraRestartScriptTest {
    private static final Path SCRIPT = HaFormulas.STATE_ROOT.resolve("galera/galera-restart.sh");

    @TempDir
    Path dir;

    private Path drain;
    private Path events;

    /**
     * Fakes: the restart records whether the node was drained; galera-status is Synced after it and
     * records whether the node was still drained when asked.
     */
    private Map<String, String> env() throws IOException {
        drain = dir.resolve("maint/maintenance");
        events = dir.resolve("events");
        Path synced = dir.resolve("synced");
        Path status = script("galera-status", "case $1 in synced) if [ -e " + drain + " ]; then echo synced?-drained; else echo synced?; fi >>" + events
                + "; [ -e " + synced + " ] ;; get) echo Joined ;; esac");
        Path check = script("clustercheck", "exit 0");
        return Map.of("PATH", "/usr/bin:/bin", "GALERA_STATUS", status.toString(), "CLUSTERCHECK", check.toString(),
                "GALERA_RESTART_CMD", "if [ -e " + drain + " ]; then echo restart-drained; else echo restart-undrained; fi >>" + events
                        + "; if [ ! -e " + dir.resolve("fail") + " ]; then touch " + synced + "; fi");
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        assertTrue(p.toFile().setExecutable(true));
        return p;
    }

    private HaFormulas.Ran restart(Map<String, String> env, String... more) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", SCRIPT.toString(), "--init", "sysvinit", "--drain", drain.toString(), "--server", "ctl1",
                "--haproxy-socket", dir.resolve("no-haproxy.sock").toString(), "--drain-within", "1", "--interval", "0", "--within", "8"));
        argv.addAll(List.of(more));
        return HaFormulas.run(dir, env, argv.toArray(String[]::new));
    }

    @Test
    void drainsRestartsWaitsForSyncedAndTakesTheNodeBack() throws Exception {
        HaFormulas.Ran r = restart(env());
        assertEquals(0, r.exit(), r.output());
        assertEquals(List.of("restart-drained", "synced?"), Files.readAllLines(events));
        assertFalse(Files.exists(drain), "the maintenance file is removed once Synced");
        assertTrue(r.output().contains("no local HAProxy view of galera/ctl1: waiting 1 s for the HAProxy of the other hosts"), r.output());
        assertTrue(r.output().contains("Synced 0 s after the restart"), r.output());
    }

    @Test
    void anOperatorsDrainIsKeptAndAFailedRestartStillTakesOurDrainBack() throws Exception {
        Map<String, String> env = env();
        Files.createDirectories(drain.getParent());
        Files.writeString(drain, "operator\n");
        HaFormulas.Ran kept = restart(env);
        assertEquals(0, kept.exit(), kept.output());
        assertEquals("operator\n", Files.readString(drain), "an operator's maintenance file is left in place");
        assertTrue(kept.output().contains("exists already (drained by an operator): left in place"), kept.output());

        Files.delete(drain);
        Files.delete(events);
        Files.createFile(dir.resolve("fail"));
        Files.delete(dir.resolve("synced"));
        HaFormulas.Ran failed = restart(env);
        assertEquals(1, failed.exit(), failed.output());
        assertTrue(failed.output().matches("(?s).*not Synced [0-9]+ s after the restart \\(wsrep_local_state_comment Joined\\).*"), failed.output());
        assertFalse(Files.exists(drain), "the drain this script made is removed when it fails too");

        // A drain left by a run killed at the engine's timeout is this script's own: taken over and removed.
        Files.delete(dir.resolve("fail"));
        Files.writeString(drain, "drained by galera-restart for a configuration restart\n");
        HaFormulas.Ran again = restart(env);
        assertEquals(0, again.exit(), again.output());
        assertFalse(Files.exists(drain), again.output());
    }

    @Test
    void badArgumentsSayWhatIsWrongAndChangeNothing() throws Exception {
        Map<String, String> env = env();
        for (List<String> bad : List.of(List.of("--init", "upstart"), List.of("--within", "ten"), List.of("--within", "3"), List.of("--bogus", "1"))) {
            HaFormulas.Ran r = restart(env, bad.toArray(String[]::new));
            assertEquals(2, r.exit(), r.output());
            assertTrue(r.output().startsWith("galera-restart: "), r.output());
            assertTrue(r.output().contains("usage: galera-restart --init"), r.output());
        }
        assertFalse(Files.exists(events), "nothing was restarted");
        assertFalse(Files.exists(drain), "nothing was drained");
    }

    /**
     * HAProxy's stats socket: a UNIX socket this test serves, answering "show stat" as HAProxy 2.6
     * does. Each answer gives the status of ctl1 and ctl2, the last one again and again; a null
     * answer closes the connection without a word (an HAProxy that does not answer).
     */
    private static final class FakeHaproxy implements AutoCloseable {
        final Path sock = Path.of("/tmp", "jstate-gr-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".sock");
        final AtomicInteger asked = new AtomicInteger();
        private final ServerSocketChannel server;

        FakeHaproxy(String[]... answers) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread t = new Thread(() -> {
                while (server.isOpen()) {
                    try (SocketChannel c = server.accept()) {
                        c.read(ByteBuffer.allocate(256));
                        String[] a = answers[Math.min(asked.getAndIncrement(), answers.length - 1)];
                        if (a == null) continue;
                        String csv = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status\n"
                                + "galera,FRONTEND,,,0,0,4096,0,0,0,0,0,0,,,,,OPEN\n"
                                + "galera,ctl1,0,0,0,0,,0,0,0,,0,,0,0,0,0," + a[0] + "\n"
                                + "galera,ctl2,0,0,0,0,,0,0,0,,0,,0,0,0,0," + a[1] + "\n"
                                + "galera,BACKEND,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP\n\n";
                        c.write(ByteBuffer.wrap(csv.getBytes(StandardCharsets.US_ASCII)));
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "fake-haproxy-stats");
            t.setDaemon(true);
            t.start();
        }

        HaFormulas.Ran restart(Path dir, Map<String, String> env, Path drain, String... more) throws Exception {
            List<String> argv = new ArrayList<>(List.of("sh", SCRIPT.toString(), "--init", "sysvinit", "--drain", drain.toString(), "--server", "ctl1",
                    "--haproxy-socket", sock.toString(), "--drain-within", "30", "--interval", "0", "--within", "100"));
            argv.addAll(List.of(more));
            return HaFormulas.run(dir, env, argv.toArray(String[]::new));
        }

        @Override
        public void close() throws IOException {
            server.close();
            Files.deleteIfExists(sock);
        }
    }

    private static String[] up(String ctl1) {
        return new String[] {ctl1, "UP"};
    }

    /** HAProxy's view: UP, going down, DOWN (clustercheck's 503 seen fall times), then back UP. */
    @Test
    void waitsForTheLocalHaproxyToMarkTheServerDownBeforeTheRestartAndUpAfterIt() throws Exception {
        Map<String, String> env = env();
        try (FakeHaproxy haproxy = new FakeHaproxy(up("UP"), up("UP 1/3"), up("DOWN"), up("DOWN 1/2"), up("UP"))) {
            HaFormulas.Ran r = haproxy.restart(dir, env, drain);
            assertEquals(0, r.exit(), r.output());
            assertEquals(5, haproxy.asked.get(), "asked until DOWN, then until UP again, then no more: " + r.output());
            assertTrue(r.output().matches("(?s).*HAProxy marked galera/ctl1 down after [12] s.*"), r.output());
            assertTrue(r.output().matches("(?s).*HAProxy marked galera/ctl1 UP after [0-2] s.*"), r.output());
            assertEquals(List.of("restart-drained", "synced?"), Files.readAllLines(events));
            assertFalse(Files.exists(drain), r.output());
        }
    }

    /** A stats socket that does not answer says nothing about the server: it is asked again. */
    @Test
    void aStatsSocketThatDoesNotAnswerIsNotTakenForDown() throws Exception {
        Map<String, String> env = env();
        try (FakeHaproxy haproxy = new FakeHaproxy(up("UP"), up("UP"), null, null, up("DOWN"), up("UP"))) {
            HaFormulas.Ran r = haproxy.restart(dir, env, drain);
            assertEquals(0, r.exit(), r.output());
            assertEquals(7, haproxy.asked.get(), "asked through the silence until DOWN, then until UP: " + r.output());
            assertTrue(r.output().matches("(?s).*HAProxy marked galera/ctl1 down after [3-5] s.*"), r.output());
            assertEquals(List.of("restart-drained", "synced?"), Files.readAllLines(events));
        }
        // One that never answers again: the whole --drain-within, then the restart.
        Files.delete(events);
        Files.delete(dir.resolve("synced"));
        try (FakeHaproxy silent = new FakeHaproxy(up("UP"), null)) {
            long t0 = System.nanoTime();
            HaFormulas.Ran r = silent.restart(dir, env, drain, "--drain-within", "3", "--within", "12");
            assertTrue(System.nanoTime() - t0 >= 3_000_000_000L, r.output());
            assertTrue(r.output().contains("HAProxy still shows galera/ctl1 as no answer from HAProxy's stats socket"), r.output());
            assertEquals("restart-drained", Files.readAllLines(events).get(0), r.output());
        }
    }

    /** Draining the only server HAProxy shows UP would leave it none (and Keepalived's check would drop the VIP). */
    @Test
    void refusesToDrainTheLastServerUpAndChangesNothing() throws Exception {
        Map<String, String> env = env();
        try (FakeHaproxy haproxy = new FakeHaproxy(new String[] {"UP", "DOWN"})) {
            long t0 = System.nanoTime();
            HaFormulas.Ran r = haproxy.restart(dir, env, drain, "--drain-within", "2");
            assertEquals(1, r.exit(), r.output());
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "bounded by --drain-within: " + r.output());
            assertTrue(r.output().contains("refusing to drain and restart ctl1: the local HAProxy shows no other server of galera UP (ctl1 UP,ctl2 DOWN)"),
                    r.output());
            assertFalse(Files.exists(events), "nothing was restarted");
            assertFalse(Files.exists(drain), "nothing was drained");
        }
        // Another server coming UP within the bound lets the restart go on.
        try (FakeHaproxy haproxy = new FakeHaproxy(new String[] {"UP", "DOWN"}, new String[] {"UP", "UP"}, up("DOWN"), up("UP"))) {
            HaFormulas.Ran r = haproxy.restart(dir, env, drain);
            assertEquals(0, r.exit(), r.output());
            assertEquals(List.of("restart-drained", "synced?"), Files.readAllLines(events));
        }
    }

    /** A server HAProxy does not take back fails the run: the next node would be drained with this one down. */
    @Test
    void failsWhenHaproxyDoesNotTakeTheServerBack() throws Exception {
        Map<String, String> env = env();
        try (FakeHaproxy haproxy = new FakeHaproxy(up("UP"), up("DOWN"))) {
            long t0 = System.nanoTime();
            HaFormulas.Ran r = haproxy.restart(dir, env, drain, "--drain-within", "1", "--within", "6");
            assertEquals(1, r.exit(), r.output());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "bounded by --within: " + r.output());
            assertTrue(r.output().contains("HAProxy still shows galera/ctl1 as 'DOWN' after the restart: the next node must not be drained while it is down"),
                    r.output());
            assertFalse(Files.exists(drain), r.output());
        }
    }

    /** A restart that blocks (the init script waits up to MYSQLD_STARTUP_TIMEOUT) is stopped inside --within, and the drain removed. */
    @Test
    void aRestartThatBlocksIsStoppedWithinTheBoundAndTheDrainRemoved() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("GALERA_RESTART_CMD", "echo restart-blocks >>" + events + "; exec sleep 50");
        long t0 = System.nanoTime();
        HaFormulas.Ran r = restart(env, "--within", "6");
        long took = System.nanoTime() - t0;
        assertEquals(1, r.exit(), r.output());
        assertTrue(took < 12_000_000_000L, "ended by --within 6 (+ 2 s to stop the restart), not after the restart's 50 s: " + took / 1_000_000 + " ms " + r.output());
        assertTrue(r.output().contains("the restart of mariadb did not return within"), r.output());
        assertFalse(Files.exists(drain), "the drain is removed once the restart is stopped");
    }

    /** What galera.service's galera-drain-released runs: a drain left by a killed run goes; an operator's stays. */
    @Test
    void undrainRemovesOnlyADrainOfItsOwn() throws Exception {
        Map<String, String> env = env();
        Files.createDirectories(drain.getParent());
        Files.writeString(drain, "drained by galera-restart for a configuration restart\n");
        assertEquals(0, HaFormulas.run(dir, env, "sh", SCRIPT.toString(), "owns", drain.toString()).exit());
        HaFormulas.Ran removed = HaFormulas.run(dir, env, "sh", SCRIPT.toString(), "undrain", drain.toString());
        assertEquals(0, removed.exit(), removed.output());
        assertFalse(Files.exists(drain), removed.output());
        assertEquals(1, HaFormulas.run(dir, env, "sh", SCRIPT.toString(), "owns", drain.toString()).exit(), "an absent file is not its own");

        Files.writeString(drain, "operator\n");
        assertEquals(1, HaFormulas.run(dir, env, "sh", SCRIPT.toString(), "owns", drain.toString()).exit());
        HaFormulas.Ran kept = HaFormulas.run(dir, env, "sh", SCRIPT.toString(), "undrain", drain.toString());
        assertEquals(0, kept.exit(), kept.output());
        assertEquals("operator\n", Files.readString(drain));
        assertEquals(2, HaFormulas.run(dir, env, "sh", SCRIPT.toString(), "undrain").exit());
    }
}
