package io.jstate.master.gateway;

import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.JobAccepted;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.StateEvent;
import io.jstate.proto.v1.StateProgress;

/**
 * What the gateway hands on from minion streams. {@code minionId} is always the identity of the
 * stream's certificate, never a field of the message.
 */
public interface MinionEvents {
    /** A minion's stream opened and was registered; {@code hello} says which jobs it has. */
    void connected(String minionId, Session session, Hello hello);

    void accepted(String minionId, JobAccepted accepted);

    void state(String minionId, StateEvent event);

    /** The state a minion runs now, and what it waits for in it; the minion rate-limits these. */
    void progress(String minionId, StateProgress progress);

    /**
     * A final result. When this returns normally the result is stored and the gateway acknowledges
     * it, so the minion may drop its spooled copy.
     */
    void result(String minionId, JobResult result);

    MinionEvents NONE = new MinionEvents() {
        @Override
        public void connected(String minionId, Session session, Hello hello) {}

        @Override
        public void accepted(String minionId, JobAccepted accepted) {}

        @Override
        public void state(String minionId, StateEvent event) {}

        @Override
        public void progress(String minionId, StateProgress progress) {}

        @Override
        public void result(String minionId, JobResult result) {}
    };
}
