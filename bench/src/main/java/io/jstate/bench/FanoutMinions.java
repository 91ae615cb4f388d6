package io.jstate.bench;

import io.jstate.common.tls.SingleKeyManager;
import io.jstate.common.wire.Structs;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.jstate.minion.daemon.Pki;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.EnrollRequest;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.Heartbeat;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobAccepted;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.Refusal;
import io.jstate.common.net.HostPort;
import java.io.File;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManagerFactory;

/**
 * Many simulated minions in one JVM, speaking the real gateway protocol over real mutual TLS to a
 * real master: each has its own EC key and CSR, enrolls with the enrollment token, gets its own
 * certificate and holds one Connect stream (Hello with small grains, a heartbeat every second). It
 * answers a {@code test.ping} function job as a minion does: JobAccepted, then a JobResult with
 * {@code true}, kept until the master's ack. Other jobs are refused (MALFORMED), so a benchmark
 * never mistakes them for work done. The envelope's signature is not checked: that is the real
 * minion's work, not the master's, and would only load the generator.
 *
 * <p>All channels share one small event loop group and run their callbacks on it directly, so a
 * thousand minions fit in a few threads next to the master on the same small machine.
 *
 * <pre>FanoutMinions --gateway HOST:PORT --ca CA.crt --token TOKEN [--count N] [--prefix sim]
 *               [--threads 2] [--roles compute] [--max-seconds 1800]</pre>
 *
 * Prints progress lines and then {@code READY N} on stdout once every stream has sent its Hello;
 * runs until killed or {@code --max-seconds} pass, then prints what it answered.
 */
public final class FanoutMinions {
    private final String host;
    private final int port;
    private final File ca;
    private final String token;
    private final int count;
    private final String prefix;
    private final String roles;
    private final EventLoopGroup loops;
    private final Executor direct = Runnable::run;
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger acks = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final AtomicInteger streamsEnded = new AtomicInteger();
    private final AtomicLong lastError = new AtomicLong();
    private final List<Sim> sims = new ArrayList<>();

    private FanoutMinions(String host, int port, File ca, String token, int count, String prefix, String roles, int threads) {
        this.host = host;
        this.port = port;
        this.ca = ca;
        this.token = token;
        this.count = count;
        this.prefix = prefix;
        this.roles = roles;
        this.loops = new NioEventLoopGroup(threads, new DefaultThreadFactory("sim-loop", true));
    }

    public static void main(String[] args) throws Exception {
        String gateway = null, ca = null, token = "", prefix = "sim", roles = "compute";
        int count = 1000, threads = 2;
        long maxSeconds = 1800;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--gateway" -> gateway = v;
                case "--ca" -> ca = v;
                case "--token" -> token = v;
                case "--count" -> count = Integer.parseInt(v);
                case "--prefix" -> prefix = v;
                case "--roles" -> roles = v;
                case "--threads" -> threads = Integer.parseInt(v);
                case "--max-seconds" -> maxSeconds = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        if (gateway == null || ca == null) throw new IllegalArgumentException("--gateway HOST:PORT and --ca FILE are required");
        HostPort at = HostPort.parse("--gateway", gateway);
        FanoutMinions f = new FanoutMinions(at.host(), at.port(),
                new File(ca), token, count, prefix, roles, threads);
        Runtime.getRuntime().addShutdownHook(new Thread(f::report));
        f.run(maxSeconds);
    }

