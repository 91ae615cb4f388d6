package io.jstate.master.orch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.master.orch.Election.Elected;
import io.jstate.master.orch.Election.ElectionRefused;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GaleraElectionTest {

    private static final String UUID = "6b1d1b0e-1f3a-11ef-8a4e-3b2f4c5d6e7f";
    private static final String OTHER = "9c2e2c1f-2a4b-11ef-9b5f-4c3a5d6e7f80";
    private static final List<String> CTL = List.of("ctl1", "ctl2", "ctl3");

    private final GaleraElection rule = new GaleraElection();

    private static Map<String, Object> synced() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("running", true);
        f.put("answering", true);
        f.put("wsrep_cluster_status", "Primary");
        f.put("wsrep_local_state_comment", "Synced");
        f.put("wsrep_cluster_size", 3);
        return f;
    }

    private static Map<String, Object> stopped() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("running", false);
        f.put("has_data", false);
        f.put("gvwstate", "absent");
        return f;
    }

    /** A stopped node with data: grastate.dat's uuid, seqno and flag, and the position recovery found. */
    private static Map<String, Object> data(String uuid, Object seqno, boolean safe) {
        Map<String, Object> f = stopped();
        f.put("has_data", true);
        f.put("uuid", uuid);
        f.put("seqno", seqno);
        f.put("safe_to_bootstrap", safe);
        f.put("position_uuid", uuid);
        f.put("position_seqno", seqno);
        f.put("bootstrappable", true);
        return f;
    }

    /** A crashed node: grastate.dat says -1, --wsrep-recover found the position. */
    private static Map<String, Object> crashed(String uuid, Object recovered) {
        Map<String, Object> f = data(uuid, -1L, false);
        f.put("position_seqno", recovered);
        f.put("recovered_seqno", recovered);
        return f;
    }

    private Elected decide(Map<String, Map<String, Object>> facts) {
        return rule.decide(CTL, facts, Map.of());
    }

    private ElectionRefused refused(Map<String, Map<String, Object>> facts, Map<String, String> failures) {
        return assertThrows(ElectionRefused.class, () -> rule.decide(CTL, facts, failures));
    }

    private static Map<String, Map<String, Object>> facts(Object... idAndFacts) {
        Map<String, Map<String, Object>> m = new HashMap<>();
        for (int i = 0; i < idAndFacts.length; i += 2) {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) idAndFacts[i + 1];
            m.put((String) idAndFacts[i], f);
        }
        return m;
    }

    private static void values(Elected e, String action, boolean bootstrap, String seed, String first, int members) {
        assertEquals(Map.of("action", action, "bootstrap", bootstrap, "seed", seed, "first", first, "members", members), e.values());
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }

    @Test
    void functionIsGaleraFacts() {
        assertEquals("galera.facts", rule.function());
    }

    // ---- the cluster runs ----

    @Test
    void everyNodeSyncedIsRunning() {
        Elected e = decide(facts("ctl1", synced(), "ctl2", synced(), "ctl3", synced()));
        values(e, "running", false, "", "ctl1", 3);
        contains(e.summary(), "every data node (3)");
    }

    @Test
    void oneSyncedNodeIsEnoughForTheOthersToJoinEvenWhenOneDidNotReport() {
        Map<String, Object> joiner = synced();
        joiner.put("wsrep_local_state_comment", "Joining");
        Elected e = rule.decide(CTL, facts("ctl2", synced(), "ctl3", joiner), Map.of("ctl1", "timed out"));
        values(e, "join", false, "", "ctl2", 3);
        Elected stoppedOne = decide(facts("ctl1", crashed(UUID, 10L), "ctl2", synced(), "ctl3", synced()));
        values(stoppedOne, "join", false, "", "ctl2", 3);
    }

    @Test
    void aSyncedNodeOutsideAPrimaryComponentDoesNotCount() {
        Map<String, Object> nonPrimary = synced();
        nonPrimary.put("wsrep_cluster_status", "non-Primary");
        ElectionRefused r = refused(facts("ctl1", nonPrimary, "ctl2", data(UUID, 5L, false), "ctl3", data(UUID, 5L, false)), Map.of());
        contains(r.getMessage(), "mariadbd runs on [ctl1]", "ctl1: non-Primary/Synced", "stop mariadb");
    }

    @Test
    void aRunningNodeThatDoesNotAnswerIsRefusedNotRecoveredAround() {
        Map<String, Object> stuck = stopped();
        stuck.put("running", true);
        stuck.put("answering", false);
        ElectionRefused r = refused(facts("ctl1", stuck, "ctl2", stopped(), "ctl3", stopped()), Map.of());
        contains(r.getMessage(), "ctl1: ?/not answering");
    }

    // ---- new cluster ----

    @Test
    void noDataAnywhereStartsANewClusterOnTheFirstIdWhateverTheMapOrder() {
        Elected e = rule.decide(List.of("ctl3", "ctl1", "ctl2"), facts("ctl3", stopped(), "ctl2", stopped(), "ctl1", stopped()), Map.of());
        values(e, "new", true, "ctl1", "ctl1", 3);
        contains(e.summary(), "new cluster starts on ctl1");
    }

    /** A first deploy and its dry run: the hosts have no MariaDB yet and no data folder (galera.facts' answer). */
    @Test
    void hostsWithoutMariadbStartANewClusterButAnUnreadableDataFolderIsRefused() {
        Map<String, Object> fresh = new LinkedHashMap<>(Map.of("arbitrator", false, "installed", false, "running", false, "has_data", false));
        Elected e = decide(facts("ctl1", fresh, "ctl2", fresh, "ctl3", fresh));
        values(e, "new", true, "ctl1", "ctl1", 3);
        contains(e.summary(), "a new cluster starts on ctl1");
        String unreadable = "galera.facts: /usr/bin/mariadb-admin is not installed but the data folder /var/lib/mysql exists: "
                + "this node cannot tell its Galera position; install mariadb-client or look at the folder";
        ElectionRefused r = refused(facts("ctl1", fresh, "ctl3", fresh), Map.of("ctl2", unreadable));
        contains(r.getMessage(), "[ctl2] did not report", "ctl2: " + unreadable, "--choose galera=<id>");
    }

    @Test
    void aNewClusterNeedsEveryNodeToReport() {
        ElectionRefused r = refused(facts("ctl1", stopped(), "ctl2", stopped()), Map.of("ctl3", "minion not connected"));
        contains(r.getMessage(), "[ctl3] did not report", "ctl3: minion not connected", "operator must choose the seed", "--choose galera=<id>");
    }

    @Test
    void theArbitratorIsNeitherCountedNorSeed() {
        Map<String, Object> garbd = stopped();
        garbd.put("arbitrator", true);
        Elected e = rule.decide(List.of("ctl1", "ctl2", "ctl0"), facts("ctl0", garbd, "ctl1", stopped(), "ctl2", stopped()), Map.of());
        values(e, "new", true, "ctl1", "ctl1", 2);
        Elected running = rule.decide(List.of("ctl1", "ctl2", "ctl0"), facts("ctl0", garbd, "ctl1", synced(), "ctl2", synced()), Map.of());
        values(running, "running", false, "", "ctl1", 2);
    }

    @Test
    void onlyArbitratorsIsRefused() {
        Map<String, Object> garbd = stopped();
        garbd.put("arbitrator", true);
        contains(assertThrows(ElectionRefused.class, () -> rule.decide(List.of("ctl3"), facts("ctl3", garbd), Map.of())).getMessage(),
                "no Galera data node");
    }

    // ---- full outage ----

    @Test
    void safeToBootstrapWinsOverAHigherSeqno() {
        Elected e = decide(facts("ctl1", data(UUID, 90L, false), "ctl2", data(UUID, 80L, true), "ctl3", crashed(UUID, 95L)));
        values(e, "recover", true, "ctl2", "ctl2", 3);
        contains(e.summary(), "ctl2 has safe_to_bootstrap: 1");
    }

    @Test
    void safeToBootstrapWithZeroUuidOrUnknownSeqnoIsIgnored() {
        Map<String, Object> zero = data(GaleraElection.ZERO_UUID, 100L, true);
        zero.put("position_uuid", UUID);
        Elected e = decide(facts("ctl1", zero, "ctl2", data(UUID, 120L, false), "ctl3", data(UUID, 110L, false)));
        values(e, "recover", true, "ctl2", "ctl2", 3);

        Map<String, Object> minusOne = crashed(UUID, 50L);
        minusOne.put("safe_to_bootstrap", true);
        Elected f = decide(facts("ctl1", minusOne, "ctl2", data(UUID, 40L, false), "ctl3", data(UUID, 60L, false)));
        values(f, "recover", true, "ctl3", "ctl3", 3);
    }

    /** fault grastate corrupt: the first half of the file, then NUL bytes, as a crash while Galera wrote it leaves it. */
    private static final String TORN = "6b1d1b0e-1f3a-" + "\0".repeat(22);

    @Test
    void aTornGrastateIsNeitherSafeToBootstrapNorAPosition() {
        // The seqno and flag lines survived, the uuid did not; --wsrep-recover found 100 in InnoDB.
        Map<String, Object> torn = data(TORN, 300L, true);
        torn.put("position_uuid", UUID);
        torn.put("position_seqno", 100L);
        Elected e = decide(facts("ctl1", data(UUID, 120L, false), "ctl2", torn, "ctl3", data(UUID, 110L, false)));
        values(e, "recover", true, "ctl1", "ctl1", 3);
        contains(e.summary(), "ctl1 is the most advanced node");

        // Nothing but the torn file: the node's position is unknown, and it may be the most advanced.
        Map<String, Object> unknown = data(TORN, 300L, true);
        ElectionRefused r = refused(facts("ctl1", data(UUID, 120L, false), "ctl2", unknown, "ctl3", data(UUID, 110L, false)), Map.of());
        contains(r.getMessage(), "[ctl2] have data and no known position");
    }

    @Test
    void allSafeToBootstrapZeroPicksTheHighestRecoveredSeqno() {
        Elected e = decide(facts("ctl1", crashed(UUID, 1041L), "ctl2", crashed(UUID, 1043L), "ctl3", crashed(UUID, 1042L)));
        values(e, "recover", true, "ctl2", "ctl2", 3);
        contains(e.summary(), "ctl2 is the most advanced", "ctl1 seqno 1041", "ctl3 seqno 1042");
    }

    @Test
    void seqnosCompareAsUnsigned64Bit() {
        // 2^63 does not fit a signed long: Galera's signed text of it is negative, JSON may carry it as a big number.
        BigInteger past = BigInteger.ONE.shiftLeft(63);
        Elected e = decide(facts("ctl1", crashed(UUID, Long.MAX_VALUE), "ctl2", crashed(UUID, past), "ctl3", crashed(UUID, 5L)));
        assertEquals("ctl2", e.values().get("seed"));
        Elected negative = decide(facts("ctl1", crashed(UUID, Long.MAX_VALUE), "ctl2", crashed(UUID, 7L),
                "ctl3", crashed(UUID, String.valueOf(Long.MIN_VALUE))));
        assertEquals("ctl3", negative.values().get("seed"));
        assertEquals(past, GaleraElection.seqnoOf(Long.MIN_VALUE));
        assertEquals(new BigInteger("18446744073709551614"), GaleraElection.seqnoOf(-2L));
        assertNull(GaleraElection.seqnoOf(-1L));
        assertNull(GaleraElection.seqnoOf("-1"));
        assertNull(GaleraElection.seqnoOf("x"));
        assertNull(GaleraElection.seqnoOf(BigInteger.ONE.shiftLeft(64)));
    }

    @Test
    void tiesGoToTheLowestId() {
        Elected e = rule.decide(List.of("ctl3", "ctl2", "ctl1"),
                facts("ctl3", crashed(UUID, 7L), "ctl2", crashed(UUID, 7L), "ctl1", crashed(UUID, 3L)), Map.of());
        values(e, "recover", true, "ctl2", "ctl2", 3);
        Elected safeTie = decide(facts("ctl1", data(UUID, 7L, false), "ctl2", data(UUID, 7L, true), "ctl3", data(UUID, 7L, true)));
        assertEquals("ctl2", safeTie.values().get("seed"));
    }

    @Test
    void nodesWithPreparedTransactionsNeverBootstrap() {
        Map<String, Object> prepared = crashed(UUID, 500L);
        prepared.put("prepared_transactions", 2);
        prepared.put("bootstrappable", false);
        prepared.put("safe_to_bootstrap", true);
        Elected e = decide(facts("ctl1", prepared, "ctl2", crashed(UUID, 499L), "ctl3", crashed(UUID, 400L)));
        values(e, "recover", true, "ctl2", "ctl2", 3);
        contains(e.summary(), "[ctl1] had prepared transactions");

        Map<String, Object> prepared2 = crashed(UUID, 10L);
        prepared2.put("bootstrappable", false);
        Map<String, Object> prepared3 = crashed(UUID, 11L);
        prepared3.put("bootstrappable", false);
        ElectionRefused r = refused(facts("ctl1", stopped(), "ctl2", prepared2, "ctl3", prepared3), Map.of());
        contains(r.getMessage(), "every node with data had prepared transactions [ctl2, ctl3]");
    }

    @Test
    void nodesWithoutDataJoinTheRecoveredOne() {
        Elected e = decide(facts("ctl1", stopped(), "ctl2", crashed(UUID, 3L), "ctl3", stopped()));
        values(e, "recover", true, "ctl2", "ctl2", 3);
    }

    @Test
    void oneNodeMissingInAFullOutageIsRefusedAndNamed() {
        ElectionRefused r = refused(facts("ctl1", crashed(UUID, 9L), "ctl3", crashed(UUID, 8L)), Map.of("ctl2", "minion not connected"));
        contains(r.getMessage(), "[ctl2] did not report", "ctl2: minion not connected", "may hold the newest data",
                "operator must choose the seed", "--choose galera=<id>");
        // The same when the minion's answer is missing without a reason.
        contains(refused(facts("ctl1", crashed(UUID, 9L), "ctl3", crashed(UUID, 8L)), Map.of()).getMessage(), "[ctl2] did not report");
    }

    @Test
    void mixedUuidsAreRefused() {
        ElectionRefused r = refused(facts("ctl1", crashed(UUID, 9L), "ctl2", crashed(OTHER, 900L), "ctl3", crashed(UUID, 8L)), Map.of());
        contains(r.getMessage(), "different clusters", UUID + "=[ctl1, ctl3]", OTHER + "=[ctl2]");
    }

    @Test
    void zeroUuidsDoNotCountAsADifferentCluster() {
        Map<String, Object> fresh = data(GaleraElection.ZERO_UUID, -1L, false);
        Elected e = decide(facts("ctl1", fresh, "ctl2", crashed(UUID, 4L), "ctl3", crashed(UUID, 6L)));
        // ctl1's data directory never belonged to a cluster: it joins like an empty node.
        assertEquals("ctl3", e.values().get("seed"));
    }

    @Test
    void aNodeWithDataButNoKnownPositionIsRefused() {
        Map<String, Object> unknown = crashed(UUID, -1L);
        unknown.put("recover_error", "mariadbd --wsrep-recover printed no position");
        ElectionRefused r = refused(facts("ctl1", unknown, "ctl2", crashed(UUID, 4L), "ctl3", crashed(UUID, 6L)), Map.of());
        contains(r.getMessage(), "[ctl1] have data and no known position", "ctl1 seqno unknown", "ctl3 seqno 6");
    }

    @Test
    void theSameFactsGiveTheSameChoice() {
        Map<String, Map<String, Object>> f = facts("ctl1", crashed(UUID, 7L), "ctl2", crashed(UUID, 9L), "ctl3", crashed(UUID, 9L));
        Elected a = rule.decide(CTL, f, Map.of());
        Elected b = rule.decide(List.of("ctl2", "ctl3", "ctl1"), new java.util.TreeMap<>(f), Map.of());
        assertEquals(a, b);
        assertEquals("ctl2", a.values().get("seed"));
    }

    // ---- the operator's choice ----

    @Test
    void theOperatorMayChooseTheSeedWhenANodeIsLostForGood() {
        Map<String, Map<String, Object>> f = facts("ctl1", crashed(UUID, 10L), "ctl2", crashed(UUID, 12L));
        contains(refused(f, Map.of("ctl3", "not connected")).getMessage(), "--choose galera=<id>");
        Elected e = rule.choose("ctl1", CTL, f, Map.of("ctl3", "not connected"));
        values(e, "recover", true, "ctl1", "ctl1", 3);
        contains(e.summary(), "the operator chose ctl1");
        Elected silent = rule.choose("ctl3", CTL, f, Map.of("ctl3", "not connected"));
        contains(silent.summary(), "did not report: not connected");
    }

    @Test
    void aChoiceBesideARunningNodeOrOutsideTheTargetIsRefused() {
        Map<String, Object> joining = synced();
        joining.put("wsrep_local_state_comment", "Joining");
        joining.put("wsrep_cluster_status", "non-Primary");
        ElectionRefused running = assertThrows(ElectionRefused.class,
                () -> rule.choose("ctl2", CTL, facts("ctl1", joining, "ctl2", crashed(UUID, 5L), "ctl3", stopped()), Map.of()));
        contains(running.getMessage(), "mariadbd runs on [ctl1]", "second cluster");
        contains(assertThrows(ElectionRefused.class, () -> rule.choose("db9", CTL, facts(), Map.of())).getMessage(), "not among the targeted");
        Map<String, Object> garb = stopped();
        garb.put("arbitrator", true);
        contains(assertThrows(ElectionRefused.class, () -> rule.choose("ctl3", CTL, facts("ctl3", garb), Map.of())).getMessage(), "arbitrator");
        values(rule.choose("ctl2", CTL, facts("ctl1", stopped(), "ctl2", stopped(), "ctl3", stopped()), Map.of()), "new", true, "ctl2", "ctl2", 3);
    }
}
