package io.jstate.minion.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.proto.v1.FunctionReturn;
import io.jstate.states.host.ExecResult;
import io.jstate.common.wire.Structs;
import io.jstate.states.kinds.Kinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaleraFactsTest {
    private static final String UUID = "6b1d1b0e-1f3a-11ef-8a4e-3b2f4c5d6e7f";

    @TempDir
    Path tmp;

    private void write(String path, String text) throws IOException {
        Path p = tmp.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static String grastate(String uuid, String seqno, int safe) {
        return "# GALERA saved state\nversion: 2.1\nuuid:    " + uuid + "\nseqno:   " + seqno + "\nsafe_to_bootstrap: " + safe + "\n";
    }

    private Map<String, Object> facts(ScriptedHost host, String... args) {
        FunctionReturn r = Functions.builtin().call("galera.facts",
                new FunctionContext("ctl1", host, Map.of("init", "sysvinit"), null, null, Kinds.registry()), List.of(args));
        assertTrue(r.getSuccess(), r.toString());
        return Structs.map(r.getValue().getStructValue());
    }

    /** A host with MariaDB installed and its server not answering. */
    private ScriptedHost stopped() {
        installed();
        return new ScriptedHost(tmp).answer(ExecResult.fail(1, "connect to server at 'localhost' failed"), "mariadb-admin");
    }

    private void installed() {
        try {
            write("/usr/bin/mariadb-admin", "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRunningNodeReportsItsWsrepStatusAndTheBootstrapFlag() throws IOException {
        installed();
        write("/run/mysqld/mysqld.pid", "4242\n");
        write("/proc/4242/comm", "mariadbd\n");
        write("/proc/4242/cmdline", "/usr/sbin/mariadbd\0--basedir=/usr\0--wsrep-new-cluster\0");
        ScriptedHost host = new ScriptedHost(tmp)
                .answer(ExecResult.ok("mysqld is alive\n"), "mariadb-admin")
                .answer(ExecResult.ok("wsrep_cluster_size\t3\nwsrep_cluster_state_uuid\t" + UUID + "\nwsrep_cluster_status\tPrimary\n"
                        + "wsrep_connected\tON\nwsrep_last_committed\t1042\nwsrep_local_state_comment\tSynced\nwsrep_ready\tON\n"
                        + "wsrep_local_state\t4\n"), "mariadb");
        Map<String, Object> f = facts(host);
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("arbitrator", false);
        want.put("running", true);
        want.put("new_cluster", true);
        want.put("answering", true);
        want.put("wsrep_cluster_status", "Primary");
        want.put("wsrep_local_state_comment", "Synced");
        want.put("wsrep_cluster_size", 3);
        want.put("wsrep_ready", "ON");
        want.put("wsrep_connected", "ON");
        want.put("wsrep_cluster_state_uuid", UUID);
        want.put("wsrep_last_committed", 1042);
        assertEquals(want, f);
        assertEquals(List.of("mariadb-admin", "--no-defaults", "--socket=/run/mysqld/mysqld.sock", "--user=root",
                "--connect-timeout=5", "ping"), host.commands.get(0));
        assertEquals(List.of("mariadb", "--no-defaults", "--socket=/run/mysqld/mysqld.sock", "--user=root", "--connect-timeout=5",
                "--batch", "--skip-column-names"), host.commands.get(1));
        assertEquals(2, host.commands.size());
    }

    @Test
    void aLiveProcessThatDoesNotAnswerIsRunningNotRecovered() throws IOException {
        write("/run/mysqld/mysqld.pid", "77\n");
        write("/proc/77/comm", "mariadbd\n");
        write("/proc/77/cmdline", "/usr/sbin/mariadbd\0");
        write("/var/lib/mysql/grastate.dat", grastate(UUID, "-1", 0));
        ScriptedHost host = stopped().answer(ExecResult.fail(1, "ERROR 2002 (HY000): Can't connect"), "mariadb");
        Map<String, Object> f = facts(host);
        assertEquals(true, f.get("running"));
        assertEquals(false, f.get("answering"));
        assertEquals(false, f.get("new_cluster"));
        assertTrue(f.get("error").toString().contains("ERROR 2002"));
        assertTrue(host.commands.stream().noneMatch(c -> c.get(0).equals("/bin/sh")), "no recovery while mariadbd runs");
    }

    @Test
    void aCleanlyStoppedNodeReportsGrastateWithoutRecovery() throws IOException {
        write("/var/lib/mysql/grastate.dat", grastate(UUID, "1042", 1));
        write("/var/lib/mysql/mysql/db.opt", "");
        write("/var/lib/mysql/gvwstate.dat", "my_uuid: x\n");
        ScriptedHost host = stopped();
        Map<String, Object> f = facts(host);
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("arbitrator", false);
        want.put("running", false);
        want.put("datadir_initialized", true);
        want.put("has_data", true);
        want.put("gvwstate", "present");
        want.put("uuid", UUID);
        want.put("seqno", 1042);
        want.put("safe_to_bootstrap", true);
        want.put("bootstrappable", true);
        want.put("position_uuid", UUID);
        want.put("position_seqno", 1042);
        assertEquals(want, f);
        assertEquals(1, host.commands.size(), "only the ping: " + host.commands);
    }

    @Test
    void aHostWithoutMariadbAndWithoutADataFolderHasNoData() {
        ScriptedHost host = new ScriptedHost(tmp);
        assertEquals(Map.of("arbitrator", false, "installed", false, "running", false, "has_data", false), facts(host));
        assertTrue(host.commands.isEmpty(), host.commands.toString());
    }

    @Test
    void aDataFolderWithoutMariadbToAskCannotReport() throws IOException {
        write("/var/lib/mysql/grastate.dat", grastate(UUID, "-1", 0));
        FunctionReturn r = Functions.builtin().call("galera.facts",
                new FunctionContext("ctl1", new ScriptedHost(tmp), Map.of("init", "sysvinit"), null, null, Kinds.registry()), List.of());
        assertFalse(r.getSuccess(), r.toString());
        assertEquals("galera.facts: /usr/bin/mariadb-admin is not installed but the data folder /var/lib/mysql exists: "
                + "this node cannot tell its Galera position; install mariadb-client or look at the folder", r.getError());
    }

    @Test
    void aFreshInstallHasNoData() throws IOException {
        write("/var/lib/mysql/mysql/db.opt", "");
        Map<String, Object> f = facts(stopped());
        assertEquals(Map.of("arbitrator", false, "running", false, "datadir_initialized", true, "has_data", false, "gvwstate", "absent"), f);
    }

    @Test
    void aCrashedNodeRecoversItsPositionAsTheMysqlUser() throws IOException {
        write("/var/lib/mysql/grastate.dat", grastate(UUID, "-1", 0));
        write("/var/lib/mysql/gvwstate.dat", "");
        ScriptedHost host = stopped().answer(ExecResult.ok("2026-03-01 10:00:00 0 [Note] InnoDB: Starting crash recovery\n"
                + "2026-03-01 10:00:01 0 [Note] WSREP: Recovered position: " + UUID + ":1043\n"), "/bin/sh", "-c");
        Map<String, Object> f = facts(host);
        assertEquals("empty", f.get("gvwstate"));
        assertEquals(-1, f.get("seqno"));
        assertEquals(false, f.get("safe_to_bootstrap"));
        assertEquals(0, f.get("prepared_transactions"));
        assertEquals(UUID, f.get("recovered_uuid"));
        assertEquals(1043, f.get("recovered_seqno"));
        assertEquals(UUID, f.get("position_uuid"));
        assertEquals(1043, f.get("position_seqno"));
        assertEquals(true, f.get("bootstrappable"));
        String script = host.commands.get(1).get(2);
        assertEquals("log=$(mktemp /tmp/galera-recover.XXXXXX) || exit 1; chown mysql \"$log\"; "
                + "mariadbd --user=mysql --datadir=/var/lib/mysql --wsrep-recover --log-error=\"$log\" >/dev/null 2>&1; "
                + "rc=$?; cat \"$log\"; rm -f \"$log\"; exit $rc", script);
    }

    @Test
    void aTornGrastateIsRecoveredFromInnodbWhateverItsSeqnoSays() throws IOException {
        // fault grastate corrupt: the uuid cut short by NUL bytes; here the seqno line survived.
        write("/var/lib/mysql/grastate.dat", grastate("6b1d1b0e-1f3a-" + "\0".repeat(22), "1043", 1));
        ScriptedHost host = stopped().answer(ExecResult.ok("[Note] WSREP: Recovered position: " + UUID + ":1050\n"), "/bin/sh", "-c");
        Map<String, Object> f = facts(host);
        assertEquals(1043, f.get("seqno"));
        assertEquals(UUID, f.get("position_uuid"));
        assertEquals(1050, f.get("position_seqno"));
        assertEquals(2, host.commands.size(), host.commands.toString());
    }

    @Test
    void withRecoverFalseACrashedNodeIsOnlyLookedAt() throws IOException {
        Map<String, Object> none = facts(new ScriptedHost(tmp), "recover=false");
        assertEquals(Map.of("arbitrator", false, "installed", false, "running", false), none);
        write("/usr/bin/mariadb-admin", "");
        write("/var/lib/mysql/grastate.dat", grastate(UUID, "-1", 0));
        ScriptedHost host = stopped();
        Map<String, Object> f = facts(host, "recover=false");
        assertEquals(false, f.get("running"));
        assertEquals(-1, f.get("seqno"));
        assertFalse(f.containsKey("recovered_seqno"));
        assertEquals(1, host.commands.size(), host.commands.toString());
        assertEquals("mariadb-admin", host.commands.get(0).get(0));
    }

    @Test
    void preparedTransactionsAreRolledBackAndTheNodeMayNotBootstrap() throws IOException {
        write("/var/lib/mysql/grastate.dat", grastate(UUID, "-1", 0));
        GaleraFacts.Paths paths = GaleraFacts.Paths.of(List.of());
        ScriptedHost host = stopped()
                .answer(ExecResult.ok("[Note] InnoDB: Found 2 prepared transactions! It means that mariadbd was not shut down properly\n"
                        + "[Note] WSREP: Recovered position: " + UUID + ":880\n"), GaleraFacts.recoverExec(paths, false).argv().toArray(String[]::new))
                .answer(new ExecResult(1, "[Note] WSREP: Recovered position: " + UUID + ":878\n", "", false),
                        GaleraFacts.recoverExec(paths, true).argv().toArray(String[]::new));
        Map<String, Object> f = facts(host, "datadir=/var/lib/mysql", "user=mysql");
        assertEquals(2, f.get("prepared_transactions"));
        assertEquals(false, f.get("rolled_back"), "the rerun exited 1");
        assertEquals(false, f.get("bootstrappable"));
        assertEquals(878, f.get("position_seqno"));
        assertTrue(host.commands.get(2).get(2).contains("--wsrep-recover --tc-heuristic-recover=rollback --log-error="), host.commands.toString());
    }

    @Test
    void aRecoveryWithoutPositionIsReportedNotGuessed() throws IOException {
        write("/var/lib/mysql/grastate.dat", grastate(UUID, "-1", 0));
        ScriptedHost host = stopped().answer(new ExecResult(1, "[ERROR] Can't open shared library\n", "", false), "/bin/sh", "-c");
        Map<String, Object> f = facts(host);
        assertEquals(-1, f.get("position_seqno"));
        assertTrue(f.get("recover_error").toString().contains("exited 1 without a position: [ERROR] Can't open shared library"), f.toString());
    }

    @Test
    void pathsCanBeGivenAndTheArbitratorKnowsItself() throws IOException {
        write("/srv/galera/data/grastate.dat", grastate(UUID, "5", 0));
        write("/etc/default/garb", "# Managed by jstate (formula galera, garbd): local edits are overwritten.\n");
        ScriptedHost host = stopped();
        Map<String, Object> f = facts(host, "datadir=/srv/galera/data", "socket=/srv/galera/sock", "defaults_file=/srv/galera/my.cnf");
        assertEquals(true, f.get("arbitrator"));
        assertEquals(5, f.get("position_seqno"));
        assertEquals("--socket=/srv/galera/sock", host.commands.get(0).get(2));
        assertEquals("mariadbd --defaults-file=/srv/galera/my.cnf --user=mysql --datadir=/srv/galera/data --wsrep-recover",
                String.join(" ", GaleraFacts.recoverExec(GaleraFacts.Paths.of(List.of("datadir=/srv/galera/data",
                        "defaults_file=/srv/galera/my.cnf")), false).argv().get(2).split(" --log-error")[0].split("; ")[2].split(" ")));
    }

    @Test
    void unknownOrUnsafeArgumentsAreRefused() {
        FunctionContext ctx = new FunctionContext("ctl1", stopped(), Map.of(), null, null, Kinds.registry());
        FunctionReturn r = Functions.builtin().call("galera.facts", ctx, List.of("datadir=/x; rm -rf /"));
        assertFalse(r.getSuccess());
        assertTrue(r.getError().contains("not a plain path"), r.getError());
        assertTrue(Functions.builtin().call("galera.facts", ctx, List.of("dir=/x")).getError().contains("give key=value"));
    }
}