    private void run(long maxSeconds) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService cpu = Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<Sim>> made = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String id = String.format("%s%05d", prefix, i);
            made.add(cpu.submit(() -> {
                KeyPair key = Pki.newKey();
                return new Sim(id, key, Pki.csr(key, id));
            }));
        }
        for (var m : made) sims.add(m.get());
        cpu.shutdown();
        long t1 = System.nanoTime();
        System.out.printf("keys and CSRs: %d in %d ms%n", count, (t1 - t0) / 1_000_000);

        enrollAll();
        long t2 = System.nanoTime();
        System.out.printf("enrolled: %d in %d ms%n", count, (t2 - t1) / 1_000_000);

        // Like a real minion, each sends a heartbeat on its own every second; the master sends fewer.
        java.util.concurrent.ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeats");
            t.setDaemon(true);
            return t;
        });
        long every = io.jstate.common.wire.Liveness.HEARTBEAT.toMillis();
        beat.scheduleAtFixedRate(() -> {
            MinionMessage hb = MinionMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(System.currentTimeMillis())).build();
            for (Sim s : sims) if (s.connected) s.send(hb);
        }, every, every, TimeUnit.MILLISECONDS);
        connectAll();
        long t3 = System.nanoTime();
        System.out.printf("streams open: %d in %d ms%n", count, (t3 - t2) / 1_000_000);
        System.out.println("READY " + count);
        System.out.flush();
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
        System.exit(0);
    }

    /** Enrolls every minion over one server-authenticated channel, a bounded number of calls at a time. */
    private void enrollAll() throws Exception {
        SslContext ssl = GrpcSslContexts.forClient().trustManager(ca).build();
        ManagedChannel ch = channel(ssl);
        try {
            MinionGatewayGrpc.MinionGatewayStub stub = MinionGatewayGrpc.newStub(ch);
            Semaphore inFlight = new Semaphore(32);
            CountDownLatch done = new CountDownLatch(sims.size());
            AtomicInteger failures = new AtomicInteger();
            for (Sim s : sims) {
                inFlight.acquire();
                EnrollRequest req = EnrollRequest.newBuilder().setMinionId(s.id).setCsrDer(ByteString.copyFrom(s.csr))
                        .setGrains(s.grains()).setToken(token).build();
                stub.withDeadlineAfter(60, TimeUnit.SECONDS).enroll(req, new StreamObserver<>() {
                    @Override
                    public void onNext(EnrollReply r) {
                        if (r.getStatus() == EnrollReply.Status.ACCEPTED) {
                            s.cert = Pki.certificate(r.getCertificateDer().toByteArray());
                        } else {
                            System.err.println(s.id + ": enrollment " + r.getStatus() + ": " + r.getMessage());
                            failures.incrementAndGet();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        System.err.println(s.id + ": enrollment failed: " + Status.fromThrowable(t));
                        failures.incrementAndGet();
                        inFlight.release();
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        inFlight.release();
                        done.countDown();
                    }
                });
            }
            if (!done.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("enrollment did not finish in 10 minutes");
            if (failures.get() > 0) throw new IllegalStateException(failures.get() + " enrollment(s) failed");
        } finally {
            ch.shutdownNow();
        }
    }

    /**
     * Opens every minion's mutual-TLS channel and stream, a bounded number of handshakes at a time.
     * The key goes to TLS through a key manager of its own: handed over as a key and certificate,
     * Netty would first seal them in a password-protected PKCS#12 store, whose key derivation costs
     * more than the handshake itself.
     */
    private void connectAll() throws Exception {
        Semaphore handshakes = new Semaphore(64);
        CountDownLatch open = new CountDownLatch(sims.size());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
        roots.load(null, null);
        try (var in = new java.io.FileInputStream(ca)) {
            roots.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        trust.init(roots);
        for (Sim s : sims) {
            handshakes.acquire();
            SslContext ssl = GrpcSslContexts.forClient().trustManager(trust).keyManager(new SingleKeyManager(s.key.getPrivate(), s.cert)).build();
            s.channel = channel(ssl);
            s.whenReady(() -> {
                handshakes.release();
                s.connect();
                open.countDown();
            });
        }
        if (!open.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("the streams did not open in 10 minutes");
    }

    private ManagedChannel channel(SslContext ssl) {
        return NettyChannelBuilder.forAddress(host, port).sslContext(ssl)
                .eventLoopGroup(loops).channelType(NioSocketChannel.class)
                .executor(direct).offloadExecutor(direct)
                .disableRetry().maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    private void report() {
        System.out.printf("answered: %d test.ping, %d acks, %d refused, %d heartbeats; %d streams ended%n",
                pings.get(), acks.get(), refused.get(), heartbeats.get(), streamsEnded.get());
        System.out.flush();
    }


    /** One simulated minion. */
    private final class Sim {
        final String id;
        final KeyPair key;
        final byte[] csr;
        volatile X509Certificate cert;
        ManagedChannel channel;
        private ClientCallStreamObserver<MinionMessage> requests;
        // Set once its Hello is sent: from then on the heartbeat timer writes to its stream too.
        private volatile boolean connected;

        Sim(String id, KeyPair key, byte[] csr) {
            this.id = id;
            this.key = key;
            this.csr = csr;
        }

        Struct grains() {
            return Structs.struct(Map.of("id", id, "host", id, "os", "Debian", "osrelease", "12", "roles", List.of(roles)));
        }

        /** Runs {@code then} once the channel's TLS connection is up (it is started now). */
        void whenReady(Runnable then) {
            ConnectivityState st = channel.getState(true);
            if (st == ConnectivityState.READY) {
                then.run();
                return;
            }
            if (st == ConnectivityState.TRANSIENT_FAILURE || st == ConnectivityState.SHUTDOWN) {
                System.err.println(id + ": channel " + st);
                lastError.set(System.nanoTime());
            }
            channel.notifyWhenStateChanged(st, () -> whenReady(then));
        }

        void connect() {
            MinionGatewayGrpc.newStub(channel).connect(new ClientResponseObserver<MinionMessage, MasterMessage>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<MinionMessage> stream) {
                    requests = stream;
                }

                @Override
                public void onNext(MasterMessage m) {
                    switch (m.getBodyCase()) {
                        case HEARTBEAT -> heartbeats.incrementAndGet();
                        case ACK -> acks.incrementAndGet();
                        case JOB -> job(m.getJob().getJob());
                        default -> { }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    streamsEnded.incrementAndGet();
                    System.err.println(id + ": stream ended: " + Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    streamsEnded.incrementAndGet();
                    System.err.println(id + ": stream completed by the master");
                }
            });
            send(MinionMessage.newBuilder().setHello(Hello.newBuilder().setGrains(grains()).setVersion("bench")).build());
            connected = true;
        }

        private void job(ByteString bytes) {
            long started = System.currentTimeMillis();
            Job job;
            try {
                job = Job.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                refused.incrementAndGet();
                return;
            }
            JobResult.Builder r = JobResult.newBuilder().setJid(job.getJid()).setMinionId(id).setStartedUnixMs(started);
            if (job.hasFunction() && job.getFunction().getName().equals("test.ping")) {
                send(MinionMessage.newBuilder().setAccepted(JobAccepted.newBuilder().setJid(job.getJid()).setQueuePosition(0)).build());
                r.setFunction(FunctionReturn.newBuilder().setSuccess(true).setValue(Structs.value(true)));
                pings.incrementAndGet();
            } else {
                r.setRefused(Refusal.newBuilder().setReason(Refusal.Reason.MALFORMED).setMessage("the load generator answers test.ping only"));
                refused.incrementAndGet();
            }
            send(MinionMessage.newBuilder().setResult(r.setFinishedUnixMs(System.currentTimeMillis())).build());
        }

        private synchronized void send(MinionMessage m) {
            try {
                requests.onNext(m);
            } catch (StatusRuntimeException | IllegalStateException e) {
                // The stream is gone; onError has counted it.
            }
        }
    }
}
