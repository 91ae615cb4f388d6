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

    /** Fakes: the restart records whether the node was drained; galera-status is Synced after it. */
    private Map<String, String> env() throws IOException {
        drain = dir.resolve("maint/maintenance");
        events = dir.resolve("events");
        Path synced = dir.resolve("synced");
        Path status = script("galera-status", "case $1 in synced) echo synced? >>" + events + "; [ -e " + synced + " ] ;; get) echo Joined ;; esac");
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
                "--haproxy-socket", dir.resolve("no-haproxy.sock").toString(), "--drain-within", "1", "--interval", "0", "--synced-within", "5"));
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
        assertTrue(failed.output().contains("not Synced 5 s after the restart (wsrep_local_state_comment: Joined)"), failed.output());
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
        for (List<String> bad : List.of(List.of("--init", "upstart"), List.of("--synced-within", "ten"), List.of("--bogus", "1"))) {
            HaFormulas.Ran r = restart(env, bad.toArray(String[]::new));
            assertEquals(2, r.exit(), r.output());
            assertTrue(r.output().startsWith("galera-restart: "), r.output());
            assertTrue(r.output().contains("usage: galera-restart --init"), r.output());
        }
        assertFalse(Files.exists(events), "nothing was restarted");
        assertFalse(Files.exists(drain), "nothing was drained");
    }

    /** HAProxy's view: UP for the first checks, then DOWN (clustercheck's 503 seen fall times). */
    @Test
    void waitsForTheLocalHaproxyToMarkTheServerDownBeforeTheRestart() throws Exception {
        Map<String, String> env = env();
        Path sock = Path.of("/tmp", "jstate-gr-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".sock");
        AtomicInteger asked = new AtomicInteger();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread t = new Thread(() -> {
                while (server.isOpen()) {
                    try (SocketChannel c = server.accept()) {
                        ByteBuffer in = ByteBuffer.allocate(256);
                        c.read(in);
                        String status = asked.incrementAndGet() <= 2 ? "UP 1/3" : "DOWN";
                        String csv = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status\n"
                                + "galera,FRONTEND,,,0,0,4096,0,0,0,0,0,0,,,,,OPEN\n"
                                + "galera,ctl2,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP\n"
                                + "galera,ctl1,0,0,0,0,,0,0,0,,0,,0,0,0,0," + status + "\n\n";
                        c.write(ByteBuffer.wrap(csv.getBytes(StandardCharsets.US_ASCII)));
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "fake-haproxy-stats");
            t.setDaemon(true);
            t.start();
            List<String> argv = List.of("sh", SCRIPT.toString(), "--init", "sysvinit", "--drain", drain.toString(), "--server", "ctl1",
                    "--haproxy-socket", sock.toString(), "--drain-within", "30", "--interval", "0", "--synced-within", "5");
            HaFormulas.Ran r = HaFormulas.run(dir, env, argv.toArray(String[]::new));
            assertEquals(0, r.exit(), r.output());
            assertEquals(3, asked.get(), "asked until DOWN, then no more: " + r.output());
            assertTrue(r.output().contains("HAProxy marked galera/ctl1 down after 2 s"), r.output());
            assertEquals(List.of("restart-drained", "synced?"), Files.readAllLines(events));
            assertFalse(Files.exists(drain), r.output());
        } finally {
            Files.deleteIfExists(sock);
        }
    }
}
