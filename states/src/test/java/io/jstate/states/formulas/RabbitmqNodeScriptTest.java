package io.jstate.states.formulas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rabbitmq-node start on a booting node, with rabbitmqctl, rabbitmq-diagnostics and the init
 * script faked: a boot that goes on while a peer runs is stuck (RabbitMQ's global sync after a
 * partition) and the node's VM is restarted. (A boot with no peer running, which only waits:
 * RabbitmqFormulaTest.)
 */
@Timeout(60)
class RabbitmqNodeScriptTest {
    private static final Path SCRIPT = HaFormulas.STATE_ROOT.resolve("rabbitmq/rabbitmq-node.sh");

    @TempDir
    Path dir;

    private record Ran(int exit, String err, List<String> calls) {}

    /** The script's start on a node that boots and never ends its boot, with PEERS peers running. */
    private Ran startBooting(int peers) throws Exception {
        return startBooting(peers, true);
    }

    /** As above; STOPS false: rabbitmqctl stop leaves the VM up and the VM does not say its pid. */
    private Ran startBooting(int peers, boolean stops) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        Path stopped = dir.resolve("stopped");
        script(bin.resolve("rabbitmq-diagnostics"), "echo \"diag $2\" >>" + calls + "\n"
                + "case $2 in ping) [ -e " + stopped + " ] && exit 1; exit 0;; is_booting) echo '{\"result\": true}'; exit 0;; esac\nexit 1");
        script(bin.resolve("rabbitmqctl"), "echo \"ctl $*\" >>" + calls + "\n"
                + "case \"$*\" in *rabbit_mnesia*) echo " + peers + "; exit 0;; *os:getpid*) " + (stops ? "echo '\"4242\"'; exit 0" : "exit 1") + ";;"
                + " *await_startup*) exit 1;; '-q stop') " + (stops ? "touch " + stopped + "; " : "") + "exit 0;; esac\nexit 1");
        Path init = script(dir.resolve("init"), "echo \"init $1\" >>" + calls + "\nexit 0");
        Path conf = Files.writeString(dir.resolve("rabbitmq.conf"), "# no listener: the diagnostics decide\n");
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString(), "start").redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("RABBITMQ_CONFIG_FILE", conf.toString());
        pb.environment().put("RABBITMQ_INIT_SCRIPT", init.toString());
        pb.environment().put("RABBITMQ_STUCK_WAIT", "1");
        pb.environment().put("RABBITMQ_BOOT_WAIT", "1");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "rabbitmq-node start ends");
        return new Ran(p.exitValue(), err, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    private static Path script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        assertTrue(p.toFile().setExecutable(true));
        return p;
    }

    @Test
    void aBootThatGoesOnWhileAPeerRunsIsStuckAndTheNodesVmIsStartedAgain() throws Exception {
        Ran r = startBooting(2);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("still booting after 1 s while 2 peer(s) of its cluster ran"), r.err());
        assertTrue(r.calls().contains("ctl -q stop"), r.calls().toString());
        assertEquals("init start", r.calls().get(r.calls().size() - 1), "the init script starts the node again, last: " + r.calls());
        assertTrue(r.calls().indexOf("ctl -q stop") < r.calls().indexOf("init start"), r.calls().toString());
    }

    @Test
    void aVmThatDoesNotStopIsNotStartedOverAndTheOperatorIsTold() throws Exception {
        Ran r = startBooting(1, false);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("its VM did not stop (rabbitmqctl stop, then kill -9 of its pid (unknown: the VM did not say)): stop it by hand"), r.err());
        assertTrue(r.calls().contains("ctl -q stop"), r.calls().toString());
        assertTrue(r.calls().stream().noneMatch(c -> c.startsWith("init ")), r.calls().toString());
    }
}
