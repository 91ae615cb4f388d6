package io.jstate.minion.daemon;

import io.jstate.common.wire.Liveness;
import java.time.Duration;

/**
 * The daemon's clocks: heartbeat period, silence after which the master counts as gone,
 * grains refresh, reconnection backoff, the pause between enrollment attempts and how long
 * a stopping daemon lets a running job finish. Tests shorten them.
 */
record Timings(Duration heartbeat, Duration silence, Duration grainsRefresh, Duration backoffBase, Duration backoffMax,
               Duration enrollRetry, Duration stopGrace) {

    static final Timings DEFAULT = new Timings(Liveness.HEARTBEAT, Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(20));
}
