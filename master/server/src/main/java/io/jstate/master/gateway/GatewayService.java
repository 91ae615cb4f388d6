package io.jstate.master.gateway;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jstate.master.events.Event;
import io.jstate.master.events.EventBus;
import io.jstate.master.keys.Keys;
import io.jstate.master.pki.Csr;
import io.jstate.master.pki.Pki;
import io.jstate.common.wire.MinionIds;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.ResultAck;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The minion gateway's two RPCs; {@link PeerAuth} has already decided who may call which. */
public final class GatewayService extends MinionGatewayGrpc.MinionGatewayImplBase {
    private static final Logger LOG = Logger.getLogger(GatewayService.class.getName());
    static final int MAX_CSR = 4096;
    static final int MAX_GRAINS = 256 * 1024;
    static final int MAX_TOKEN = 512;

    private final Keys keys;
    private final Pki pki;
    private final Connections connections;
    private final MinionEvents events;
    private final byte[] token;
    private final EnrollLimiter limiter;
    private final EventBus bus;

    public GatewayService(Keys keys, Pki pki, Connections connections, MinionEvents events, String enrollmentToken,
                          int enrollPerMinute, LongSupplier nanos, EventBus bus) {
        this.bus = bus;
        this.keys = keys;
        this.pki = pki;
        this.connections = connections;
        this.events = events;
        this.token = enrollmentToken.getBytes(StandardCharsets.UTF_8);
        this.limiter = new EnrollLimiter(enrollPerMinute, nanos);
    }

    /** The service as the gateway serves it: a request that does not parse is refused without a stack trace. */
    public io.grpc.ServerServiceDefinition definition() {
        return MalformedMessages.lenient(this);
    }

    @Override
    public void enroll(EnrollRequest req, StreamObserver<EnrollReply> out) {
        String remote = PeerAuth.REMOTE.get();
        String id = req.getMinionId();
        if (!limiter.allow(remote == null ? "" : remote)) {
            refused(id, remote, "rate_limited");
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many enrollment requests; try again later").asRuntimeException());
            return;
        }
        try {
            MinionIds.check(id);
        } catch (IllegalArgumentException e) {
            refused(id, remote, "bad_id");
            fail(out, e.getMessage());
            return;
        }
        if (req.getCsrDer().size() > MAX_CSR || req.getGrains().getSerializedSize() > MAX_GRAINS || req.getToken().length() > MAX_TOKEN) {
            refused(id, remote, "too_large");
            fail(out, "enrollment request too large");
            return;
        }
        Csr csr;
        try {
            csr = Csr.check(req.getCsrDer().toByteArray(), id);
        } catch (IllegalArgumentException e) {
            refused(id, remote, "bad_csr");
            fail(out, e.getMessage());
            return;
        }
        Keys.Enrollment e;
        try {
            e = keys.enroll(csr, req.getCsrDer().toByteArray(), tokenMatches(req.getToken()));
        } catch (RuntimeException ex) {
            // The caller is not authenticated: the log says what failed, without a stack trace anyone could provoke.
            LOG.warning(() -> "cannot store the enrollment request of " + id + ": " + ex);
            out.onError(Status.INTERNAL.withDescription("the master cannot store the request; its log says why").asRuntimeException());
            return;
        }
        if (e.refused() != null) refused(id, remote, e.refused());
        if (e.state() == Key.State.PENDING) LOG.info(() -> "minion " + id + " asks to enroll from " + remote + ", key " + csr.fingerprint());
        EnrollReply.Builder reply = EnrollReply.newBuilder().setMessage(e.message())
                .setCaCertificateDer(ByteString.copyFrom(pki.caDer()))
                .setSigningPublicKeyDer(ByteString.copyFrom(pki.signingPublicDer()));
        switch (e.state()) {
            case ACCEPTED -> reply.setStatus(EnrollReply.Status.ACCEPTED).setCertificateDer(ByteString.copyFrom(e.certificate()));
            case REJECTED -> reply.setStatus(EnrollReply.Status.REJECTED);
            default -> reply.setStatus(EnrollReply.Status.PENDING);
        }
        out.onNext(reply.build());
        out.onCompleted();
    }

