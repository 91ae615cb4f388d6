package io.jstate.minion.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.host.LocalHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** galera.facts against a real one-node Galera cluster, before and after it is killed with -9. */
@Tag("real")
@Timeout(180)
class GaleraFactsRealTest {

    @Test
    void aKilledNodeRecoversThePositionItHadCommitted() throws Exception {
        try (GaleraNode node = new GaleraNode()) {
            node.sql("CREATE DATABASE t; CREATE TABLE t.a (i INT PRIMARY KEY); INSERT INTO t.a VALUES (1), (2), (3);");
            GaleraFacts.Paths paths = GaleraFacts.Paths.of(List.of("datadir=" + node.data(), "socket=" + node.socket(),
                    "pidfile=" + node.pidfile(), "defaults_file=" + node.cnf(), "user=root"));

            Map<String, Object> up = GaleraFacts.facts(LocalHost.system(), paths);
            assertEquals(true, up.get("running"), up.toString());
            assertEquals(true, up.get("answering"), up.toString());
            assertEquals(true, up.get("new_cluster"), up.toString());
            assertEquals("Primary", up.get("wsrep_cluster_status"));
            assertEquals("Synced", up.get("wsrep_local_state_comment"));
            assertEquals("ON", up.get("wsrep_ready"));
            assertEquals(1L, up.get("wsrep_cluster_size"));
            long committed = (Long) up.get("wsrep_last_committed");
            assertTrue(committed >= 3, up.toString());
            String uuid = (String) up.get("wsrep_cluster_state_uuid");

            node.kill();

            Map<String, Object> down = GaleraFacts.facts(LocalHost.system(), paths);
            assertEquals(false, down.get("running"), down.toString());
            assertEquals(true, down.get("has_data"));
            assertEquals(uuid, down.get("uuid"));
            assertEquals(-1L, down.get("seqno"), "a crash leaves grastate.dat at -1");
            assertEquals(0, down.get("prepared_transactions"));
            assertEquals(uuid, down.get("recovered_uuid"), down.toString());
            assertEquals(committed, down.get("recovered_seqno"), down.toString());
            assertEquals(committed, down.get("position_seqno"));
            assertEquals(true, down.get("bootstrappable"));
            assertTrue(List.of("absent", "present").contains(down.get("gvwstate")), down.toString());
        }
    }
}
