package io.jstate.master.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import io.jstate.master.FakeMinion;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.common.config.MasterConfig;
import io.jstate.master.pki.Pki;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionMessage;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway over real TLS on loopback: the certificate on the connection is the identity. */
class TlsGatewayTest {
    TestMaster tm;
    Master master;

    @BeforeEach
    void up() {
        tm = new TestMaster("enrollment: {token: tok}\n");
        master = Master.open(MasterConfig.load(tm.config), Clock.systemUTC(), Master.Timings.DEFAULT);
        master.startGateway();
    }

    @AfterEach
    void down() {
        master.close();
        tm.close();
    }

    ManagedChannel channel(FakeMinion withCert) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(master.pki().ca());
        if (withCert != null) ssl.keyManager(withCert.key.getPrivate(), withCert.cert);
        return NettyChannelBuilder.forAddress("127.0.0.1", master.gatewayPort()).sslContext(ssl.build()).build();
    }

    @Test
    void enrollWorksWithoutACertificateAndConnectOnlyWithAnAcceptedOne() throws Exception {
        FakeMinion m = new FakeMinion("tls1");
        ManagedChannel anonymous = channel(null);
        try {
            EnrollReply r = MinionGatewayGrpc.newBlockingStub(anonymous).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .enroll(EnrollRequest.newBuilder().setMinionId("tls1").setCsrDer(ByteString.copyFrom(m.csr)).setToken("tok").build());
            assertEquals(EnrollReply.Status.ACCEPTED, r.getStatus());
            m.cert = io.jstate.master.pki.Pem.certificate(r.getCertificateDer().toByteArray());
            assertEquals(Status.Code.UNAUTHENTICATED, connect(anonymous).get(10, TimeUnit.SECONDS).getCode());
        } finally {
            anonymous.shutdownNow();
        }

        ManagedChannel mutual = channel(m);
        try {
            CompletableFuture<Status> closed = connect(mutual);
            for (int i = 0; i < 500 && master.connections().session("tls1").isEmpty(); i++) Thread.sleep(10);
            assertTrue(master.connections().session("tls1").isPresent(), "the minion's stream is registered under its certificate's CN");
            assertEquals("127.0.0.1", master.connections().session("tls1").get().remoteAddress());
            master.keys().delete("tls1");
            assertEquals(Status.Code.PERMISSION_DENIED, closed.get(10, TimeUnit.SECONDS).getCode());
        } finally {
            mutual.shutdownNow();
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        FakeMinion m = new FakeMinion("tls2");
        // Same id, a key the master never accepted, signed by a CA the master never made.
        java.nio.file.Path other = java.nio.file.Files.createTempDirectory("jstate-other-ca");
        try {
            Pki rogue = Pki.create(other, java.util.List.of("localhost"), java.util.List.of());
            m.cert = rogue.issueMinion("tls2", m.key.getPublic());
            ManagedChannel ch = channel(m);
            try {
                Status s = connect(ch).get(10, TimeUnit.SECONDS);
                assertTrue(s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.UNAUTHENTICATED, s.toString());
            } finally {
                ch.shutdownNow();
            }
        } finally {
            try (var s = java.nio.file.Files.walk(other)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theServerCertificateNamesLoopback() throws Exception {
        var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(java.nio.file.Files.readAllBytes(master.pki().serverCert())) {});
        String sans = String.valueOf(cert.getSubjectAlternativeNames());
        assertTrue(sans.contains("127.0.0.1") && sans.contains("localhost"), sans);
        assertNotNull(cert.getExtendedKeyUsage());
    }

    /** Opens Connect, says Hello, and completes with the call's final status. */
    static CompletableFuture<Status> connect(ManagedChannel ch) {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        StreamObserver<MinionMessage> up = MinionGatewayGrpc.newStub(ch).connect(new StreamObserver<>() {
            @Override
            public void onNext(MasterMessage value) {}

            @Override
            public void onError(Throwable t) {
                closed.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        });
        up.onNext(MinionMessage.newBuilder().setHello(Hello.newBuilder()).build());
        return closed;
    }
}
