package io.jstate.minion.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.BundleFile;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.LocalHost;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.common.wire.Structs;
import io.jstate.states.kinds.Kinds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionsTest {
    static final StateRegistry REGISTRY = Kinds.registry();
    static final Map<String, Object> DEBIAN = Map.of("id", "web1", "os_family", "Debian", "init", "systemd", "roles", List.of("web"));

    @TempDir
    Path tmp;

    private final Functions functions = Functions.builtin();

    private FunctionReturn call(ScriptedHost host, String name, String... args) {
        return call(host, Bundle.getDefaultInstance(), List.of(), name, args);
    }

    private FunctionReturn call(ScriptedHost host, Bundle bundle, List<String> targets, String name, String... args) {
        return functions.call(name, new FunctionContext("web1", host, DEBIAN, bundle, targets, REGISTRY), List.of(args));
    }

    @Test
    void testPingAnswersTrue() {
        FunctionReturn r = call(new ScriptedHost(tmp), "test.ping");
        assertTrue(r.getSuccess());
        assertEquals("true", json(r));
        assertFalse(call(new ScriptedHost(tmp), "test.ping", "extra").getSuccess());
    }

    @Test
    void cmdRunRunsOneShellLineAndReportsItsExit() {
        var host = new ScriptedHost(tmp).answer(new ExecResult(3, "out\n", "err\n", false), "/bin/sh", "-c");
        FunctionReturn r = call(host, "cmd.run", "echo", "hi;", "exit 3");
        assertEquals(List.of(List.of("/bin/sh", "-c", "echo hi; exit 3")), host.commands);
        assertFalse(r.getSuccess());
        assertEquals(Map.of("retcode", 3, "stdout", "out\n", "stderr", "err\n"), Structs.map(r.getValue().getStructValue()));
        assertTrue(call(host, "cmd.run").getError().contains("give the command line"));
    }

    @Test
    void cmdRunOnThisMachine() {
        FunctionReturn r = functions.call("cmd.run", new FunctionContext("web1", LocalHost.system(), DEBIAN, null, null, REGISTRY),
                List.of("echo hello; echo oops >&2"));
        assertTrue(r.getSuccess(), r.toString());
        assertEquals(Map.of("retcode", 0, "stdout", "hello\n", "stderr", "oops\n"), Structs.map(r.getValue().getStructValue()));
    }

    @Test
    void grainsItemsReturnsTheGrains() {
        FunctionReturn r = call(new ScriptedHost(tmp), "grains.items");
        assertEquals(DEBIAN, Structs.map(r.getValue().getStructValue()));
    }

    @Test
    void pkgVersionAsksDpkgAndLeavesMissingPackagesEmpty() {
        var host = new ScriptedHost(tmp).answer(new ExecResult(1, "nginx\tnginx\tii \t1.22.1-9\nvim\tvim\trc \t2:9.0\n", "", false), "dpkg-query");
        FunctionReturn r = call(host, "pkg.version", "nginx", "vim", "nope");
        assertTrue(r.getSuccess(), r.toString());
        assertEquals("{\"nginx\":\"1.22.1-9\",\"vim\":\"\",\"nope\":\"\"}", json(r));
        assertEquals(List.of("dpkg-query", "-W", "-f=${binary:Package}\\t${Package}\\t${db:Status-Abbrev}\\t${Version}\\n", "nginx", "vim", "nope"),
                host.commands.get(0));
    }

    @Test
    void serviceStatusAsksTheInitSystem() {
        var host = new ScriptedHost(tmp).answer(ExecResult.ok(""), "systemctl", "--no-pager", "--quiet", "is-active", "ssh")
                .answer(ExecResult.fail(3, ""), "systemctl", "--no-pager", "--quiet", "is-active", "nginx");
        FunctionReturn r = call(host, "service.status", "ssh", "nginx");
        assertEquals("{\"ssh\":true,\"nginx\":false}", json(r));
        assertFalse(call(host, "service.status", "bad name").getSuccess());
    }

    static Bundle bundle() {
        return Bundle.newBuilder()
                .addFiles(file("top.sls", "base:\n  '*':\n    - web\n"))
                .addFiles(file("web.sls", "motd:\n  file.managed:\n    - name: /etc/motd\n    - contents: '{{ pillar.greeting }}'\n"
                        + "banner:\n  file.managed:\n    - name: /etc/banner\n    - contents: hi\n    - require:\n      - file: motd\n"))
                .setPillar(Structs.struct(Map.of("greeting", "hello")))
                .build();
    }

    static BundleFile file(String path, String content) {
        return BundleFile.newBuilder().setPath(path).setContent(ByteString.copyFrom(content, StandardCharsets.UTF_8)).build();
    }

    @Test
    void stateShowPlanCompilesTheBundleAndRunsNothing() {
        var host = new ScriptedHost(tmp);
        FunctionReturn r = call(host, bundle(), List.of(), "state.show_plan");
        assertTrue(r.getSuccess(), r.toString());
        String json = json(r);
        assertTrue(json.startsWith("[{\"order\":1,\"id\":\"motd\",\"kind\":\"file.managed\",\"name\":\"/etc/motd\",\"file\":\"web.sls\",\"line\":1,\"requisites\":[]}"), json);
        assertTrue(json.contains("\"id\":\"banner\"") && json.contains("\"requisites\":[{") && json.contains("\"require\""), json);
        assertTrue(host.commands.isEmpty());

        FunctionReturn missing = call(host, bundle(), List.of(), "state.show_plan", "nope");
        assertFalse(missing.getSuccess());
        assertTrue(missing.getError().contains("nope"), missing.getError());
    }

    @Test
    void anUnknownFunctionSaysWhatExists() {
        FunctionReturn r = call(new ScriptedHost(tmp), "test.pong");
        assertFalse(r.getSuccess());
        assertTrue(r.getError().contains("unknown function 'test.pong'") && r.getError().contains("test.ping"), r.getError());
    }

    /** The return as JSON text, as the CLI prints it. */
    private static String json(FunctionReturn r) {
        try {
            return new ObjectMapper().writeValueAsString(Structs.plain(r.getValue()));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
