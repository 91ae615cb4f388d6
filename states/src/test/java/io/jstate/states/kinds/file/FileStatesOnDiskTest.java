package io.jstate.states.kinds.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.State;
import io.jstate.states.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file states on a real filesystem, below a temporary root. */
class FileStatesOnDiskTest {

    @TempDir
    Path root;

    <S extends Record> Drift converge(Class<S> specType, State<S> state, State<S> readOnly, String id, Object... kv) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        S spec = SpecBinder.bind(specType, id, args);
        Drift drift = readOnly.check(spec);
        if (!drift.inSync()) state.apply(spec, drift);
        assertTrue(readOnly.check(spec).inSync(), id + " in sync after apply");
        return drift;
    }

    @Test
    void directoryFileSymlinkAndAbsentOnDisk() throws Exception {
        LocalHost host = LocalHost.under(root);
        String owner = Files.getOwner(root).getName();
        FakeTemplates templates = new FakeTemplates(Map.of()).file("demo/app.conf", "listen = {{port}}\n");
        Env env = new Env(host, Map.of(), templates);
        Env ro = env.withHost(new ReadOnlyHost(host));

        converge(FileDirectory.Spec.class, new FileDirectory(env), new FileDirectory(ro), "/etc/demo", "mode", "0750", "user", owner);
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/demo"))));

        Drift created = converge(FileManaged.Spec.class, new FileManaged(env), new FileManaged(ro), "/etc/demo/app.conf",
                "source", "demo/app.conf", "context", Map.of("port", 8080), "mode", "0640");
        assertEquals(List.of("created", "content", "mode"), created.changes().stream().map(Change::attribute).toList());
        Path conf = root.resolve("etc/demo/app.conf");
        assertEquals("listen = 8080\n", Files.readString(conf));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));

        converge(FileSymlink.Spec.class, new FileSymlink(env), new FileSymlink(ro), "/etc/demo/current", "target", "app.conf");
        assertEquals(Path.of("app.conf"), Files.readSymbolicLink(root.resolve("etc/demo/current")));

        Drift through = converge(FileManaged.Spec.class, new FileManaged(env), new FileManaged(ro), "/etc/demo/current",
                "source", "demo/app.conf", "context", Map.of("port", 9090));
        assertEquals("--- before\n+++ after\n@@ -1 +1 @@\n-listen = 8080\n+listen = 9090\n", through.changes().get(0).diff());
        assertEquals("listen = 9090\n", Files.readString(conf));
        assertTrue(Files.isSymbolicLink(root.resolve("etc/demo/current")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        try (var files = Files.list(root.resolve("etc/demo"))) {
            assertEquals(List.of("app.conf", "current"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        FileDirectory onFile = new FileDirectory(env);
        assertThrows(IllegalStateException.class,
                () -> onFile.check(SpecBinder.bind(FileDirectory.Spec.class, "/etc/demo/app.conf", Map.of())));

        Drift removed = converge(FileAbsent.Spec.class, new FileAbsent(env), new FileAbsent(ro), "/etc/demo");
        assertEquals(List.of(Change.of("removed", "directory", null)), removed.changes());
        assertFalse(Files.exists(root.resolve("etc/demo")));
        assertTrue(Files.isDirectory(root.resolve("etc")));
    }
}
