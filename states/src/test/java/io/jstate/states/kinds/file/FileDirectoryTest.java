package io.jstate.states.kinds.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.Host;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileDirectoryTest {

    final FakeHost host = new FakeHost().dir("/var").dir("/var/lib");

    FileDirectory state(Host h) {
        return new FileDirectory(new Env(h, Map.of(), null));
    }

    static FileDirectory.Spec spec(String name, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        return SpecBinder.bind(FileDirectory.Spec.class, name, args);
    }

    Drift converge(FileDirectory.Spec spec) throws Exception {
        Drift drift = state(host).check(spec);
        if (!drift.inSync()) state(host).apply(spec, drift);
        assertTrue(state(host).check(spec).inSync(), "in sync after apply");
        return drift;
    }

    @Test
    void createsTheDirectoryAndMissingParentsWithItsAttributes() throws Exception {
        Drift drift = converge(spec("/var/lib/galera/state", "user", "mysql", "group", "mysql", "mode", "0750"));
        assertEquals(List.of(Change.of("created", null, "/var/lib/galera/state"), Change.of("mode", null, "0750"),
                Change.of("user", null, "mysql"), Change.of("group", null, "mysql")), drift.changes());
        assertEquals(List.of("mkdirs /var/lib/galera/state"), host.mutations());
        assertEquals("DIRECTORY 0750 mysql:mysql", host.tree().get(Path.of("/var/lib/galera")));
        assertEquals("DIRECTORY 0750 mysql:mysql", host.tree().get(Path.of("/var/lib/galera/state")));
    }

    @Test
    void existingDirectoryGetsOnlyItsAttributesFixed() throws Exception {
        host.dir("/var/lib/rabbitmq");
        Drift drift = converge(spec("/var/lib/rabbitmq", "group", "rabbitmq", "mode", "2750"));
        assertEquals(List.of(Change.of("mode", "0755", "2750"), Change.of("group", "root", "rabbitmq")), drift.changes());
        assertEquals(List.of("chown null:rabbitmq /var/lib/rabbitmq", "chmod 2750 /var/lib/rabbitmq"), host.mutations());
        assertTrue(state(host).check(spec("/var/lib/rabbitmq")).inSync());
    }

    @Test
    void withoutMakedirsAMissingParentIsAFailure() throws Exception {
        FileDirectory.Spec spec = spec("/var/lib/galera/state", "makedirs", false);
        Drift drift = state(host).check(spec);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state(host).apply(spec, drift));
        assertEquals("directory /var/lib/galera does not exist; create it first or set makedirs: true", e.getMessage());
        assertEquals(List.of(), host.mutations());
        converge(spec("/var/lib/galera", "makedirs", false));
        assertEquals(List.of("mkdirs /var/lib/galera"), host.mutations());
    }

    @Test
    void aFileInTheWayIsAFailure() {
        host.file("/var/lib/galera", "oops\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state(host).check(spec("/var/lib/galera")));
        assertEquals("/var/lib/galera exists and is not a directory; remove it first (file.absent) or choose another name", e.getMessage());
    }

    @Test
    void aSymlinkToADirectoryIsAcceptedAndItsTargetManaged() throws Exception {
        host.dir("/srv").dir("/srv/mysql").link("/var/lib/mysql", "../../srv/mysql");
        converge(spec("/var/lib/mysql", "mode", "0700"));
        assertEquals(List.of("chmod 700 /srv/mysql"), host.mutations());
    }

    @Test
    void checkUnderAReadOnlyHostMutatesNothing() throws Exception {
        host.dir("/var/lib/present");
        Host readOnly = new ReadOnlyHost(host);
        assertEquals(3, state(readOnly).check(spec("/var/lib/x/y", "mode", "0700", "user", "nova")).changes().size());
        assertEquals(1, state(readOnly).check(spec("/var/lib/present", "mode", "0700")).changes().size());
        assertEquals(List.of(), host.mutations());
    }
}
