package io.jstate.states.kinds.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Env;
import io.jstate.states.engine.Templates;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.rabbitmq.Rabbitmqctl.Call;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitmqctlTest {

    @Test
    void grainChoosesCommandAndEnvironment() {
        FakeHost h = new FakeHost();
        h.on(List.of("/opt/rabbitmq/sbin/rabbitmqctl"), e -> ExecResult.ok("[]"));
        Map<String, Object> grains = Map.of(Rabbitmqctl.GRAIN,
                Map.of("command", "/opt/rabbitmq/sbin/rabbitmqctl", "env", Map.of("HOME", "/srv/rmq", "ERL_EPMD_PORT", 14369)));
        Rabbitmqctl ctl = Rabbitmqctl.of(new Env(h, grains, Templates.NONE), "jst@localhost");
        Call c = Call.of("list_vhosts", "name").json();
        ctl.parse(c, ctl.query(c));
        assertEquals(List.of("/opt/rabbitmq/sbin/rabbitmqctl", "-n", "jst@localhost", "-q", "list_vhosts", "--formatter", "json",
                "--", "name"), h.commands().get(0).argv());
        assertEquals(Map.of("HOME", "/srv/rmq", "ERL_EPMD_PORT", "14369"), h.commands().get(0).env());
        assertFalse(h.commands().get(0).mutates());
    }

    @Test
    void withoutGrainItIsRabbitmqctlFromPathWithTheMinionsEnvironment() {
        assertEquals(Rabbitmqctl.Config.DEFAULT, Rabbitmqctl.Config.fromGrains(Map.of("os", "Debian")));
        assertEquals(List.of("rabbitmqctl", "-q", "stop_app"),
                new Rabbitmqctl(new FakeHost(), Rabbitmqctl.Config.DEFAULT, null).argv(Call.of("stop_app")));
    }

    @Test
    void badGrainIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rabbitmqctl.Config.fromGrains(Map.of(Rabbitmqctl.GRAIN, Map.of("cmd", "x"))));
        assertTrue(e.getMessage().contains("unknown key 'cmd'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rabbitmqctl.Config.fromGrains(Map.of(Rabbitmqctl.GRAIN, "x")));
    }

    @Test
    void secretGoesToStdinWithANewlineAndNeverIntoTextualForms() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok(""));
        Rabbitmqctl ctl = new Rabbitmqctl(h, Rabbitmqctl.Config.DEFAULT, null);
        Call c = Call.of("change_password", "bob").stdin("hunter2");
        ctl.change(c);
        assertEquals("hunter2\n", h.commands().get(0).stdin());
        assertTrue(h.commands().get(0).mutates());
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertFalse(h.commands().get(0).display().contains("hunter2"));
    }

    @Test
    void nonJsonOutputIsAClearError() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> ExecResult.ok("Listing vhosts ...\nname\n/\n"));
        HostException e = assertThrows(HostException.class,
                () -> parse(new Rabbitmqctl(h, Rabbitmqctl.Config.DEFAULT, null), "list_vhosts"));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    }

    @Test
    void listingsWithEscapesReadAsTextAndTextAfterTheDocumentIsAnError() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl", "-q", "list_users"), e -> ExecResult.ok(
                "[{\"user\":\"b\\u00e9a \\\"q\\\" a\\/b\\\\c\\n\",\"tags\":[\"administrator\"],\"n\":12345678901}]\n"));
        h.on(List.of("rabbitmqctl", "-q", "list_vhosts"), e -> ExecResult.ok("[{\"name\":\"/\"}] trailing"));
        Rabbitmqctl ctl = new Rabbitmqctl(h, Rabbitmqctl.Config.DEFAULT, null);
        Map<?, ?> row = (Map<?, ?>) ((List<?>) parse(ctl, "list_users")).get(0);
        assertEquals("b\u00e9a \"q\" a/b\\c\n", row.get("user"));
        assertEquals(List.of("administrator"), row.get("tags"));
        assertEquals(12345678901L, row.get("n"));
        HostException e = assertThrows(HostException.class, () -> parse(ctl, "list_vhosts"));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    }

    private static Object parse(Rabbitmqctl ctl, String command) {
        Call c = Call.of(command).json();
        return ctl.parse(c, ctl.query(c));
    }

    @Test
    void definitionsAreExportedOncePerRunUntilSomethingChanges() {
        FakeBroker b = new FakeBroker();
        Env env = b.env();
        assertTrue(Rabbitmqctl.of(env, null).definitions().user("guest").isPresent());
        assertTrue(Rabbitmqctl.of(env, null).definitions().hasVhost("/"));
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -"), b.host.commandLines());
        // Another node is another question.
        Rabbitmqctl.of(env, "rabbit@ctl2").definitions();
        assertEquals(2, b.host.commands().size());
        Rabbitmqctl.of(env, null).change(Call.of("add_vhost", "nova"));
        assertTrue(Rabbitmqctl.of(env, null).definitions().hasVhost("nova"), "a change through rabbitmqctl forgets the export");
        env.memo().clear();
        Rabbitmqctl.of(env, null).definitions();
        assertEquals(List.of("rabbitmqctl -q export_definitions -- -", "rabbitmqctl -n rabbit@ctl2 -q export_definitions -- -",
                "rabbitmqctl -q add_vhost -- nova", "rabbitmqctl -q export_definitions -- -", "rabbitmqctl -q export_definitions -- -"),
                b.host.commandLines());
    }

    @Test
    void aFailedExportQuotesStderrNeverStdoutAndIsNotRemembered() {
        FakeHost h = new FakeHost();
        h.on(List.of("rabbitmqctl"), e -> new ExecResult(69, "{\"users\":[{\"password_hash\":\"SECRET-HASH\"", "Error: unable to perform an operation on node", false));
        Env env = FakeBroker.env(h);
        HostException e = assertThrows(HostException.class, () -> Rabbitmqctl.of(env, null).definitions());
        assertTrue(e.getMessage().contains("exited 69: Error: unable to perform an operation on node"), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET-HASH"), e.getMessage());
        assertThrows(HostException.class, () -> Rabbitmqctl.of(env, null).definitions());
        assertEquals(2, h.commands().size());
    }

    @Test
    void canonicalTextSortsKeysAtEveryLevelSoEqualValuesWriteEqualText() {
        Map<String, Object> a = new java.util.LinkedHashMap<>();
        a.put("z", List.of(1, "x", true, 0.5, Map.of("b", 1, "a", 2)));
        a.put("a", null);
        assertEquals("{\"a\":null,\"z\":[1,\"x\",true,0.5,{\"a\":2,\"b\":1}]}", Rabbitmqctl.canonical(a));
        assertEquals(Rabbitmqctl.canonical(a), Rabbitmqctl.canonical(Rabbitmqctl.json("{\"z\":[1,\"x\",true,0.5,{\"b\":1,\"a\":2}],\"a\":null}")));
    }
}
