package io.jstate.minion.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.FunctionJob;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.states.host.LocalHost;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon over real TLS on loopback, against a fake gateway whose certificates the test makes. */
@Timeout(60)
class TlsDaemonTest {
    @TempDir
    Path tmp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    /** Per call: method name, client certificate CN (or "-") and the client's address. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<MinionDaemon> daemons = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        daemons.forEach(MinionDaemon::stop);
        for (Thread t : threads) t.join(10_000);
        for (Server s : servers) {
            s.shutdownNow();
            s.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Like the real master: TLS with its CA in the chain, client certificates optional at the TLS
     * layer and required for Connect.
     */
    private int serve(FakeGateway gw) throws Exception {
        return serve(gw, "127.0.0.1");
    }

    private int serve(FakeGateway gw, String address) throws Exception {
        TestMaster m = gw.master;
        var ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(m.serverKey.getPrivate(), m.server, m.ca))
                .trustManager(m.ca).clientAuth(ClientAuth.OPTIONAL).build();
        ServerInterceptor identity = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                String cn = "-";
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                try {
                    X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
                    cn = peer.getSubjectX500Principal().getName();
                } catch (SSLPeerUnverifiedException e) {
                    // No client certificate.
                }
                InetSocketAddress from = (InetSocketAddress) call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                String method = call.getMethodDescriptor().getBareMethodName();
                calls.add(method + " " + cn + " " + from.getAddress().getHostAddress());
                if (method.equals("Connect") && cn.equals("-")) {
                    call.close(Status.UNAUTHENTICATED.withDescription("a client certificate is required"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {};
            }
        };
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress(address, 0)).sslContext(ssl)
                .addService(ServerInterceptors.intercept(gw, identity)).build().start();
        servers.add(s);
        return s.getPort();
    }

    private MinionDaemon start(int port, String caPin, String bind) {
        return start("127.0.0.1:" + port, caPin, bind);
    }

    private MinionDaemon start(String master, String caPin, String bind) {
        MinionConfig config = new MinionConfig("web1", List.of(master), caPin, null, null, tmp.resolve("data"), Map.of(), bind);
        MinionDaemon d = new MinionDaemon(config, new TlsChannels(bind), LocalHost.under(tmp), Map::of, Clock.systemUTC(),
                new SecureRandom(), MinionDaemonTest.FAST, log::add);
        Thread t = new Thread(() -> {
            try {
                d.run();
            } catch (InterruptedException e) {
                // stopped
            }
        });
        t.start();
        daemons.add(d);
        threads.add(t);
        return d;
    }

    @Test
    void withThePinnedCaTheMinionEnrollsAndTalksMutualTlsFromItsBindAddress() throws Exception {
        FakeGateway gw = new FakeGateway(new TestMaster(), 0);
        int port = serve(gw);
        start(port, MasterPins.fingerprint(gw.master.ca).toUpperCase(), "127.0.0.5");
        gw.await(MinionMessage::hasHello);
        gw.sendJob(gw.master.sign(TestMaster.job("20260301100000000100", "web1", Instant.now())
                .setFunction(FunctionJob.newBuilder().setName("test.ping")).build()));
        assertEquals(true, Structs.plain(gw.await(m -> m.hasResult()).getResult().getFunction().getValue()));
        assertEquals(List.of("Enroll - 127.0.0.5", "Connect CN=web1 127.0.0.5"), calls);
        assertTrue(log.stream().noneMatch(l -> l.contains("trusting its CA")), log.toString());
        gw.close();
    }

    @Test
    void aWrongPinStopsEnrollmentBeforeAnythingIsSent() throws Exception {
        FakeGateway gw = new FakeGateway(new TestMaster(), 0);
        int port = serve(gw);
        start(port, MasterPins.fingerprint(new TestMaster().ca), null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.stream().noneMatch(l -> l.contains("cannot enroll")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(log.stream().anyMatch(l -> l.contains("cannot enroll") && l.contains("not the pinned")), log.toString());
        assertTrue(calls.isEmpty(), "the handshake failed, so no request (and no token) reached the server: " + calls);
        assertTrue(gw.enrolls.isEmpty());
        assertTrue(!Files.exists(tmp.resolve("data/pki/master-ca.crt")));
        gw.close();
    }

    @Test
    void afterFirstUseAnotherMasterIsNotTrusted() throws Exception {
        FakeGateway first = new FakeGateway(new TestMaster(), 0);
        MinionDaemon d = start(serve(first), null, null);
        first.await(MinionMessage::hasHello);
        assertTrue(log.stream().anyMatch(l -> l.contains("first contact")), log.toString());
        d.stop();
        first.close();

        FakeGateway impostor = new FakeGateway(new TestMaster(), 0);
        start(serve(impostor), null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.stream().noneMatch(l -> l.contains("not issued by the trusted master CA")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(log.stream().anyMatch(l -> l.contains("not issued by the trusted master CA")), log.toString());
        assertTrue(impostor.streams.isEmpty());
        impostor.close();
    }

    @Test
    void aMasterWhoseCertificateDoesNotNameTheDialledAddressIsRefusedNamingBoth() throws Exception {
        // The fake master's certificate names 127.0.0.1 and localhost; it listens on 127.0.0.2.
        FakeGateway gw = new FakeGateway(new TestMaster(), 0);
        int port = serve(gw, "127.0.0.2");
        start("127.0.0.2:" + port, MasterPins.fingerprint(gw.master.ca), null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.stream().noneMatch(l -> l.contains("does not name")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(log.stream().anyMatch(l -> l.contains("the master's certificate does not name '127.0.0.2' (it names 127.0.0.1, localhost)")
                && l.contains("tls_names")), log.toString());
        assertTrue(calls.isEmpty(), "the handshake failed, so no request reached the server: " + calls);
        assertTrue(gw.enrolls.isEmpty());
        gw.close();
    }
}
