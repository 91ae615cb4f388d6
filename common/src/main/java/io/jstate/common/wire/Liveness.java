package io.jstate.common.wire;

import java.time.Duration;

/**
 * How the master and its minions tell a live peer from a frozen one (a stopped process, a hung host,
 * a network cut that sends nothing), which no closed connection reveals.
 *
 * <p>A minion sends a heartbeat on the Connect stream every {@link #HEARTBEAT}, the master every
 * {@link #MASTER_HEARTBEAT}. The master drops
 * the stream of a minion it has not heard from for {@link #MASTER_DROPS_SILENT_AFTER}, so a frozen
 * minion's stream ends within about 4 s and a job it runs reports it lost once the
 * {@code jobs.lost_after_seconds} grace (5 s by default) has passed after that: within 10 s.
 * (grpc-java's HTTP/2 keepalive cannot do this: it pings no more often than every 10 s.)
 *
 * <p>A minion also pings its master over HTTP/2 after {@link #MINION_PING} without traffic, calls or
 * not, and drops a master that does not answer within {@link #MINION_PING_TIMEOUT}, then reconnects
 * or fails over. The master permits such pings down to {@link #MASTER_PERMITS_PINGS_EVERY}, below
 * the minion's period, else it would answer them with GOAWAY ("too_many_pings").
 */
public final class Liveness {
    private Liveness() {}

    /** How often each minion sends a heartbeat on its stream, and how often the master checks for silence. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /**
     * How often the master sends a heartbeat on each stream: a minion counts its master gone only
     * after 30 s of silence, so the master need not send as often as it listens, which halves the
     * messages of a master with many minions.
     */
    public static final Duration MASTER_HEARTBEAT = Duration.ofSeconds(10);
    /** Silence after which the master drops a minion's stream: three missed heartbeats. */
    public static final Duration MASTER_DROPS_SILENT_AFTER = Duration.ofSeconds(3);
    /** Idle time after which a minion pings its master (grpc-java's shortest). */
    public static final Duration MINION_PING = Duration.ofSeconds(10);
    /** How long a minion waits for its master's ping answer before dropping the connection. */
    public static final Duration MINION_PING_TIMEOUT = Duration.ofSeconds(5);
    /** The shortest ping period the master accepts from a minion. */
    public static final Duration MASTER_PERMITS_PINGS_EVERY = Duration.ofSeconds(5);
}
