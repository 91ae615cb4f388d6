package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.host.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The formula's rabbitmq-quorum query against a real private node holding a quorum queue whose
 * name is beyond Latin-1: the Erlang expression prints it as it is (rabbit_misc:rs, which gives
 * the name's UTF-8 bytes as characters, printed it re-encoded) and names the node lacking a member.
 */
@Tag("real")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RabbitmqQuorumScriptRealTest {
    @TempDir
    Path dir;

    @Test
    void theQueryNamesAQuorumQueueWithANonLatin1NameThatLacksAMember() throws Exception {
        try (PrivateRabbitNodes rabbit = new PrivateRabbitNodes(dir)) {
            PrivateRabbitNodes.Node a = rabbit.start("a");
            rabbit.awaitStartup(a, Duration.ofSeconds(150));
            // "заказы", written as code points so that no layer's encoding of the command matters.
            ExecResult declared = rabbit.ctl(a, "eval", "rabbit_amqqueue:declare(rabbit_misc:r(<<\"/\">>, queue, "
                    + "unicode:characters_to_binary([1079,1072,1082,1072,1079,1099])), true, false, "
                    + "[{<<\"x-queue-type\">>, longstr, <<\"quorum\">>}], none, <<\"test\">>).");
            assertTrue(declared.succeeded() && declared.stdout().contains("new"), declared.stdout() + declared.stderr());

            // RABBITMQCTL: the real rabbitmqctl pointed at the private node.
            Path ctl = dir.resolve("ctl");
            Files.writeString(ctl, "#!/bin/sh\nexec " + PrivateRabbitNodes.CTL + " -n " + a.name() + " \"$@\"\n");
            assertTrue(ctl.toFile().setExecutable(true));
            List<String> argv = new ArrayList<>(List.of("sh", Path.of("formulas/rabbitmq/rabbitmq-quorum.sh").toAbsolutePath().toString(),
                    "missing", a.name(), "rabbit@ghost"));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().putAll(rabbit.ctlEnv());
            pb.environment().putAll(Map.of("RABBITMQCTL", ctl.toString(), "LC_ALL", "C.UTF-8"));
            Path out = dir.resolve("quorum.out");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rabbitmq-quorum missing did not finish in 60 s");
            String output = Files.readString(out);
            assertEquals(1, p.exitValue(), output);
            assertEquals(List.of("rabbit@ghost queue 'заказы' in vhost '/'"), output.lines().toList());
        }
    }
}
