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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rabbitmq.status, memcached.stats and haproxy.stats, each against a scripted host and daemon. */
class HealthFunctionsTest {
    @TempDir
    Path tmp;

    /** Answers as the daemon would, by address; records what was asked. */
    static final class FakeWire implements Wire {
        final Map<String, String> answers = new LinkedHashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public String tcp(String host, int port, String request, String end, Duration timeout) throws IOException {
            return answer(host + ":" + port, request);
        }

        @Override
        public String unix(Path socket, String request, String end, Duration timeout) throws IOException {
            return answer(socket.toString(), request);
        }

        private String answer(String where, String request) throws IOException {
            asked.add(where + " " + request);
            String a = answers.get(where);
            if (a == null) throw new IOException("Connection refused");
            return a;
        }
    }

    private void write(String path, String text) throws IOException {
        Path p = tmp.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static Map<String, Object> call(ExecutionFunction f, ScriptedHost host, String... args) {
        ExecutionFunction.Output out = f.call(new FunctionContext("ctl1", host, Map.of(), null, null, Kinds.registry()), List.of(args));
        assertTrue(out.success());
        return Structs.map(Structs.value(out.value()).getStructValue());
    }

    // ---- rabbitmq.status ----

    @Test
    void rabbitmqReportsRunningNodesPartitionsAndAlarms() throws IOException {
        write("/usr/sbin/rabbitmqctl", "");
        ScriptedHost host = new ScriptedHost(tmp).answer(ExecResult.ok("""
                {"alarms":[{"type":"memory","node":"rabbit@ctl2"}],"cluster_name":"rabbit@ctl1","disk_nodes":["rabbit@ctl1","rabbit@ctl2","rabbit@ctl3"],\
                "partitions":{"rabbit@ctl3":["rabbit@ctl1"]},"running_nodes":["rabbit@ctl1","rabbit@ctl2","rabbit@ctl3"],"ram_nodes":[]}
                """), "/usr/sbin/rabbitmqctl");
        Map<String, Object> v = call(new RabbitmqStatus(), host);
        assertEquals(true, v.get("running"));
        assertEquals(List.of("rabbit@ctl1", "rabbit@ctl2", "rabbit@ctl3"), v.get("running_nodes"));
        assertEquals(List.of("rabbit@ctl3: rabbit@ctl1"), v.get("partitions"));
        assertEquals(List.of("memory on rabbit@ctl2"), v.get("alarms"));
        assertEquals(List.of(List.of("/usr/sbin/rabbitmqctl", "cluster_status", "--formatter", "json", "--timeout", "10")), host.commands);
    }

    @Test
    void rabbitmqSaysPlainlyWhenItIsAbsentOrDown() throws IOException {
        ScriptedHost none = new ScriptedHost(tmp);
        Map<String, Object> v = call(new RabbitmqStatus(), none);
        assertEquals(false, v.get("installed"));
        assertTrue(none.commands.isEmpty());
        write("/usr/sbin/rabbitmqctl", "");
        ScriptedHost down = new ScriptedHost(tmp).answer(ExecResult.fail(69, "Error: unable to perform an operation on node 'rabbit@ctl1'."),
                "/usr/sbin/rabbitmqctl");
        v = call(new RabbitmqStatus(), down);
        assertEquals(true, v.get("installed"));
        assertEquals(false, v.get("running"));
        assertTrue(String.valueOf(v.get("error")).startsWith("not running: rabbitmqctl exited 69: Error: unable"), String.valueOf(v.get("error")));
    }

    // ---- memcached.stats ----

    @Test
    void memcachedIsAskedOnEachConfiguredAddress() throws IOException {
        write("/usr/bin/memcached", "");
        write("/etc/memcached.conf", "# Managed by jstate\n-d\n-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1,10.77.0.11\n");
        FakeWire wire = new FakeWire();
        wire.answers.put("127.0.0.1:11211", "STAT pid 12\r\nSTAT uptime 345\r\nSTAT version 1.6.18\r\nSTAT curr_connections 7\r\nEND\r\n");
        Map<String, Object> v = call(new MemcachedStats(wire), new ScriptedHost(tmp));
        assertEquals(true, v.get("installed"));
        assertEquals(true, v.get("running"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> instances = (List<Map<String, Object>>) v.get("instances");
        assertEquals(Map.of("address", "127.0.0.1:11211", "reachable", true, "uptime", 345, "curr_connections", 7, "version", "1.6.18"),
                instances.get(0));
        assertEquals("10.77.0.11:11211", instances.get(1).get("address"));
        assertEquals(false, instances.get(1).get("reachable"));
        assertTrue(String.valueOf(instances.get(1).get("error")).startsWith("not running or not answering on 10.77.0.11:11211"));
        assertEquals(List.of("127.0.0.1:11211 stats\r\n", "10.77.0.11:11211 stats\r\n"), wire.asked);
    }

    @Test
    void memcachedAbsentIsNotInstalled() {
        FakeWire wire = new FakeWire();
        Map<String, Object> v = call(new MemcachedStats(wire), new ScriptedHost(tmp));
        assertEquals(false, v.get("installed"));
        assertTrue(wire.asked.isEmpty());
        assertEquals(List.of("127.0.0.1:11211"), MemcachedStats.addresses("-d\n"));
        assertEquals(List.of("127.0.0.1:11311"), MemcachedStats.addresses("-l 0.0.0.0\n-p 11311\n"));
    }

    // ---- haproxy.stats ----

    static final String SHOW_STAT = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,"
            + "act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,\n"
            + "stats,FRONTEND,,,0,1,4096,2,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,1,,\n"
            + "galera,FRONTEND,,,0,0,4096,0,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,3,0,,,,0,0,0,0,,\n"
            + "galera,ctl1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,100,0,,1,3,1,,0,,2,0,,0,L7OK,\n"
            + "galera,ctl2,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,0,1,0,0,100,0,,1,3,2,,0,,2,0,,0,L7OK,\n"
            + "galera,ctl3,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,0,1,1,1,5,5,,1,3,3,,0,,2,0,,0,L7STS,\n"
            + "galera,BACKEND,0,0,0,0,410,0,0,0,0,0,,0,0,0,0,UP,1,1,2,,0,100,0,,1,3,0,,0,,1,0,,0,,\n";

    @Test
    void haproxyListsBackendsAndServersFromTheConfiguredSocket() throws IOException {
        write("/usr/sbin/haproxy", "");
        write("/etc/haproxy/haproxy.cfg", "global\n\tlog /dev/log local0\n\tstats socket /run/haproxy/admin.sock mode 660 level admin\n");
        FakeWire wire = new FakeWire();
        wire.answers.put("/run/haproxy/admin.sock", SHOW_STAT);
        Map<String, Object> v = call(new HaproxyStats(wire), new ScriptedHost(tmp));
        assertEquals(true, v.get("running"));
        assertEquals("/run/haproxy/admin.sock", v.get("socket"));
        assertEquals(List.of(Map.of("name", "galera", "status", "UP", "servers", List.of(
                Map.of("name", "ctl1", "status", "UP", "check", "L7OK"),
                Map.of("name", "ctl2", "status", "UP", "check", "L7OK"),
                Map.of("name", "ctl3", "status", "DOWN", "check", "L7STS")))), v.get("backends"));
        assertEquals(List.of("/run/haproxy/admin.sock show stat\n"), wire.asked);
    }

    @Test
    void haproxyAbsentOrSilentIsSaidPlainly() throws IOException {
        FakeWire wire = new FakeWire();
        assertEquals(false, call(new HaproxyStats(wire), new ScriptedHost(tmp)).get("installed"));
        write("/usr/sbin/haproxy", "");
        Map<String, Object> v = call(new HaproxyStats(wire), new ScriptedHost(tmp), "socket=/run/haproxy/other.sock");
        assertEquals(true, v.get("installed"));
        assertEquals(false, v.get("running"));
        assertTrue(String.valueOf(v.get("error")).startsWith("not running: nothing answers on /run/haproxy/other.sock"));
        assertFalse(v.containsKey("backends"));
    }

    @Test
    void theFunctionsAreRegistered() {
        FunctionReturn r = Functions.builtin().call("memcached.stats",
                new FunctionContext("ctl1", new ScriptedHost(tmp), Map.of(), null, null, Kinds.registry()), List.of("bogus"));
        assertFalse(r.getSuccess());
        assertTrue(Functions.builtin().names().containsAll(List.of("rabbitmq.status", "memcached.stats", "haproxy.stats")));
    }
}
