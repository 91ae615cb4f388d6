package io.jstate.it;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.StreamObserver;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.ResultAck;
import io.jstate.proto.v1.SignedJob;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the master's gateway, for envelopes no real master would send: it serves TLS with
 * the real master's certificate and CA (copied from its data dir, so a real minion that enrolled
 * with that master connects without a second thought) and signs with the master's real job key.
 * It records every final result a minion sends and acknowledges it, as the master does.
 */
final class EnvelopeGateway implements AutoCloseable {
    private final PrivateKey signingKey;
    private final Server server;
    private final List<JobResult> results = new ArrayList<>();
    private StreamObserver<MasterMessage> stream;

    EnvelopeGateway(Path masterPki) throws IOException, GeneralSecurityException {
        this.signingKey = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new PKCS8EncodedKeySpec(pem(masterPki.resolve("signing.key"), "PRIVATE KEY")));
        var ssl = GrpcSslContexts.forServer(masterPki.resolve("server.crt").toFile(), masterPki.resolve("server.key").toFile())
                .trustManager(masterPki.resolve("ca.crt").toFile()).clientAuth(ClientAuth.REQUIRE).build();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).sslContext(ssl)
                .addService(new Service()).build().start();
    }

    int port() {
        return server.getPort();
    }

    /** Signs {@code job} with the master's key: a valid envelope. */
    SignedJob sign(byte[] job) throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(signingKey);
        s.update(job);
        return SignedJob.newBuilder().setJob(ByteString.copyFrom(job)).setSignature(ByteString.copyFrom(s.sign())).build();
    }

    /** Waits for the minion's stream (its Hello), up to {@code timeout}. */
    synchronized void awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stream == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("the minion did not connect to the fake gateway within " + timeout.toSeconds() + " s");
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized void send(SignedJob envelope) {
        stream.onNext(MasterMessage.newBuilder().setJob(envelope).build());
    }

    /** Waits for the {@code n}-th final result (counting from 1) since the start and returns it. */
    synchronized JobResult awaitResult(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (results.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("result " + n + " did not come within " + timeout.toSeconds() + " s; got " + results);
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return results.get(n - 1);
    }

    synchronized List<JobResult> results() {
        return List.copyOf(results);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Service extends MinionGatewayGrpc.MinionGatewayImplBase {
        @Override
        public void enroll(EnrollRequest request, StreamObserver<EnrollReply> out) {
            out.onError(Status.UNIMPLEMENTED.withDescription("this test gateway does not enroll").asRuntimeException());
        }

        @Override
        public StreamObserver<MinionMessage> connect(StreamObserver<MasterMessage> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(MinionMessage m) {
                    synchronized (EnvelopeGateway.this) {
                        if (m.hasHello()) {
                            stream = out;
                            // Answer at once: the minion counts the master as there once it hears from it.
                            out.onNext(MasterMessage.newBuilder().setHeartbeat(io.jstate.proto.v1.Heartbeat.getDefaultInstance()).build());
                        } else if (m.hasResult()) {
                            results.add(m.getResult());
                            out.onNext(MasterMessage.newBuilder().setAck(ResultAck.newBuilder().setJid(m.getResult().getJid())).build());
                        }
                        EnvelopeGateway.this.notifyAll();
                    }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    private static byte[] pem(Path file, String type) throws IOException {
        String text = Files.readString(file);
        String begin = "-----BEGIN " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf("-----END " + type + "-----");
        if (b < 0 || e < b) throw new IOException(file + ": no " + type + " block");
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }
}
