package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgsTest {
    static Args parse(String... argv) throws Args.UsageException {
        return Args.parse(argv, Main.COMMANDS);
    }

    static String usageError(String... argv) {
        return assertThrows(Args.UsageException.class, () -> parse(argv)).getMessage();
    }

    @Test
    void optionsGoBeforeOrAfterTheCommandInEitherForm() throws Exception {
        Args a = parse("--master", "https://m:4507", "apply", "nginx", "-t", "web*", "--batch=25%", "--test", "--pki=/p", "users");
        assertEquals("apply", a.path);
        assertEquals(List.of("nginx", "users"), a.positionals);
        assertEquals("web*", a.value("--target"));
        assertEquals("25%", a.value("--batch"));
        assertEquals("https://m:4507", a.value("--master"));
        assertEquals("/p", a.value("--pki"));
        assertTrue(a.flag("--test"));
        assertFalse(a.flag("--json"));
        assertNull(a.value("--timeout"));
    }

    @Test
    void groupsTakeACommandName() throws Exception {
        Args a = parse("keys", "accept", "--all");
        assertEquals("keys accept", a.path);
        assertTrue(a.flag("--all"));
        assertEquals(List.of(), a.positionals);
        assertEquals("keys", parse("keys").path);
        assertEquals(List.of("ctl1"), parse("jobs", "show", "ctl1", "--json").positionals);
        assertEquals("unknown command 'frobnicate'", usageError("keys", "frobnicate"));
        assertEquals("unknown command 'deploy'", usageError("deploy"));
    }

    @Test
    void everythingAfterTheFunctionBelongsToIt() throws Exception {
        Args a = parse("run", "-t", "*", "cmd.run", "ls", "-l", "--json", "-t");
        assertEquals(List.of("cmd.run", "ls", "-l", "--json", "-t"), a.positionals);
        assertFalse(a.flag("--json"));
        assertEquals("*", a.value("--target"));
        // "--" ends the options anywhere, so an SLS may start with a dash.
        assertEquals(List.of("-odd"), parse("apply", "-t", "x", "--", "-odd").positionals);
    }

    @Test
    void badUsageIsNamed() {
        assertEquals("unknown option '--tset'", usageError("apply", "--tset"));
        assertEquals("option '--target' needs a value", usageError("apply", "-t"));
        assertEquals("option '--test' takes no value", usageError("apply", "--test=yes"));
        assertEquals("option '--target' is given twice", usageError("apply", "-t", "a", "--target", "b"));
        assertEquals("missing argument ID", usageError("keys", "reject"));
        assertEquals("missing argument FUNCTION", usageError("run", "-t", "*"));
        assertEquals("unexpected argument 'b'", usageError("keys", "delete", "a", "b"));
        assertEquals("unknown option '--all'", usageError("keys", "reject", "--all", "x"));
        assertEquals("--timeout is at most 604800 seconds (a week), got 99999999999999999",
                assertThrows(Args.UsageException.class, () -> JobOptions.of(parse("apply", "-t", "*", "--timeout", "99999999999999999"))).getMessage());
        assertEquals("--timeout takes a positive whole number, got 'soon'",
                assertThrows(Args.UsageException.class, () -> parse("apply", "-t", "*", "--timeout", "soon").positive("--timeout")).getMessage());
    }

    @Test
    void helpForEveryCommandExits0() {
        for (String path : Main.COMMANDS.keySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String[] argv = (path + " --help").split(" ");
            int code = Main.run(argv, new Context(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(),
                    Clock.systemUTC(), false, Context.MARGIN, false));
            assertEquals(0, code, path);
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: jstate " + path.split(" ")[0]), path);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"-h"}, new Context(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                Map.of(), Clock.systemUTC(), false, Context.MARGIN, false)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("apply [highstate | SLS ...] -t TARGET"));
    }
}
