package io.jstate.states.kinds.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.Host;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileSymlinkTest {

    static final String LINK = "/etc/nginx/sites-enabled/keystone";
    static final String TARGET = "/etc/nginx/sites-available/keystone";

    final FakeHost host = new FakeHost().dir("/etc").dir("/etc/nginx").dir("/etc/nginx/sites-available")
            .dir("/etc/nginx/sites-enabled").file(TARGET, "server {}\n");

    FileSymlink state(Host h) {
        return new FileSymlink(new Env(h, Map.of(), null));
    }

    static FileSymlink.Spec spec(Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("target", TARGET);
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        return SpecBinder.bind(FileSymlink.Spec.class, LINK, args);
    }

    Drift converge(FileSymlink.Spec spec) throws Exception {
        Drift drift = state(host).check(spec);
        if (!drift.inSync()) state(host).apply(spec, drift);
        assertTrue(state(host).check(spec).inSync(), "in sync after apply");
        return drift;
    }

    @Test
    void createsTheLink() throws Exception {
        assertEquals(List.of(Change.of("target", null, TARGET)), converge(spec()).changes());
        assertEquals(List.of("symlink " + LINK + " -> " + TARGET), host.mutations());
    }

    @Test
    void aLinkPointingElsewhereIsReplacedWithoutForce() throws Exception {
        host.link(LINK, "../sites-available/default");
        assertEquals(List.of(Change.of("target", "../sites-available/default", TARGET)), converge(spec()).changes());
        assertEquals(List.of("delete " + LINK, "symlink " + LINK + " -> " + TARGET), host.mutations());
    }

    @Test
    void aFileInTheWayNeedsForce() throws Exception {
        host.file(LINK, "copied by hand\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state(host).check(spec()));
        assertEquals(LINK + " is a file, not a symlink; set force: true to replace it", e.getMessage());
        assertEquals(List.of(Change.of("replaced", "file", null), Change.of("target", null, TARGET)),
                converge(spec("force", true)).changes());
        assertEquals(List.of("delete " + LINK, "symlink " + LINK + " -> " + TARGET), host.mutations());
    }

    @Test
    void relativeTargetsAreKeptAsWritten() throws Exception {
        converge(spec("target", "../sites-available/keystone"));
        assertEquals(List.of("symlink " + LINK + " -> ../sites-available/keystone"), host.mutations());
    }

    @Test
    void missingParentNeedsMakedirs() throws Exception {
        FileSymlink.Spec spec = SpecBinder.bind(FileSymlink.Spec.class, "/opt/app/current", Map.of("target", "/opt/app-1.2"));
        Drift drift = state(host).check(spec);
        assertThrows(IllegalStateException.class, () -> state(host).apply(spec, drift));
        converge(SpecBinder.bind(FileSymlink.Spec.class, "/opt/app/current", Map.of("target", "/opt/app-1.2", "makedirs", true)));
        assertEquals(List.of("mkdirs /opt/app", "symlink /opt/app/current -> /opt/app-1.2"), host.mutations());
        assertEquals("SYMLINK 0777 root:root", host.tree().get(Path.of("/opt/app/current")));
    }

    @Test
    void targetIsRequired() {
        assertTrue(assertThrows(SpecException.class, () -> SpecBinder.bind(FileSymlink.Spec.class, LINK, Map.of()))
                .getMessage().contains("target is required"));
    }

    @Test
    void checkUnderAReadOnlyHostMutatesNothing() throws Exception {
        Host readOnly = new ReadOnlyHost(host);
        assertEquals(1, state(readOnly).check(spec()).changes().size());
        host.file(LINK, "x\n");
        assertEquals(2, state(readOnly).check(spec("force", true)).changes().size());
        assertEquals(List.of(), host.mutations());
    }
}
