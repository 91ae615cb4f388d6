package io.jstate.states.formulas;

import static io.jstate.states.formulas.HaFormulas.compile;
import static io.jstate.states.formulas.HaFormulas.ids;
import static io.jstate.states.formulas.HaFormulas.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.kinds.cmd.CmdRun;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.lang.Compiled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rabbitmq.quorum: every quorum queue gets a member on every node of the cluster. */
class RabbitmqQuorumFormulaTest {
    private static final Path SCRIPT = HaFormulas.STATE_ROOT.resolve("rabbitmq/rabbitmq-quorum.sh");

    @TempDir
    Path dir;

    @Test
    void growsOnceOnOneNodeAndAsksOnceWhenNothingLacksAMember() {
        Compiled c = compile("ctl1", "rabbitmq.quorum");
        assertEquals(List.of("rabbitmq-quorum-script", "rabbitmq-quorum-members"), ids(c));
        FileManaged.Spec script = (FileManaged.Spec) step(c, "rabbitmq-quorum-script").spec();
        assertEquals("/usr/local/sbin/rabbitmq-quorum", script.name());
        assertEquals("0755", script.mode());
        CmdRun.Spec grow = (CmdRun.Spec) step(c, "rabbitmq-quorum-members").spec();
        assertEquals("/usr/local/sbin/rabbitmq-quorum grow rabbit@ctl1 rabbit@ctl2 rabbit@ctl3", grow.name());
        // The converged case costs the one query of `missing`.
        assertEquals(List.of("/usr/local/sbin/rabbitmq-quorum missing rabbit@ctl1 rabbit@ctl2 rabbit@ctl3"), grow.unless());
    }

    /**
     * The script with RabbitMQ's CLI faked on PATH: the fake eval answers the lines the real
     * expression prints (the queues lacking a member, from a file), rabbitmq-queues grow NODE all
     * takes NODE's lines out of it. The Erlang expression itself runs against the real broker in
     * the lab (MembershipLabIT).
     */
    private Path lacking;
    private Path calls;
    private Map<String, String> env;

