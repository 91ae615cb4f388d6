package io.jstate.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.master.jobs.Jids;
import io.jstate.master.pki.Csr;
import io.jstate.master.store.Quarantine;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.Minion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A damaged store file is moved aside, named in the log and shown to the operator; the master starts without it. */
class StoreRecoveryTest {
    private TestMaster tm;
    private Path data;
    private LogCapture log;

    @BeforeEach
    void setUp() {
        tm = new TestMaster("");
        data = tm.root.resolve("data");
        log = LogCapture.install();
    }

    @AfterEach
    void tearDown() {
        log.close();
        tm.close();
    }

    @Test
    void damagedKeyMinionAndJobFilesAreMovedAsideAndTheMasterStarts() throws Exception {
        // Two real minions with accepted keys, and a finished job.
        Master m = tm.start();
        FakeMinion web1 = new FakeMinion("web1");
        FakeMinion web2 = new FakeMinion("web2");
        m.keys().enroll(Csr.check(web1.csr, "web1"), web1.csr, true);
        m.keys().enroll(Csr.check(web2.csr, "web2"), web2.csr, true);
        FakeMinion web4 = new FakeMinion("web4");
        m.keys().enroll(Csr.check(web4.csr, "web4"), web4.csr, true);
        String jid = Jids.make(System.currentTimeMillis());
        tm.stop();
        Path jobs = data.resolve("jobs");
        Files.createDirectories(jobs.resolve(jid).resolve("results"));
        Files.write(jobs.resolve(jid).resolve("job.pb"), new byte[0]);

        // Garbage over web1's record, a zero-byte record for web2, a record of web2 under another
        // name, a garbage minion record and a record naming another minion.
        Path web1Pb = data.resolve("keys/accepted/web1.pb");
        Path web2Pb = data.resolve("keys/accepted/web2.pb");
        Path impostor = data.resolve("keys/pending/web3.pb");
        Files.copy(web2Pb, impostor);
        Files.copy(data.resolve("keys/accepted/web2.csr"), data.resolve("keys/pending/web3.csr"));
        // A copy of web4's accepted key among the pending ones: the accepted one stands.
        Files.copy(data.resolve("keys/accepted/web4.pb"), data.resolve("keys/pending/web4.pb"));
        Files.copy(data.resolve("keys/accepted/web4.csr"), data.resolve("keys/pending/web4.csr"));
        Files.write(web1Pb, new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02});
        Files.write(web2Pb, new byte[0]);
        Files.createDirectories(data.resolve("minions"));
        Files.write(data.resolve("minions/db1.pb"), new byte[] {0x0a, (byte) 0xff});
        Files.write(data.resolve("minions/db2.pb"), Minion.newBuilder().setId("db9").build().toByteArray());

        m = tm.start();
        assertEquals(List.of("web4:ACCEPTED"), m.keys().list().stream().map(k -> k.getMinionId() + ":" + k.getState()).toList(),
                "no phantom key, and no key read from a damaged record");
        Map<String, String> moved = m.quarantine().entries().stream()
                .collect(Collectors.toMap(e -> data.relativize(e.file()).toString(), Quarantine.Entry::reason));
        assertEquals(List.of("jobs/" + jid, "keys/accepted/web1.crt", "keys/accepted/web1.csr", "keys/accepted/web1.pb",
                "keys/accepted/web2.crt", "keys/accepted/web2.csr", "keys/accepted/web2.pb", "keys/pending/web3.csr",
                "keys/pending/web3.pb", "keys/pending/web4.csr", "keys/pending/web4.pb", "minions/db1.pb", "minions/db2.pb"),
                moved.keySet().stream().sorted().toList());
        assertEquals("is a second key of 'web4', besides the accepted one", moved.get("keys/pending/web4.pb"));
        assertTrue(moved.get("keys/accepted/web1.pb").startsWith("is not a key record"), moved.toString());
        assertEquals("is empty or holds no minion id", moved.get("keys/accepted/web2.pb"));
        assertEquals("holds the key of 'web2', not of 'web3'", moved.get("keys/pending/web3.pb"));
        assertEquals("holds the record of 'db9', not of 'db2'", moved.get("minions/db2.pb"));
        assertEquals("job.pb is empty or holds no jid", moved.get("jobs/" + jid));
        for (Quarantine.Entry e : m.quarantine().entries()) {
            assertFalse(Files.exists(e.file()), e.file() + " is moved away");
            assertTrue(e.movedTo().startsWith(data.resolve("quarantine")) && Files.exists(e.movedTo()), String.valueOf(e.movedTo()));
        }
        String logged = log.records.stream().map(LogRecord::getMessage).collect(Collectors.joining("\n"));
        assertTrue(logged.contains(web1Pb + ": is not a key record"), logged);
        assertTrue(logged.contains("moved aside to " + data.resolve("quarantine/keys/accepted")), logged);
        assertEquals(null, log.firstStackTrace(), "no stack trace in the log");
        assertEquals(List.of(), m.jobs().store().list(0), "the damaged job is not listed");

        // The minions enroll again; after another start the files moved earlier are still listed.
        var ch = tm.channel();
        try {
            assertEquals(EnrollReply.Status.PENDING, web1.enroll(ch, "").getStatus());
        } finally {
            ch.shutdownNow();
        }
        tm.stop();
        m = tm.start();
        assertEquals(List.of("web1", "web4"), m.keys().list().stream().map(Key::getMinionId).sorted().toList());
        assertEquals(13, m.quarantine().entries().size());
        assertTrue(m.quarantine().entries().stream().allMatch(e -> e.reason().equals("moved aside at an earlier start")));
    }
}
