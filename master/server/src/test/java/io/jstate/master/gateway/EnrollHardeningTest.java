package io.jstate.master.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Compressor;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import io.jstate.master.FakeMinion;
import io.jstate.master.LogCapture;
import io.jstate.master.Master;
import io.jstate.master.TestMaster;
import io.jstate.common.config.MasterConfig;
import io.jstate.common.wire.MinionIds;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.MinionGatewayGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Enroll is the one RPC anyone may call: every id the rule accepts enrolls and connects, every other
 * input gets a gRPC status, leaves no file behind and no stack trace in the master's log.
 */
class EnrollHardeningTest {
    private static final MethodDescriptor<byte[], byte[]> RAW_ENROLL = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MinionGatewayGrpc.getEnrollMethod().getFullMethodName())
            .setRequestMarshaller(new Raw()).setResponseMarshaller(new Raw()).build();

    private TestMaster tm;
    private Master master;
    private ManagedChannel anonymous;
    private LogCapture log;

    @BeforeEach
    void up() throws Exception {
        tm = new TestMaster("enrollment: {token: tok, rate_per_minute: 100000}\n");
        log = LogCapture.install();
        master = Master.open(MasterConfig.load(tm.config), Clock.systemUTC(), Master.Timings.DEFAULT);
        master.startGateway();
        anonymous = channel(null);
    }

    @AfterEach
    void down() {
        anonymous.shutdownNow();
        master.close();
        log.close();
        tm.close();
    }

    @Test
    void theLongestAllowedIdEnrollsConnectsAndSurvivesARestart() throws Exception {
        String id = "m" + "x".repeat(MinionIds.MAX_LENGTH - 2) + "9";
        assertEquals(MinionIds.MAX_LENGTH, id.length());
        FakeMinion m = new FakeMinion(id);
        EnrollReply r = m.enroll(anonymous, "tok");
        assertEquals(EnrollReply.Status.ACCEPTED, r.getStatus(), r.getMessage());

        ManagedChannel mutual = channel(m);
        try {
            CompletableFuture<Status> closed = TlsGatewayTest.connect(mutual);
            Path record = tm.root.resolve("data/minions/" + id + ".pb");
            for (int i = 0; i < 500 && !Files.exists(record); i++) Thread.sleep(10);
            assertTrue(master.connections().session(id).isPresent(), "the stream of the longest id is registered");
            assertTrue(Files.exists(record), "the minion's record is stored under its id");
            assertTrue(!closed.isDone(), () -> "stream closed: " + closed.join());
        } finally {
            mutual.shutdownNow();
        }
        master.close();
        master = Master.open(MasterConfig.load(tm.config), Clock.systemUTC(), Master.Timings.DEFAULT);
        assertEquals(Key.State.ACCEPTED, master.keys().find(id).orElseThrow().getState());
        assertTrue(master.connections().describe(id).getLastSeenUnixMs() > 0, "the minion's record was stored under its id");
        master.startGateway();
        anonymous.shutdownNow();
        anonymous = channel(null);
        assertEquals(EnrollReply.Status.ACCEPTED, m.enroll(anonymous, "tok").getStatus());
        assertNoStackTrace();
    }

    @Test
    void theShortestRefusedIdIsRefusedBeforeAnyFileIsWritten() throws Exception {
        List<String> before = storeFiles();
        for (int length : new int[] {MinionIds.MAX_LENGTH + 1, 227, 253, 300}) {
            String id = "m".repeat(length);
            FakeMinion m = new FakeMinion(id);
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> m.enroll(anonymous, "tok"));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
            assertTrue(e.getStatus().getDescription().contains("is not allowed: " + MinionIds.RULE), e.getStatus().getDescription());
            assertTrue(e.getStatus().getDescription().contains("(" + length + " characters)"), e.getStatus().getDescription());
        }
        assertEquals(before, storeFiles());
        assertNoStackTrace();
    }

    /**
     * A few hundred malformed calls: random bytes, valid requests cut short, valid requests with
     * bytes changed. Each gets a status within its deadline; a refused one changes no file.
     */
    @Test
    void malformedEnrollCallsGetAStatusAndLeaveNoTrace() throws Exception {
        Random random = new Random(20261207L);
        FakeMinion good = new FakeMinion("fuzz1");
        byte[] valid = EnrollRequest.newBuilder().setMinionId("fuzz1").setCsrDer(ByteString.copyFrom(good.csr))
                .setGrains(FakeMinion.grains("{\"os\":\"linux\"}")).build().toByteArray();
        List<byte[]> cases = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] b = new byte[random.nextInt(600)];
            random.nextBytes(b);
            cases.add(b);
        }
        for (int i = 0; i < 100; i++) cases.add(Arrays.copyOf(valid, random.nextInt(valid.length)));
        for (int i = 0; i < 100; i++) {
            byte[] b = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            cases.add(b);
        }
        for (String id : List.of("", ".", "-a", "a/b", "../etc", "a\u0000b", "a b", "é", "a".repeat(100_000))) {
            cases.add(EnrollRequest.newBuilder().setMinionId(id).setCsrDer(ByteString.copyFrom(good.csr)).build().toByteArray());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int refused = 0;
        for (byte[] request : cases) {
            assertTrue(System.nanoTime() < deadline, "the fuzz run is bounded in time");
            List<String> before = storeFiles();
            Status status;
            try {
                ClientCalls.blockingUnaryCall(anonymous, RAW_ENROLL, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
                status = Status.OK;
            } catch (StatusRuntimeException e) {
                status = e.getStatus();
            }
            assertNotEquals(Status.Code.UNKNOWN, status.getCode(), () -> "an exception escaped the handler: " + describe(request));
            assertNotEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode());
            if (!status.isOk()) {
                refused++;
                assertEquals(before, storeFiles(), () -> "a refused call wrote files: " + describe(request));
            }
        }
        assertTrue(refused > cases.size() / 2, "most malformed calls are refused: " + refused + " of " + cases.size());
        assertNoStackTrace();
    }

    /**
     * Frames no gRPC client would send, straight over TLS HTTP/2: a message flagged compressed without
     * a {@code grpc-encoding}, a length prefix beyond the body, and "gzip" that is not gzip. Each is
     * refused with at most one short log line and no stack trace, however often it comes.
     */
    @Test
    void malformedFramesLogOneShortLineEachAndNoStackTrace() throws Exception {
        byte[] notGzip = {1, 0, 0, 0, 5, 1, 2, 3, 4, 5};
        record Frame(String what, String encoding, byte[] body) {}
        List<Frame> frames = List.of(
                new Frame("compressed without grpc-encoding", null, notGzip),
                new Frame("length prefix beyond the body", null, new byte[] {0, 0, 0, 0, 100, 1, 2, 3}),
                new Frame("gzip that is not gzip", "gzip", notGzip));
        HttpClient http = http2();
        URI enroll = URI.create("https://127.0.0.1:" + master.gatewayPort() + "/" + MinionGatewayGrpc.getEnrollMethod().getFullMethodName());
        int rounds = 5;
        int before = log.records.size();
        for (int i = 0; i < rounds; i++) {
            for (Frame f : frames) {
                HttpRequest.Builder r = HttpRequest.newBuilder(enroll).timeout(java.time.Duration.ofSeconds(10))
                        .header("content-type", "application/grpc").header("te", "trailers")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(f.body()));
                if (f.encoding() != null) r.header("grpc-encoding", f.encoding());
                try {
                    HttpResponse<byte[]> response = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, response.statusCode(), f.what());
                } catch (IOException reset) {
                    // The master may reset the stream rather than answer: refused either way.
                }
            }
        }
        List<LogRecord> logged = log.records.subList(before, log.records.size());
        assertNoStackTrace();
        assertTrue(logged.size() <= rounds * frames.size(), () -> logged.size() + " log records for " + rounds * frames.size() + " frames");
        for (LogRecord r : logged) {
            String line = new java.util.logging.SimpleFormatter().formatMessage(r);
            assertTrue(!line.contains("\n") && line.length() < 400, "a short line: " + line);
        }
    }

    /** A message sent as gzip that is not gzip is INVALID_ARGUMENT, not UNKNOWN, to the client that sent it. */
    @Test
    void gzipThatIsNotGzipIsAnInvalidArgument() throws Exception {
        Compressor fakeGzip = new Compressor() {
            @Override
            public String getMessageEncoding() {
                return "gzip";
            }

            @Override
            public OutputStream compress(OutputStream os) {
                return os;
            }
        };
        ManagedChannel faking = NettyChannelBuilder.forAddress("127.0.0.1", master.gatewayPort())
                .sslContext(GrpcSslContexts.forClient().trustManager(master.pki().ca()).build())
                .compressorRegistry(registry(fakeGzip)).build();
        try {
            byte[] request = EnrollRequest.newBuilder().setMinionId("gz1").build().toByteArray();
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(faking, RAW_ENROLL,
                            CallOptions.DEFAULT.withCompression("gzip").withDeadlineAfter(10, TimeUnit.SECONDS), request));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
        } finally {
            faking.shutdownNow();
        }
        assertNoStackTrace();
    }

    private static io.grpc.CompressorRegistry registry(Compressor c) {
        io.grpc.CompressorRegistry r = io.grpc.CompressorRegistry.newEmptyInstance();
        r.register(c);
        return r;
    }

    /** An HTTP/2 client over TLS that trusts the master's CA. */
    private HttpClient http2() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", master.pki().ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ssl).build();
    }

    private void assertNoStackTrace() {
        assertNull(log.firstStackTrace(), "a stack trace in the master's log");
    }

    private List<String> storeFiles() {
        Path data = tm.root.resolve("data");
        List<String> out = new ArrayList<>();
        for (String d : List.of("keys", "minions")) {
            Path p = data.resolve(d);
            if (!Files.isDirectory(p)) continue;
            try (Stream<Path> s = Files.walk(p)) {
                s.filter(Files::isRegularFile).map(f -> data.relativize(f).toString()).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static String describe(byte[] request) {
        return request.length + " bytes " + java.util.HexFormat.of().formatHex(request, 0, Math.min(64, request.length));
    }

    private ManagedChannel channel(FakeMinion withCert) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(master.pki().ca());
        if (withCert != null) ssl.keyManager(withCert.key.getPrivate(), withCert.cert);
        return NettyChannelBuilder.forAddress("127.0.0.1", master.gatewayPort()).sslContext(ssl.build())
                .maxInboundMessageSize(1 << 20).build();
    }

    /** Bytes as they are, to send what no generated stub would. */
    private static final class Raw implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
