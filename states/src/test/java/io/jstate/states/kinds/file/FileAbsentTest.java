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
import io.jstate.states.engine.SpecException;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.Host;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileAbsentTest {

    final FakeHost host = new FakeHost().dir("/etc").dir("/etc/apache2").dir("/etc/apache2/sites-enabled")
            .file("/etc/apache2/sites-available.conf", "x\n")
            .link("/etc/apache2/sites-enabled/000-default.conf", "../sites-available.conf")
            .dir("/etc/apache2/conf.d").file("/etc/apache2/conf.d/a.conf", "a\n").file("/etc/apache2/conf.d/b.conf", "b\n");

    FileAbsent state(Host h) {
        return new FileAbsent(new Env(h, Map.of(), null));
    }

    static FileAbsent.Spec spec(String name) {
        return SpecBinder.bind(FileAbsent.Spec.class, name, Map.of());
    }

    Drift converge(String name) throws Exception {
        Drift drift = state(host).check(spec(name));
        if (!drift.inSync()) state(host).apply(spec(name), drift);
        assertTrue(state(host).check(spec(name)).inSync(), "in sync after apply");
        return drift;
    }

    @Test
    void removesAFile() throws Exception {
        assertEquals(List.of(Change.of("removed", "file", null)), converge("/etc/apache2/sites-available.conf").changes());
        assertEquals(List.of("delete /etc/apache2/sites-available.conf"), host.mutations());
    }

    @Test
    void removesASymlinkButNotWhatItPointsTo() throws Exception {
        Drift drift = converge("/etc/apache2/sites-enabled/000-default.conf");
        assertEquals(List.of(Change.of("removed", "symlink to ../sites-available.conf", null)), drift.changes());
        assertTrue(host.content("/etc/apache2/sites-available.conf").isPresent());
    }

    @Test
    void removesAWholeDirectoryTree() throws Exception {
        assertEquals(List.of(Change.of("removed", "directory", null)), converge("/etc/apache2/conf.d").changes());
        assertFalse(host.exists(Path.of("/etc/apache2/conf.d/a.conf")));
        assertEquals(List.of("delete /etc/apache2/conf.d"), host.mutations());
    }

    @Test
    void nothingThereIsInSync() throws Exception {
        assertTrue(state(host).check(spec("/etc/apache2/nothing")).inSync());
    }

    @Test
    void refusesTheRootAndRelativePaths() {
        assertTrue(assertThrows(SpecException.class, () -> spec("/")).getMessage().contains("refusing"));
        assertTrue(assertThrows(SpecException.class, () -> spec("tmp/x")).getMessage().contains("absolute"));
    }

    @Test
    void checkUnderAReadOnlyHostMutatesNothing() throws Exception {
        assertEquals(1, state(new ReadOnlyHost(host)).check(spec("/etc/apache2")).changes().size());
        assertEquals(List.of(), host.mutations());
    }
}
