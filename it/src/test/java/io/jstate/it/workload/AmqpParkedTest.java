package io.jstate.it.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AmqpParkedTest {
    @TempDir
    Path dir;

    @Test
    void theIdsOfALogAreTheFirstFieldOfEachLine() throws Exception {
        Path confirmed = dir.resolve(AmqpWorkload.CONFIRMED_LOG);
        Files.writeString(confirmed, "1000001\n1000002\n\n1000003\n");
        Path delivered = dir.resolve(AmqpWorkload.DELIVERED_LOG);
        Files.writeString(delivered, "1000002\tnew\n1000002\tredelivered\n");
        var missing = AmqpParked.firstFields(confirmed);
        missing.removeAll(AmqpParked.firstFields(delivered));
        assertEquals(List.of(1_000_001L, 1_000_003L), List.copyOf(missing));
    }

    @Test
    void aLineThatIsNotAnIdNamesItsFileAndLine() throws Exception {
        Path log = dir.resolve("amqp-confirmed.log");
        Files.writeString(log, "1000001\nhalf-writ\n");
        var e = assertThrows(IllegalArgumentException.class, () -> AmqpParked.firstFields(log));
        assertTrue(e.getMessage().endsWith("amqp-confirmed.log line 2: not an id: half-writ"), e.getMessage());
    }

    @Test
    void theLateLookRefusesAConfirmedLogThatDisagreesWithTheResult() throws Exception {
        Files.writeString(dir.resolve("amqp.json"), Json.write(new AmqpResult(1, 3, 3, 0, 0, 2, 1, 0, 0, 0, 100, java.util.Map.of(), List.of(1_000_003L))));
        Files.writeString(dir.resolve(AmqpWorkload.CONFIRMED_LOG), "1000001\n1000002\n");
        Files.writeString(dir.resolve(AmqpWorkload.DELIVERED_LOG), "1000001\tnew\n1000002\tnew\n");
        var e = assertThrows(IllegalArgumentException.class,
                () -> AmqpParked.late(AmqpWorkload.factory("u", "p", "/", 500), List.of(), "q", 1, dir));
        assertTrue(e.getMessage().contains("holds 2 ids, amqp.json says 3"), e.getMessage());
    }
}
