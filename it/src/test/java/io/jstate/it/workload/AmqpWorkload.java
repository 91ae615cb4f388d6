package io.jstate.it.workload;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RabbitMQ workload: a publisher with publisher confirms, one message in flight at a time, to a
 * durable quorum queue, failing over between the brokers; and a consumer with manual acks on a
 * connection of its own. Every confirmed id goes to {@code amqp-confirmed.log} before it counts,
 * every delivery to {@code amqp-delivered.log} before its ack. After the publishing time the
 * consumer drains until every confirmed id was delivered or {@code drainSeconds} passed. The broker
 * the publisher is connected to is in {@code amqp-publisher.broker}, for a test that wants to kill
 * that one.
 */
final class AmqpWorkload {
    record Options(List<Address> brokers, String vhost, String user, String password, String queue, int seconds, long maxOps, double rate,
            int drainSeconds, int timeoutMs, Ids ids, Path dir) {
        Options {
            if (brokers.isEmpty()) throw new IllegalArgumentException("--brokers names no broker");
            if (seconds <= 0 || seconds > 3600) throw new IllegalArgumentException("--seconds must be 1..3600, not " + seconds);
            if (maxOps <= 0 || maxOps > Ids.PER_RUN) throw new IllegalArgumentException("--max-ops must be 1.." + Ids.PER_RUN + ", not " + maxOps);
            if (!(rate > 0 && rate <= 10_000)) throw new IllegalArgumentException("--rate must be above 0 and at most 10000 per second, not " + rate);
            if (drainSeconds < 1 || drainSeconds > 600) throw new IllegalArgumentException("--drain-seconds must be 1..600, not " + drainSeconds);
            if (timeoutMs < 100 || timeoutMs > 30_000) throw new IllegalArgumentException("--timeout-ms must be 100..30000, not " + timeoutMs);
        }
    }

    static final String BROKER_FILE = "amqp-publisher.broker";
    static final String CONFIRMED_LOG = "amqp-confirmed.log";
    static final String DELIVERED_LOG = "amqp-delivered.log";

    private final Options o;
    private final ConnectionFactory factory;
    private final Map<String, Long> errors = new ConcurrentHashMap<>();
    /** Deliveries by id of this run. */
    private final Map<Long, Integer> deliveries = new ConcurrentHashMap<>();
    private final Set<Long> confirmed = ConcurrentHashMap.newKeySet();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong connectionsLost = new AtomicLong();
    private volatile boolean consuming = true;
    private int rotation;

    AmqpWorkload(Options o) {
        this.o = o;
        this.factory = factory(o.user(), o.password(), o.vhost(), o.timeoutMs());
    }

