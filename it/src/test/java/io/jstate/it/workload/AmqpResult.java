package io.jstate.it.workload;

import java.util.List;
import java.util.Map;

/**
 * One RabbitMQ run: {@code published = confirmed + nacked + unknown} (nacked: the broker said no, or
 * returned the message as unroutable; unknown: no answer before the timeout or the connection
 * died). {@code delivered} counts distinct ids of this run the consumer got, {@code duplicates} the
 * deliveries beyond the first of an id, {@code lostConfirmed} confirmed ids never delivered (must
 * be 0), {@code foreign} deliveries of an earlier run's messages left in the queue,
 * {@code connectionsLost} connections of the publisher or the consumer found closed between
 * operations (a fault seen without a failed publish).
 * {@code longestGapMs} is between confirms.
 */
public record AmqpResult(long run, long published, long confirmed, long nacked, long unknown, long delivered, long lostConfirmed, long duplicates,
        long foreign, long connectionsLost, long longestGapMs, Map<String, Long> errors, List<Long> lostIds) {}
