package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.JobResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path tmp;

    private static JobResult result(String jid) {
        return JobResult.newBuilder().setJid(jid).setMinionId("web1").setStartedUnixMs(1).setFinishedUnixMs(2)
                .setFunction(FunctionReturn.newBuilder().setSuccess(true).setValue(Structs.value(true))).build();
    }

    @Test
    void resultsRoundTripInJidOrderUntilDeleted() throws Exception {
        Spool spool = new Spool(tmp);
        JobResult b = result("20260301100000000222");
        JobResult a = result("20260301100000000111");
        spool.write(b);
        spool.write(a);
        assertTrue(Files.exists(tmp.resolve("20260301100000000111.pb")));
        // A restart reads the same folder with a new spool.
        assertEquals(List.of(a, b), new Spool(tmp).all());
        spool.delete(a.getJid());
        assertEquals(List.of(b), spool.all());
        spool.delete("20260301100000000999");
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve("20260301100000000222.pb")), files.toList());
        }
    }

    @Test
    void aJidThatIsNoPlainTokenIsStoredUnderItsHash() throws Exception {
        Spool spool = new Spool(tmp);
        JobResult odd = result("../../etc/passwd");
        spool.write(odd);
        assertEquals(List.of(odd), spool.all());
        try (var files = Files.list(tmp)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().matches("x[0-9a-f]{32}\\.pb")));
        }
        spool.delete(odd.getJid());
        assertEquals(List.of(), spool.all());
    }

    @Test
    void anUnreadableFileIsLeftAlone() throws Exception {
        Files.write(tmp.resolve("20260301100000000333.pb"), new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        assertEquals(List.of(), new Spool(tmp).all());
        assertTrue(Files.exists(tmp.resolve("20260301100000000333.pb")));
    }
}