    /** Connections bounded by {@code timeoutMs} everywhere, with no automatic recovery. */
    static ConnectionFactory factory(String user, String password, String vhost, int timeoutMs) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setVirtualHost(vhost);
        factory.setConnectionTimeout(timeoutMs);
        factory.setHandshakeTimeout(2 * timeoutMs);
        factory.setShutdownTimeout(timeoutMs);
        factory.setChannelRpcTimeout(2 * timeoutMs);
        factory.setRequestedHeartbeat(5);
        // Recovery is ours: a dead connection's unconfirmed message is counted, then we connect again.
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        return factory;
    }

    static Map<String, Object> queueArguments() {
        return Map.of("x-queue-type", "quorum");
    }

    /** The brokers, each time starting at the next one, so a dead first broker is not always tried first. */
    private synchronized List<Address> rotated() {
        List<Address> out = new ArrayList<>();
        int n = o.brokers().size();
        for (int i = 0; i < n; i++) out.add(o.brokers().get((rotation + i) % n));
        rotation++;
        return out;
    }

    private Connection connect(String role) throws IOException, TimeoutException {
        return factory.newConnection(rotated(), "jstate-workload-" + role);
    }

    private void error(OpLog log, String role, long id, Exception e) {
        String cls = role + " " + e.getClass().getSimpleName();
        errors.merge(cls, 1L, Long::sum);
        log.line(Instant.now(), id, cls, e.getMessage());
    }

    /** A connection found closed between operations: no operation failed, but the fault was seen. */
    private void connectionLost(OpLog log, String role, long id, Exception cause) {
        connectionsLost.incrementAndGet();
        String cls = role + " connection lost";
        errors.merge(cls, 1L, Long::sum);
        log.line(Instant.now(), id, cls, cause == null ? "" : cause.getMessage());
    }

    AmqpResult run() throws IOException, InterruptedException {
        long published = 0, nacked = 0, unknown = 0;
        Pacer pacer = new Pacer(o.seconds(), o.maxOps(), o.rate(), o.dir().resolve(WorkloadProcess.STOP_FILE));
        Gaps gaps = new Gaps(pacer.start());
        Progress progress = new Progress("amqp");
        Set<Long> returned = ConcurrentHashMap.newKeySet();
        try (OpLog confirmLog = new OpLog(o.dir().resolve(CONFIRMED_LOG)); OpLog deliverLog = new OpLog(o.dir().resolve(DELIVERED_LOG));
                OpLog failLog = new OpLog(o.dir().resolve("amqp-failures.log"))) {
            Thread consumer = new Thread(() -> consume(deliverLog, failLog), "amqp-consumer");
            consumer.setDaemon(true);
            consumer.start();
            Connection c = null;
            Channel ch = null;
            try {
                for (long seq = pacer.next(); seq >= 0; seq = pacer.next()) {
                    long id = o.ids().id(seq);
                    published++;
                    try {
                        if (ch != null && !ch.isOpen()) connectionLost(failLog, "publisher", id, ch.getCloseReason());
                        if (ch == null || !ch.isOpen()) {
                            close(c);
                            c = connect("publisher");
                            Files.writeString(o.dir().resolve(BROKER_FILE), c.getAddress().getHostAddress() + "\n");
                            ch = c.createChannel();
                            ch.confirmSelect();
                            ch.queueDeclare(o.queue(), true, false, false, queueArguments());
                            ch.addReturnListener(r -> returned.add(Long.parseLong(r.getProperties().getMessageId())));
                        }
                        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(Long.toString(id)).deliveryMode(2).build();
                        ch.basicPublish("", o.queue(), true, props, Long.toString(id).getBytes(StandardCharsets.UTF_8));
                        if (ch.waitForConfirms(o.timeoutMs()) && !returned.contains(id)) {
                            confirmLog.line(id);
                            confirmed.add(id);
                            gaps.success(System.nanoTime());
                        } else {
                            nacked++;
                            failLog.line(Instant.now(), id, returned.contains(id) ? "publisher returned" : "publisher nack", "");
                            errors.merge(returned.contains(id) ? "publisher returned" : "publisher nack", 1L, Long::sum);
                            // RabbitMQ 3.10: a channel opened while a quorum queue elects its
                            // leader nacks every publish for as long as it lives; a new one does not.
                            close(c);
                            c = null;
                            ch = null;
                            pacer.failed();
                        }
                    } catch (IOException | TimeoutException | RuntimeException e) {
                        // No confirm: the message may or may not be in the queue.
                        unknown++;
                        error(failLog, "publisher", id, e);
                        close(c);
                        c = null;
                        ch = null;
                        pacer.failed();
                    }
                    long p = published, n = nacked, u = unknown;
                    progress.maybe(() -> p + " published, " + confirmed.size() + " confirmed, " + n + " nacked, " + u + " unknown, "
                            + deliveries.size() + " delivered");
                }
            } finally {
                close(c);
            }
            long publishEnd = System.nanoTime();
            // Drain: every confirmed id delivered, or the drain's bound.
            long drainDeadline = System.nanoTime() + o.drainSeconds() * 1_000_000_000L;
            Progress draining = new Progress("amqp drain");
            while (System.nanoTime() < drainDeadline && !deliveries.keySet().containsAll(confirmed)) {
                Thread.sleep(100);
                draining.maybe(() -> "waiting for " + missing().size() + " confirmed message(s) to be delivered, at most " + o.drainSeconds() + " s");
            }
            // Messages whose confirm never came may still be on their way: a moment for them.
            Thread.sleep(1000);
            consuming = false;
            consumer.join(4L * o.timeoutMs() + 2000);
            List<Long> lost = missing();
            long dups = 0;
            for (int n : deliveries.values()) dups += n - 1;
            return new AmqpResult(o.ids().run(), published, confirmed.size(), nacked, unknown, deliveries.size(), lost.size(), dups, foreign.get(),
                    connectionsLost.get(), gaps.longestMs(publishEnd), new TreeMap<>(errors), lost.subList(0, Math.min(20, lost.size())));
        }
    }

    private List<Long> missing() {
        List<Long> out = new ArrayList<>();
        for (long id : confirmed) if (!deliveries.containsKey(id)) out.add(id);
        out.sort(null);
        return out;
    }

    private void consume(OpLog deliverLog, OpLog failLog) {
        while (consuming) {
            Connection c = null;
            try {
                c = connect("consumer");
                Channel ch = c.createChannel();
                ch.basicQos(200);
                ch.queueDeclare(o.queue(), true, false, false, queueArguments());
                ch.basicConsume(o.queue(), false, (tag, d) -> {
                    String body = new String(d.getBody(), StandardCharsets.UTF_8);
                    long id;
                    try {
                        id = Long.parseLong(body);
                    } catch (NumberFormatException e) {
                        id = -1;
                    }
                    if (o.ids().contains(id)) {
                        deliverLog.line(id, d.getEnvelope().isRedeliver() ? "redelivered" : "new");
                        deliveries.merge(id, 1, Integer::sum);
                    } else {
                        foreign.incrementAndGet();
                    }
                    ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
                }, tag -> {});
                while (consuming && c.isOpen() && ch.isOpen()) Thread.sleep(50);
                if (consuming) connectionLost(failLog, "consumer", -1, ch.getCloseReason());
            } catch (IOException | TimeoutException | RuntimeException e) {
                error(failLog, "consumer", -1, e);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                close(c);
            }
        }
    }

    private void close(Connection c) {
        if (c == null) return;
        // abort: close without waiting for a broker that may be gone, at most the shutdown timeout.
        c.abort(o.timeoutMs());
    }
}