    /** Tells the bus a request to enroll was turned away; an id that is not one is not passed on as one. */
    private void refused(String id, String remote, String reason) {
        bus.publish(new Event.EnrollmentRefused(MinionIds.valid(id) ? id : null, remote == null ? "" : remote, reason));
    }

    /** Constant-time, so the reply's timing says nothing about how much of a guess was right. */
    private boolean tokenMatches(String given) {
        if (token.length == 0 || given.isEmpty()) return false;
        return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    private static void fail(StreamObserver<EnrollReply> out, String message) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
    }

    @Override
    public StreamObserver<MinionMessage> connect(StreamObserver<MasterMessage> out) {
        String id = PeerAuth.MINION_ID.get();
        if (id == null) {
            // PeerAuth sets the identity for every call but Enroll; reaching here without one is a wiring error.
            out.onError(Status.UNAUTHENTICATED.withDescription("no client identity").asRuntimeException());
            return new Ignore();
        }
        String fingerprint = PeerAuth.FINGERPRINT.get();
        Session session = connections.open(id, PeerAuth.REMOTE.get(), out);
        if (out instanceof ServerCallStreamObserver<MasterMessage> sc) {
            sc.setOnCancelHandler(() -> connections.gone(session));
        }
        return new StreamObserver<>() {
            private boolean hello;

            @Override
            public void onNext(MinionMessage m) {
                // A stream cut for a revoked key may still deliver what was in flight; none of it counts.
                if (session.closed()) return;
                connections.seen(session);
                try {
                    if (!hello) {
                        if (!m.hasHello()) {
                            session.close(Status.INVALID_ARGUMENT.withDescription("the first message must be Hello"));
                            return;
                        }
                        if (m.getHello().getGrains().getSerializedSize() > MAX_GRAINS) {
                            session.close(Status.INVALID_ARGUMENT.withDescription("grains too large"));
                            return;
                        }
                        hello = true;
                        connections.register(session, m.getHello().getGrains());
                        // The key may have been revoked between the call's check and this registration.
                        if (!keys.isAccepted(id, fingerprint)) {
                            connections.cut(id, Status.PERMISSION_DENIED.withDescription("the key of '" + id + "' is not accepted"));
                            return;
                        }
                        LOG.info(() -> "minion " + id + " connected from " + session.remoteAddress()
                                + (m.getHello().getSpooledJidsCount() > 0 ? ", " + m.getHello().getSpooledJidsCount() + " spooled results to follow" : ""));
                        connections.greet(session);
                        events.connected(id, session, m.getHello());
                        return;
                    }
                    switch (m.getBodyCase()) {
                        case HEARTBEAT, HELLO -> { }
                        case GRAINS -> {
                            if (m.getGrains().getGrains().getSerializedSize() <= MAX_GRAINS) connections.grains(session, m.getGrains().getGrains());
                        }
                        case ACCEPTED -> events.accepted(id, m.getAccepted());
                        case STATE -> events.state(id, m.getState());
                        case PROGRESS -> events.progress(id, m.getProgress());
                        case RESULT -> {
                            events.result(id, m.getResult());
                            session.send(MasterMessage.newBuilder().setAck(ResultAck.newBuilder().setJid(m.getResult().getJid())).build());
                        }
                        default -> { }
                    }
                } catch (IllegalArgumentException e) {
                    session.close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                    connections.gone(session);
                } catch (RuntimeException e) {
                    // A result that could not be stored is not acknowledged: the minion keeps it and sends it again.
                    LOG.log(Level.WARNING, "minion " + id + ": cannot handle " + m.getBodyCase(), e);
                }
            }

            @Override
            public void onError(Throwable t) {
                connections.gone(session);
            }

            @Override
            public void onCompleted() {
                connections.gone(session);
                session.completed();
            }
        };
    }

    private static final class Ignore implements StreamObserver<MinionMessage> {
        @Override
        public void onNext(MinionMessage value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
