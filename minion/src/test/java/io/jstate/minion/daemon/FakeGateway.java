package io.jstate.minion.daemon;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.Heartbeat;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.ResultAck;
import io.jstate.proto.v1.SignedJob;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A master's gateway as far as a minion can tell: answers Enroll (pending a given number of
 * times, then accepted with a certificate from its CA), records everything a minion sends on its
 * streams, sends heartbeats, and lets the test send jobs and acks or cut the stream.
 */
final class FakeGateway extends MinionGatewayGrpc.MinionGatewayImplBase implements AutoCloseable {
    final TestMaster master;
    final List<EnrollRequest> enrolls = new CopyOnWriteArrayList<>();
    final List<StreamObserver<MasterMessage>> streams = new CopyOnWriteArrayList<>();
    private final List<MinionMessage> received = new ArrayList<>();
    private final List<Boolean> consumed = new ArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    volatile int pendingReplies;
    volatile boolean sendHeartbeats = true;

    FakeGateway(TestMaster master, int pendingReplies) {
        this.master = master;
        this.pendingReplies = pendingReplies;
        heartbeats.scheduleAtFixedRate(() -> {
            if (!sendHeartbeats) return;
            for (StreamObserver<MasterMessage> s : streams) {
                try {
                    synchronized (s) {
                        s.onNext(MasterMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(System.currentTimeMillis())).build());
                    }
                } catch (RuntimeException e) {
                    streams.remove(s);
                }
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public void enroll(EnrollRequest request, StreamObserver<EnrollReply> reply) {
        enrolls.add(request);
        EnrollReply.Builder b = EnrollReply.newBuilder().setCaCertificateDer(ByteString.copyFrom(master.caDer()))
                .setSigningPublicKeyDer(ByteString.copyFrom(master.signingDer()));
        if (pendingReplies > 0) {
            pendingReplies--;
            b.setStatus(EnrollReply.Status.PENDING).setMessage("waiting for an operator");
        } else {
            try {
                b.setStatus(EnrollReply.Status.ACCEPTED)
                        .setCertificateDer(ByteString.copyFrom(master.issueClient(request.getCsrDer().toByteArray()).getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        reply.onNext(b.build());
        reply.onCompleted();
    }

    @Override
    public StreamObserver<MinionMessage> connect(StreamObserver<MasterMessage> toMinion) {
        streams.add(toMinion);
        return new StreamObserver<>() {
            @Override
            public void onNext(MinionMessage m) {
                synchronized (FakeGateway.this) {
                    received.add(m);
                    consumed.add(false);
                    FakeGateway.this.notifyAll();
                }
            }

            @Override
            public void onError(Throwable t) {
                streams.remove(toMinion);
            }

            @Override
            public void onCompleted() {
                streams.remove(toMinion);
                toMinion.onCompleted();
            }
        };
    }

    /** The live stream (the latest one), waiting for it to open. */
    StreamObserver<MasterMessage> stream() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (streams.isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the minion never connected");
            Thread.sleep(20);
        }
        return streams.get(streams.size() - 1);
    }

    void send(MasterMessage m) throws InterruptedException {
        StreamObserver<MasterMessage> s = stream();
        synchronized (s) {
            s.onNext(m);
        }
    }

    void sendJob(SignedJob job) throws InterruptedException {
        send(MasterMessage.newBuilder().setJob(job).build());
    }

    void ack(String jid) throws InterruptedException {
        send(MasterMessage.newBuilder().setAck(ResultAck.newBuilder().setJid(jid)).build());
    }

    /** Ends every open stream with an error, as a master going away would. */
    void cut() {
        for (StreamObserver<MasterMessage> s : streams) {
            synchronized (s) {
                s.onError(Status.UNAVAILABLE.withDescription("master restarting").asRuntimeException());
            }
        }
        streams.clear();
    }

    /** The first message not taken yet that matches, waiting up to ten seconds for it. */
    synchronized MinionMessage await(Predicate<MinionMessage> p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (int i = 0; i < received.size(); i++) {
                if (!consumed.get(i) && p.test(received.get(i))) {
                    consumed.set(i, true);
                    return received.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("no such message; received: " + summary());
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Whether a matching message that was not taken yet has arrived. */
    synchronized boolean has(Predicate<MinionMessage> p) {
        for (int i = 0; i < received.size(); i++) if (!consumed.get(i) && p.test(received.get(i))) return true;
        return false;
    }

    private String summary() {
        StringBuilder sb = new StringBuilder();
        for (MinionMessage m : received) if (!m.hasHeartbeat()) sb.append(m.getBodyCase()).append(' ');
        return sb.toString();
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }
}
