package io.jstate.minion.daemon;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.jstate.proto.v1.Heartbeat;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.ResultAck;
import io.jstate.proto.v1.SignedJob;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Connect stream to a master: Hello, the spooled results again, heartbeats, and the master's
 * jobs and acks handed on, until either side ends it or the master falls silent.
 */
final class Session {

    /** What the stream delivers. */
    interface Handler {
        void job(SignedJob envelope);

        void acknowledged(ResultAck ack);

        /** The master's first message on this stream: the connection really works. */
        void heard();
    }

    /**
     * How a session ended.
     *
     * @param status why the stream ended (OK when the master closed it)
     * @param heard  whether the master sent anything at all, i.e. the connection really worked
     */
    record Ended(Status status, boolean heard) {}

    private final Channel channel;
    private final ScheduledExecutorService timer;
    private final Timings timings;
    private final Clock clock;
    private final Handler handler;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile ClientCallStreamObserver<MinionMessage> requests;
    private volatile long lastHeardNanos;
    private volatile boolean heard;
    private volatile Status status = Status.OK;
    private boolean closed;

    Session(Channel channel, ScheduledExecutorService timer, Timings timings, Clock clock, Handler handler) {
        this.channel = channel;
        this.timer = timer;
        this.timings = timings;
        this.clock = clock;
        this.handler = handler;
    }

    /** Opens the stream, says hello, resends the spooled results and waits for the stream to end. */
    Ended run(Hello hello, List<JobResult> spooled, Consumer<Session> onOpen) throws InterruptedException {
        lastHeardNanos = System.nanoTime();
        MinionGatewayGrpc.newStub(channel).connect(new ClientResponseObserver<MinionMessage, MasterMessage>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<MinionMessage> stream) {
                requests = stream;
            }

            @Override
            public void onNext(MasterMessage m) {
                lastHeardNanos = System.nanoTime();
                if (!heard) {
                    heard = true;
                    handler.heard();
                }
                switch (m.getBodyCase()) {
                    case JOB -> handler.job(m.getJob());
                    case ACK -> handler.acknowledged(m.getAck());
                    default -> {
                        // A heartbeat only proves the master is there, which lastHeardNanos records.
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                status = Status.fromThrowable(t);
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        send(MinionMessage.newBuilder().setHello(hello).build());
        for (JobResult r : spooled) send(MinionMessage.newBuilder().setResult(r).build());
        onOpen.accept(this);
        long period = timings.heartbeat().toMillis();
        ScheduledFuture<?> beat = timer.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        try {
            done.await();
        } finally {
            beat.cancel(false);
            synchronized (this) {
                closed = true;
            }
        }
        return new Ended(status, heard);
    }

    private void beat() {
        long silentMs = (System.nanoTime() - lastHeardNanos) / 1_000_000;
        if (silentMs >= timings.silence().toMillis()) {
            cancel("no word from the master for " + silentMs / 1000 + " s");
            return;
        }
        send(MinionMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(clock.millis())).build());
    }

    /** Sends on the stream; false once it has ended. Any thread may send; gRPC streams take one writer at a time. */
    synchronized boolean send(MinionMessage m) {
        if (closed || requests == null) return false;
        try {
            requests.onNext(m);
            return true;
        } catch (RuntimeException e) {
            // The call was cancelled under us: the stream is over and run() is about to return.
            return false;
        }
    }

    /** Ends the stream from this side. */
    synchronized void cancel(String why) {
        if (closed || requests == null) return;
        closed = true;
        requests.cancel(why, null);
    }
}
