package io.jstate.master.gateway;

import com.google.protobuf.Struct;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jstate.proto.v1.MasterMessage;
import java.util.Map;

/**
 * One minion's live stream. Sends are serialized (a gRPC stream is not thread-safe) and never
 * throw: a stream that is gone simply reports false, and the job that tried learns of it.
 */
public final class Session {
    private final String minionId;
    private final String remoteAddress;
    private final StreamObserver<MasterMessage> out;
    private final long since;
    private volatile long lastSeen;
    private volatile long lastHeartbeat;
    private volatile Struct grainsStruct = Struct.getDefaultInstance();
    private volatile Map<String, Object> grains = Map.of();
    private boolean closed;

    Session(String minionId, String remoteAddress, StreamObserver<MasterMessage> out, long now) {
        this.minionId = minionId;
        this.remoteAddress = remoteAddress;
        this.out = out;
        this.lastSeen = now;
        this.since = now;
    }

    /** When the stream opened. */
    public long since() {
        return since;
    }

    public String minionId() {
        return minionId;
    }

    /** The peer's IP address (or the transport's name for it in tests). */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** When the master last sent this stream a heartbeat (0: never). */
    long lastHeartbeat() {
        return lastHeartbeat;
    }

    void heartbeatSent(long now) {
        lastHeartbeat = now;
    }

    public long lastSeen() {
        return lastSeen;
    }

    void seen(long now) {
        lastSeen = now;
    }

    /** The grains as the minion sent them, to show and to pass on to its peers. */
    public Struct grainsStruct() {
        return grainsStruct;
    }

    public Map<String, Object> grains() {
        return grains;
    }

    void grains(Struct sent, Map<String, Object> parsed) {
        grainsStruct = sent;
        grains = parsed;
    }

    public synchronized boolean send(MasterMessage m) {
        if (closed) return false;
        try {
            out.onNext(m);
            return true;
        } catch (RuntimeException e) {
            closed = true;
            return false;
        }
    }

    /** Ends the stream with {@code status}; the minion sees it as the call's error. */
    synchronized void close(Status status) {
        if (closed) return;
        closed = true;
        try {
            out.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
            // The call is already gone; there is nobody left to tell.
        }
    }

    synchronized void completed() {
        if (closed) return;
        closed = true;
        try {
            out.onCompleted();
        } catch (RuntimeException e) {
            // As in close: the peer went first.
        }
    }

    synchronized boolean closed() {
        return closed;
    }
}
