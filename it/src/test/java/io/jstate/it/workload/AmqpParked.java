package io.jstate.it.workload;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Messages parked across a fault in a quorum queue of their own. The running workload's messages
 * are consumed within moments of their confirm, so a fault that takes every broker down finds none
 * of them in a queue; these are. {@code park}, before the fault, publishes {@code count} persistent
 * messages with publisher confirms and no consumer, each confirmed id to {@value #LOG};
 * {@code unpark}, once the backend is healthy again, takes every message from the queue (an
 * earlier run's left-overs count as foreign) and names each confirmed id that is not there.
 */
public final class AmqpParked {
    static final String QUEUE = "workload-parked";
    static final String LOG = "amqp-parked.log";
    static final String PARK_RESULT = "amqp-park.json";

    /** {@code lost}: confirmed ids not delivered by unpark (must be 0); park's result has delivered, lost and foreign 0. */
    public record Result(long run, long published, long confirmed, long delivered, long lost, long foreign, List<Long> lostIds) {}

    private AmqpParked() {}

    static Result park(ConnectionFactory factory, List<Address> brokers, String queue, int count, int timeoutMs, Ids ids, Path dir)
            throws IOException, TimeoutException, InterruptedException {
        if (count < 1 || count > 10_000) throw new IllegalArgumentException("--count must be 1..10000, not " + count);
        long confirmed = 0;
        try (OpLog log = new OpLog(dir.resolve(LOG)); Connection c = factory.newConnection(brokers, "jstate-workload-park")) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.queueDeclare(queue, true, false, false, AmqpWorkload.queueArguments());
            for (long seq = 0; seq < count; seq++) {
                long id = ids.id(seq);
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(Long.toString(id)).deliveryMode(2).build();
                ch.basicPublish("", queue, true, props, Long.toString(id).getBytes(StandardCharsets.UTF_8));
                if (!ch.waitForConfirms(timeoutMs)) throw new IOException("the broker did not confirm parked message " + id);
                log.line(id);
                confirmed++;
            }
        }
        return new Result(ids.run(), count, confirmed, 0, 0, 0, List.of());
    }

    static Result unpark(ConnectionFactory factory, List<Address> brokers, String queue, int drainSeconds, Path dir)
            throws IOException, InterruptedException {
        Result parked = Json.read(dir.resolve(PARK_RESULT), Result.class);
        Set<Long> confirmed = firstFields(dir.resolve(LOG));
        if (confirmed.size() != parked.confirmed()) {
            throw new IllegalArgumentException(dir.resolve(LOG) + " holds " + confirmed.size() + " ids, " + PARK_RESULT + " says " + parked.confirmed());
        }
        return take(factory, brokers, queue, new Ids(parked.run()), parked.published(), confirmed, drainSeconds, "unpark");
    }

    /**
     * The running workload's confirmed messages it did not get before its drain ended, taken from
     * its queue once the backend is healthy again. A fault that takes every broker down for longer
     * than the workload runs leaves its last confirmed messages in the queue: they are late, not
     * lost. {@code published} in the result is how many the workload had confirmed, {@code confirmed}
     * how many of them it had not got; {@code lost}: those not in the queue either.
     */
    static Result late(ConnectionFactory factory, List<Address> brokers, String queue, int drainSeconds, Path dir)
            throws IOException, InterruptedException {
        AmqpResult amqp = Json.read(dir.resolve("amqp.json"), AmqpResult.class);
        Set<Long> confirmed = firstFields(dir.resolve(AmqpWorkload.CONFIRMED_LOG));
        if (confirmed.size() != amqp.confirmed()) {
            throw new IllegalArgumentException(dir.resolve(AmqpWorkload.CONFIRMED_LOG) + " holds " + confirmed.size() + " ids, amqp.json says "
                    + amqp.confirmed());
        }
        confirmed.removeAll(firstFields(dir.resolve(AmqpWorkload.DELIVERED_LOG)));
        return take(factory, brokers, queue, new Ids(amqp.run()), amqp.confirmed(), confirmed, drainSeconds, "late");
    }

    /** The ids of a workload log: the first field of each line; a line that is not one names file and line. */
    static Set<Long> firstFields(Path file) throws IOException {
        Set<Long> ids = new LinkedHashSet<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) continue;
            try {
                ids.add(Long.parseLong(l.split("\t", 2)[0].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not an id: " + l);
            }
        }
        return ids;
    }

    /** Takes every message from {@code queue} until each of {@code wanted} came or the drain's bound; messages of other runs count as foreign. */
    private static Result take(ConnectionFactory factory, List<Address> brokers, String queue, Ids ids, long published, Set<Long> wanted,
            int drainSeconds, String what) throws IOException, InterruptedException {
        Set<Long> delivered = new LinkedHashSet<>();
        long foreign = 0;
        long deadline = System.nanoTime() + drainSeconds * 1_000_000_000L;
        Progress progress = new Progress("amqp " + what);
        while (System.nanoTime() < deadline && !delivered.containsAll(wanted)) {
            try (Connection c = factory.newConnection(brokers, "jstate-workload-" + what)) {
                Channel ch = c.createChannel();
                while (System.nanoTime() < deadline && !delivered.containsAll(wanted)) {
                    GetResponse g = ch.basicGet(queue, false);
                    if (g == null) {
                        Thread.sleep(200);
                        progress.maybe(() -> "waiting for " + what + " messages in " + queue + ", at most " + drainSeconds + " s");
                        continue;
                    }
                    long id;
                    try {
                        id = Long.parseLong(new String(g.getBody(), StandardCharsets.UTF_8));
                    } catch (NumberFormatException e) {
                        id = -1;
                    }
                    if (ids.contains(id)) delivered.add(id);
                    else foreign++;
                    ch.basicAck(g.getEnvelope().getDeliveryTag(), false);
                }
            } catch (IOException | TimeoutException | RuntimeException e) {
                // A broker still coming back: the next connection goes to the next one in the list.
                Thread.sleep(500);
            }
        }
        List<Long> lost = new ArrayList<>();
        for (long id : wanted) if (!delivered.contains(id)) lost.add(id);
        long got = wanted.size() - lost.size();
        return new Result(ids.run(), published, wanted.size(), got, lost.size(), foreign, lost.subList(0, Math.min(20, lost.size())));
    }
}
