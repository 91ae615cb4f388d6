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
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.host.FakeHost;
import io.jstate.states.host.Host;
import io.jstate.states.kinds.Kinds;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileManagedTest {

    static final String CNF = "/etc/mysql/mariadb.conf.d/60-galera.cnf";

    final FakeHost host = new FakeHost().dir("/etc").dir("/etc/mysql").dir("/etc/mysql/mariadb.conf.d");
    final FakeTemplates templates = new FakeTemplates(Map.of("cluster", "openstack"))
            .file("galera/galera.cnf", "[galera]\nwsrep_cluster_name = {{cluster}}\nwsrep_node_address = {{node}}\n");

    FileManaged state(Host h) {
        return new FileManaged(new Env(h, Map.of(), templates));
    }

    static FileManaged.Spec spec(Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        return SpecBinder.bind(FileManaged.Spec.class, CNF, args);
    }

    /** Applies when check finds drift, then proves a second check is in sync, as the engine does. */
    Drift converge(FileManaged.Spec spec) throws Exception {
        Drift drift = state(host).check(spec);
        if (!drift.inSync()) state(host).apply(spec, drift);
        assertTrue(state(host).check(spec).inSync(), "in sync after apply");
        return drift;
    }

    @Test
    void createsARenderedFileWithModeAndGroupInOneAtomicWrite() throws Exception {
        FileManaged.Spec spec = spec("source", "galera/galera.cnf", "context", Map.of("node", "10.0.0.11"),
                "mode", "0640", "group", "mysql");
        Drift drift = converge(spec);
        assertEquals(List.of(
                Change.of("created", null, CNF),
                Change.diff("content", """
                        --- before
                        +++ after
                        @@ -0,0 +1,3 @@
                        +[galera]
                        +wsrep_cluster_name = openstack
                        +wsrep_node_address = 10.0.0.11
                        """),
                Change.of("mode", null, "0640"),
                Change.of("group", null, "mysql")), drift.changes());
        assertEquals(List.of("write " + CNF), host.mutations());
        assertEquals("[galera]\nwsrep_cluster_name = openstack\nwsrep_node_address = 10.0.0.11\n", host.content(CNF).orElseThrow());
        assertEquals("FILE 0640 root:mysql", host.tree().get(Path.of(CNF)));
    }

    @Test
    void changedContentIsReportedAsAUnifiedDiffAndRewrittenKeepingAttributes() throws Exception {
        host.file(CNF, "[galera]\nwsrep_cluster_name = old\nwsrep_node_address = 10.0.0.11\n", 0640, "root", "mysql");
        Drift drift = converge(spec("source", "galera/galera.cnf", "context", Map.of("node", "10.0.0.11")));
        assertEquals(List.of(Change.diff("content", """
                --- before
                +++ after
                @@ -1,3 +1,3 @@
                 [galera]
                -wsrep_cluster_name = old
                +wsrep_cluster_name = openstack
                 wsrep_node_address = 10.0.0.11
                """)), drift.changes());
        assertEquals(List.of("write " + CNF), host.mutations());
        assertEquals("FILE 0640 root:mysql", host.tree().get(Path.of(CNF)));
    }

    @Test
    void onlyModeAndOwnerAreFixedInPlaceWhenContentIsRight() throws Exception {
        host.file(CNF, "x\n", 0644, "root", "root");
        Drift drift = converge(spec("contents", "x", "mode", "0640", "user", "mysql", "group", "mysql"));
        assertEquals(List.of(Change.of("mode", "0644", "0640"), Change.of("user", "root", "mysql"),
                Change.of("group", "root", "mysql")), drift.changes());
        assertEquals(List.of("chown mysql:mysql " + CNF, "chmod 640 " + CNF), host.mutations());
    }

    @Test
    void modeAloneIsOneChmod() throws Exception {
        host.file(CNF, "x\n", 0644, "root", "root");
        converge(spec("contents", "x\n", "mode", "600"));
        assertEquals(List.of("chmod 600 " + CNF), host.mutations());
    }

    @Test
    void inlineContentsGetAFinalNewlineAndAreNotRendered() throws Exception {
        converge(spec("contents", "max_connections = {{not a template}}"));
        assertEquals("max_connections = {{not a template}}\n", host.content(CNF).orElseThrow());
        assertEquals(List.of(), templates.rendered);
    }

    @Test
    void templateNoneOrFalseCopiesTheSourceUnrendered() throws Exception {
        templates.file("haproxy/errors/503.http", "HTTP/1.0 503 {{literally}}\n");
        converge(spec("source", "haproxy/errors/503.http", "template", false));
        assertEquals("HTTP/1.0 503 {{literally}}\n", host.content(CNF).orElseThrow());
        assertEquals(List.of(), templates.rendered);
        assertEquals("none", spec("source", "x", "template", "none").template());
    }

    @Test
    void binaryContentIsReportedWithoutADiff() throws Exception {
        templates.file("keys/fernet.bin", new byte[] {1, 0, 2, (byte) 0xff});
        host.file(CNF, "old text\n");
        Drift drift = converge(spec("source", "keys/fernet.bin", "template", "none"));
        assertEquals(List.of(Change.diff("content", "binary content differs")), drift.changes());
    }

    @Test
    void replaceFalseOnlyCreatesAMissingFile() throws Exception {
        host.file(CNF, "edited by hand\n", 0644, "root", "root");
        assertTrue(state(host).check(spec("contents", "default\n", "replace", false)).inSync());
        Drift drift = state(host).check(spec("contents", "default\n", "replace", false, "mode", "0600"));
        assertEquals(List.of(Change.of("mode", "0644", "0600")), drift.changes());

        host.delete(Path.of(CNF));
        host.clear();
        converge(spec("contents", "default\n", "replace", false));
        assertEquals("default\n", host.content(CNF).orElseThrow());
    }

    @Test
    void missingParentFailsWithoutMakedirsAndIsCreatedWithDirModeAndOwnerWithIt() throws Exception {
        String path = "/etc/nova/policy.d/10-local.yaml";
        FileManaged.Spec plain = SpecBinder.bind(FileManaged.Spec.class, path, Map.of("contents", "{}", "group", "nova"));
        Drift drift = state(host).check(plain);
        assertEquals(Change.of("created", null, path), drift.changes().get(0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state(host).apply(plain, drift));
        assertTrue(e.getMessage().contains("/etc/nova/policy.d does not exist") && e.getMessage().contains("makedirs: true"), e.getMessage());
        assertEquals(List.of(), host.mutations());

        Map<String, Object> args = new LinkedHashMap<>(Map.of("contents", "{}", "group", "nova", "makedirs", true, "dir_mode", "0750"));
        FileManaged.Spec withDirs = SpecBinder.bind(FileManaged.Spec.class, path, args);
        state(host).apply(withDirs, state(host).check(withDirs));
        assertEquals(List.of("mkdirs /etc/nova/policy.d", "write " + path), host.mutations());
        assertEquals("DIRECTORY 0750 root:nova", host.tree().get(Path.of("/etc/nova")));
        assertEquals("DIRECTORY 0750 root:nova", host.tree().get(Path.of("/etc/nova/policy.d")));
        assertTrue(state(host).check(withDirs).inSync());
    }

    @Test
    void aDirectoryInTheWayIsAClearFailure() {
        host.dir(CNF);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state(host).check(spec("contents", "x")));
        assertEquals(CNF + " is a directory; a file cannot be written there. Remove it first (file.absent) or choose another name", e.getMessage());
    }

    @Test
    void aSymlinkIsFollowedAndTheFileItPointsToIsWritten() throws Exception {
        host.dir("/etc/alternatives").file("/etc/alternatives/my.cnf", "old\n").link("/etc/mysql/my.cnf", "/etc/alternatives/my.cnf");
        FileManaged.Spec spec = SpecBinder.bind(FileManaged.Spec.class, "/etc/mysql/my.cnf", Map.of("contents", "new"));
        state(host).apply(spec, state(host).check(spec));
        assertEquals(List.of("write /etc/alternatives/my.cnf"), host.mutations());
        assertEquals("new\n", host.content("/etc/alternatives/my.cnf").orElseThrow());
        assertEquals("SYMLINK 0777 root:root", host.tree().get(Path.of("/etc/mysql/my.cnf")));
    }

    @Test
    void aMissingSourceOrVariableIsAFailureNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state(host).check(spec("source", "galera/nope.cnf")));
        assertTrue(e.getMessage().contains("source 'galera/nope.cnf' is not a file of the state tree"), e.getMessage());
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> state(host).check(spec("source", "galera/galera.cnf")));
        assertEquals("galera/galera.cnf: no value for 'node'", v.getMessage());
    }

    @Test
    void specErrorsNameWhatToDo() {
        assertTrue(assertThrows(SpecException.class, () -> spec()).getMessage().contains("exactly one of source"));
        assertTrue(assertThrows(SpecException.class, () -> spec("source", "a", "contents", "b")).getMessage().contains("exactly one of source"));
        assertEquals("mode must be an octal mode such as \"0644\" or \"0750\" (quote it in YAML), got 'rw-r-----'",
                assertThrows(SpecException.class, () -> spec("contents", "x", "mode", "rw-r-----")).getMessage());
        assertTrue(assertThrows(SpecException.class, () -> spec("contents", "x", "dir_mode", "0999")).getMessage().startsWith("dir_mode must be"));
        assertTrue(assertThrows(SpecException.class, () -> spec("contents", "x", "template", "jinja")).getMessage().contains("mustache or none"));
        assertTrue(assertThrows(SpecException.class, () -> SpecBinder.bind(FileManaged.Spec.class, "etc/x", Map.of("contents", "x")))
                .getMessage().contains("absolute path"));
    }

    @Test
    void checkUnderAReadOnlyHostMutatesNothing() throws Exception {
        Host readOnly = new ReadOnlyHost(host);
        Drift missing = state(readOnly).check(spec("source", "galera/galera.cnf", "context", Map.of("node", "n"), "mode", "0600"));
        host.file(CNF, "other\n", 0644, "nova", "nova");
        Drift differs = state(readOnly).check(spec("source", "galera/galera.cnf", "context", Map.of("node", "n"), "mode", "0600", "user", "root"));
        assertEquals(List.of("created", "content", "mode"), missing.changes().stream().map(Change::attribute).toList());
        assertEquals(List.of("content", "mode", "user"), differs.changes().stream().map(Change::attribute).toList());
        assertEquals(List.of(), host.mutations());
    }

    @Test
    void fileKindsAreRegisteredByTheirSlsNames() {
        StateRegistry r = Kinds.registry();
        assertEquals(FileManaged.Spec.class, r.find("file.managed").orElseThrow().specType());
        assertEquals(FileDirectory.Spec.class, r.find("file.directory").orElseThrow().specType());
        assertEquals(FileAbsent.Spec.class, r.find("file.absent").orElseThrow().specType());
        assertEquals(FileSymlink.Spec.class, r.find("file.symlink").orElseThrow().specType());
        assertTrue(r.find("file.managed").orElseThrow().factory().apply(new Env(host, Map.of(), templates)) instanceof FileManaged);
    }

    static final String OLD_KEY = "-----BEGIN PRIVATE KEY-----\nb2xkLWtleS1saW5lLTE=\n-----END PRIVATE KEY-----\n";
    static final String NEW_KEY = "-----BEGIN PRIVATE KEY-----\nbmV3LWtleS1saW5lLTI=\n-----END PRIVATE KEY-----\n";

    static String sha(String text) throws Exception {
        return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void showChangesFalseReportsOnlyTheChecksums() throws Exception {
        host.file(CNF, "old\n", 0644, "root", "root");
        Drift drift = converge(spec("contents", "new", "show_changes", false));
        assertEquals(List.of(Change.of("content", sha("old\n"), sha("new\n"))), drift.changes());
        assertEquals("new\n", host.content(CNF).orElseThrow());
    }

    @Test
    void aRotatedSecretShowsNeitherTheNewKeyNorTheOldOne() throws Exception {
        templates.file("tls/key.pem", "{{key}}").secrets(NEW_KEY);
        host.file(CNF, OLD_KEY, 0600, "root", "root");
        Drift drift = converge(spec("source", "tls/key.pem", "context", Map.of("key", NEW_KEY)));
        assertEquals(List.of(Change.of("content", sha(OLD_KEY), sha(NEW_KEY))), drift.changes(), "checksums, no diff");
        assertEquals(NEW_KEY, host.content(CNF).orElseThrow());
    }

    @Test
    void aNewFileHoldingASecretShowsOnlyItsChecksum() throws Exception {
        templates.secrets("s3cr3t-line-of-key");
        Drift drift = converge(spec("contents", "user = admin\nkey = s3cr3t-line-of-key\n"));
        assertEquals(List.of(Change.of("created", null, CNF), Change.of("content", null, sha("user = admin\nkey = s3cr3t-line-of-key\n"))),
                drift.changes());
    }

    @Test
    void aSecretOnlyInTheOldContentHidesTheDiffToo() throws Exception {
        templates.secrets(NEW_KEY);
        host.file(CNF, "a\n" + NEW_KEY, 0644, "root", "root");
        Drift drift = converge(spec("contents", "a\n"));
        assertEquals(List.of(Change.of("content", sha("a\n" + NEW_KEY), sha("a\n"))), drift.changes());
    }

    @Test
    void aFileWithoutSecretsStillShowsItsDiff() throws Exception {
        templates.secrets("not-in-this-file");
        host.file(CNF, "a\n", 0644, "root", "root");
        assertEquals(List.of(Change.diff("content", "--- before\n+++ after\n@@ -1 +1 @@\n-a\n+b\n")),
                converge(spec("contents", "b")).changes());
    }
}
