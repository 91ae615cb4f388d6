package io.jstate.states.kinds.ini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.ReadOnlyHost;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ini states on a real filesystem, below a temporary root. */
class IniStatesOnDiskTest {

    @TempDir
    Path root;

    @Test
    void createsEditsAndPrunesAnIniFileOnDisk() throws Exception {
        LocalHost host = LocalHost.under(root);
        Env env = new Env(host, Map.of(), null);
        IniOptionsPresent present = new IniOptionsPresent(env);
        IniOptionsPresent presentRo = new IniOptionsPresent(env.withHost(new ReadOnlyHost(host)));
        IniOptionsAbsent absent = new IniOptionsAbsent(env);

        IniOptionsPresent.Spec create = SpecBinder.bind(IniOptionsPresent.Spec.class, "/etc/keystone/keystone.conf", Map.of(
                "sections", Map.of("database", Map.of("connection", "mysql+pymysql://keystone@vip/keystone")),
                "makedirs", true, "mode", "0640"));
        Drift drift = presentRo.check(create);
        present.apply(create, drift);
        assertTrue(presentRo.check(create).inSync());
        Path conf = root.resolve("etc/keystone/keystone.conf");
        assertEquals("[database]\nconnection = mysql+pymysql://keystone@vip/keystone\n", Files.readString(conf));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));

        Files.writeString(conf, "# keystone\n[DEFAULT]\n#debug = false\n\n" + Files.readString(conf) + "[token]\nprovider = uuid\n");
        IniOptionsPresent.Spec edit = SpecBinder.bind(IniOptionsPresent.Spec.class, "/etc/keystone/keystone.conf", Map.of(
                "sections", Map.of("DEFAULT", Map.of("debug", true), "token", Map.of("provider", "fernet"))));
        present.apply(edit, presentRo.check(edit));
        assertTrue(presentRo.check(edit).inSync());
        assertEquals("# keystone\n[DEFAULT]\n#debug = false\ndebug = true\n\n[database]\n"
                + "connection = mysql+pymysql://keystone@vip/keystone\n[token]\nprovider = fernet\n", Files.readString(conf));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));

        IniOptionsAbsent.Spec prune = SpecBinder.bind(IniOptionsAbsent.Spec.class, "/etc/keystone/keystone.conf",
                Map.of("sections", Map.of("token", List.of())));
        absent.apply(prune, absent.check(prune));
        assertTrue(absent.check(prune).inSync());
        assertEquals("# keystone\n[DEFAULT]\n#debug = false\ndebug = true\n\n[database]\n"
                + "connection = mysql+pymysql://keystone@vip/keystone\n", Files.readString(conf));
        try (var files = Files.list(conf.getParent())) {
            assertEquals(List.of("keystone.conf"), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