    @BeforeEach
    void fakes() throws IOException {
        lacking = dir.resolve("lacking");
        calls = dir.resolve("calls");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("rabbitmqctl"), "echo \"rabbitmqctl $1 $2\" >>" + calls + "\n"
                + "[ \"$2\" = eval ] || exit 64\n"
                + "[ -e " + dir.resolve("down") + " ] && { echo 'Error: unable to perform an operation on node' >&2; exit 69; }\n"
                // What rabbitmqctl adds: a warning naming a node on stderr, the expression's value.
                + "echo 'Warning: rabbit@ctl2 answered slowly' >&2\n"
                + "sed 's/^/MISSING /' " + lacking + "; echo ok");
        script(bin.resolve("rabbitmq-queues"), "echo \"rabbitmq-queues $*\" >>" + calls + "\n"
                + "[ \"$3\" = all ] || exit 64\n"
                + "grep -v \"^$2 \" " + lacking + " >" + lacking + ".new; mv " + lacking + ".new " + lacking);
        env = Map.of("PATH", bin + ":/usr/bin:/bin");
    }

    private HaFormulas.Ran quorum(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("sh", SCRIPT.toString()));
        argv.addAll(List.of(args));
        return HaFormulas.run(dir, env, argv.toArray(String[]::new));
    }

    private static void script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        assertTrue(p.toFile().setExecutable(true));
    }

    @Test
    void growsEachNodeThatLacksAMemberOnceAndNothingWhenConverged() throws Exception {
        Files.writeString(lacking, "rabbit@ctl3 queue 'a' in vhost 'workload'\nrabbit@ctl3 queue 'b' in vhost '/'\nrabbit@ctl4 queue 'a' in vhost 'workload'\n");

        HaFormulas.Ran missing = quorum("missing", "rabbit@ctl1", "rabbit@ctl3", "rabbit@ctl4");
        assertEquals(1, missing.exit(), missing.output());
        assertEquals(List.of("rabbit@ctl3 queue 'a' in vhost 'workload'", "rabbit@ctl3 queue 'b' in vhost '/'", "rabbit@ctl4 queue 'a' in vhost 'workload'"),
                missing.output().lines().toList());

        Files.deleteIfExists(calls);
        HaFormulas.Ran grow = quorum("grow", "rabbit@ctl1", "rabbit@ctl3", "rabbit@ctl4");
        assertEquals(0, grow.exit(), grow.output());
        // One query, one grow per node that lacks a member (never per queue), one query to confirm.
        assertEquals(List.of("rabbitmqctl -q eval", "rabbitmq-queues grow rabbit@ctl3 all", "rabbitmq-queues grow rabbit@ctl4 all", "rabbitmqctl -q eval"),
                Files.readAllLines(calls));
        assertTrue(grow.output().contains("every quorum queue has a member on rabbit@ctl1 rabbit@ctl3 rabbit@ctl4"), grow.output());

        // Converged: the one query, exit 0, nothing grown.
        Files.deleteIfExists(calls);
        assertEquals(0, quorum("missing", "rabbit@ctl1", "rabbit@ctl3", "rabbit@ctl4").exit());
        HaFormulas.Ran again = quorum("grow", "rabbit@ctl1", "rabbit@ctl3", "rabbit@ctl4");
        assertEquals(0, again.exit(), again.output());
        assertEquals(2, Files.readAllLines(calls).size(), "one query each, no grow: " + Files.readAllLines(calls));
    }

    /**
     * Only the expression's MISSING lines are read: a warning of rabbitmqctl naming a node is never
     * taken for a queue lacking a member (nor its first word for a node to grow). Names are printed
     * with ~ts: ~s raises badarg on a name above Latin-1, and the query would fail every run.
     */
    @Test
    void aWarningNamingANodeIsNeverGrownAndNamesArePrintedAsUnicode() throws Exception {
        Files.writeString(lacking, "rabbit@ctl3 queue 'заказы' in vhost 'workload'\n");
        HaFormulas.Ran missing = quorum("missing", "rabbit@ctl1", "rabbit@ctl3");
        assertEquals(1, missing.exit(), missing.output());
        assertEquals(List.of("rabbit@ctl3 queue 'заказы' in vhost 'workload'"), missing.output().lines().toList());

        Files.deleteIfExists(calls);
        HaFormulas.Ran grow = quorum("grow", "rabbit@ctl1", "rabbit@ctl3");
        assertEquals(0, grow.exit(), grow.output());
        assertEquals(List.of("rabbitmqctl -q eval", "rabbitmq-queues grow rabbit@ctl3 all", "rabbitmqctl -q eval"), Files.readAllLines(calls));

        String expression = Files.readString(SCRIPT);
        assertTrue(expression.contains("io:format(\\\"MISSING ~ts queue '~ts' in vhost '~ts'~n\\\""), expression);
        assertFalse(expression.contains("~s"), "~s refuses names above Latin-1");
    }

    @Test
    void aFailedQueryOrABadNodeNameFailsSayingWhatAndGrowsNothing() throws Exception {
        Files.writeString(lacking, "rabbit@ctl3 queue 'a' in vhost 'workload'\n");
        Files.createFile(dir.resolve("down"));
        HaFormulas.Ran down = quorum("grow", "rabbit@ctl1", "rabbit@ctl3");
        assertEquals(1, down.exit(), down.output());
        assertTrue(down.output().contains("the query of the quorum queues failed: Error: unable to perform an operation on node"), down.output());
        assertFalse(Files.readString(calls).contains("rabbitmq-queues"), Files.readString(calls));

        Files.delete(dir.resolve("down"));
        Files.deleteIfExists(calls);
        for (String bad : List.of("ctl3", "rabbit@ctl3'])", "rabbit@ctl3 x")) {
            HaFormulas.Ran r = quorum("grow", "rabbit@ctl1", bad);
            assertEquals(2, r.exit(), r.output());
            assertTrue(r.output().contains("'" + bad + "' is not a node name (rabbit@HOST)"), r.output());
        }
        HaFormulas.Ran none = quorum("grow");
        assertEquals(2, none.exit(), none.output());
        assertTrue(none.output().contains("usage: rabbitmq-quorum missing|grow NODE..."), none.output());
        assertFalse(Files.exists(calls), "nothing was asked of RabbitMQ");
    }
}
