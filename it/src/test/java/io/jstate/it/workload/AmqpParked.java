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
        Ids ids = new Ids(parked.run());
        Set<Long> confirmed = new LinkedHashSet<>();
        for (String l : Files.readAllLines(dir.resolve(LOG), StandardCharsets.UTF_8)) {
            if (!l.isBlank()) confirmed.add(Long.parseLong(l.strip()));
        }
        if (confirmed.size() != parked.confirmed()) {
            throw new IllegalArgumentException(dir.resolve(LOG) + " holds " + confirmed.size() + " ids, " + PARK_RESULT + " says " + parked.confirmed());
        }
        Set<Long> delivered = new LinkedHashSet<>();
        long foreign = 0;
        long deadline = System.nanoTime() + drainSeconds * 1_000_000_000L;
        Progress progress = new Progress("amqp unpark");
        while (System.nanoTime() < deadline && !delivered.containsAll(confirmed)) {
            try (Connection c = factory.newConnection(brokers, "jstate-workload-unpark")) {
                Channel ch = c.createChannel();
                while (System.nanoTime() < deadline && !delivered.containsAll(confirmed)) {
                    GetResponse g = ch.basicGet(queue, false);
                    if (g == null) {
                        Thread.sleep(200);
                        progress.maybe(() -> "waiting for parked messages, at most " + drainSeconds + " s");
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
        for (long id : confirmed) if (!delivered.contains(id)) lost.add(id);
        return new Result(parked.run(), parked.published(), confirmed.size(), delivered.size(), lost.size(), foreign,
                lost.subList(0, Math.min(20, lost.size())));
    }
}
