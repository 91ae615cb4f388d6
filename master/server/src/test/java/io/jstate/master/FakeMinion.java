package io.jstate.master;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Channel;
import io.jstate.common.wire.Structs;
import java.util.Map;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.jstate.master.pki.Pem;
import io.jstate.master.pki.Pki;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionMessage;
import com.google.protobuf.ByteString;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A minion speaking the gateway protocol by hand, for tests: enrollment and one stream. */
public final class FakeMinion {
    public final String id;
    public final KeyPair key = Pki.ecKeyPair();
    public final byte[] csr;
    public X509Certificate cert;
    public EnrollReply lastReply;

    public FakeMinion(String id) {
        this(id, id);
    }

    /** A minion whose CSR names {@code cn}, which may differ from its id to test the check. */
    public FakeMinion(String id, String cn) {
        this.id = id;
        try {
            csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public EnrollReply enroll(Channel ch, String token) {
        lastReply = MinionGatewayGrpc.newBlockingStub(ch).enroll(EnrollRequest.newBuilder().setMinionId(id)
                .setCsrDer(ByteString.copyFrom(csr)).setToken(token).build());
        if (lastReply.getStatus() == EnrollReply.Status.ACCEPTED) cert = Pem.certificate(lastReply.getCertificateDer().toByteArray());
        return lastReply;
    }

    /** Opens the stream (handing the certificate in the test header) and says Hello with these grains (a JSON object). */
    public Stream connect(Channel ch, String grainsJson) {
        return connect(ch, Hello.newBuilder().setGrains(grains(grainsJson)).setVersion("test").build());
    }

    /** A function's return written as JSON, as the minion sends it. */
    public static Value value(String json) {
        try {
            return Structs.value(new ObjectMapper().readValue(json, Object.class));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Grains written as a JSON object, as the minion sends them. */
    public static Struct grains(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().readValue(json, Map.class);
            return Structs.struct(m);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Opens the stream and says this Hello (as a minion that lists its jobs does). */
    public Stream connect(Channel ch, Hello hello) {
        Metadata h = new Metadata();
        if (cert != null) h.put(TestMaster.CERT_HEADER, Pki.der(cert));
        Stream s = new Stream();
        s.up = MinionGatewayGrpc.newStub(ch).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)).connect(s);
        s.send(MinionMessage.newBuilder().setHello(hello).build());
        return s;
    }

    /** One Connect call from the minion's side. */
    public static final class Stream implements StreamObserver<MasterMessage> {
        public final BlockingQueue<MasterMessage> received = new LinkedBlockingQueue<>();
        public final CompletableFuture<Status> closed = new CompletableFuture<>();
        StreamObserver<MinionMessage> up;

        public synchronized void send(MinionMessage m) {
            up.onNext(m);
        }

        /** The next message that is not a heartbeat, or null after {@code ms}. */
        public MasterMessage next(long ms) throws InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (true) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) return null;
                MasterMessage m = received.poll(left, TimeUnit.MILLISECONDS);
                if (m == null || !m.hasHeartbeat()) return m;
            }
        }

        public void end() {
            up.onCompleted();
        }

        @Override
        public void onNext(MasterMessage value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            closed.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            closed.complete(Status.OK);
        }
    }
}
