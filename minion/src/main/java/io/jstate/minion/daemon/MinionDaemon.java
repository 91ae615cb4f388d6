package io.jstate.minion.daemon;

import com.google.protobuf.Struct;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.jstate.minion.functions.Functions;
import io.jstate.proto.v1.GrainsUpdate;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MinionMessage;
import io.jstate.proto.v1.ResultAck;
import io.jstate.proto.v1.SignedJob;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.grains.Grains;
import io.jstate.states.host.Host;
import io.jstate.states.host.LocalHost;
import io.jstate.common.wire.Structs;
import io.jstate.states.kinds.Kinds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The minion daemon: enrolls with a master, then keeps one stream to it open, reconnecting with
 * backoff across the configured masters, and runs the jobs that arrive on it.
 */
public final class MinionDaemon {
    /** The number of jobs that may wait behind the running one. */
    static final int QUEUE_CAPACITY = 32;
    static final String VERSION = version();

    private final MinionConfig config;
    private final MasterChannels channels;
    private final Host host;
    private final Supplier<Map<String, Object>> collectGrains;
    private final Clock clock;
    private final RandomGenerator random;
    private final Timings timings;
    private final Consumer<String> log;
    private final StateRegistry registry;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Session current;
    private volatile Map<String, Object> grains;
    private volatile Struct grainsStruct;
    private volatile Jobs jobs;
    private volatile Thread runner;

    MinionDaemon(MinionConfig config, MasterChannels channels, Host host, Supplier<Map<String, Object>> collectGrains, Clock clock,
                 RandomGenerator random, Timings timings, Consumer<String> log) {
        this.config = config;
        this.channels = channels;
        this.host = host;
        this.collectGrains = collectGrains;
        this.clock = clock;
        this.random = random;
        this.timings = timings;
        this.log = log;
        this.registry = Kinds.registry();
    }

    /** The daemon as it runs on a machine: real TLS, the real host, grains collected from it. */
    public static MinionDaemon system(MinionConfig config, Consumer<String> log) {
        Host host = LocalHost.system();
        Supplier<Map<String, Object>> grains = () -> {
            Map<String, Object> g = new LinkedHashMap<>(Grains.collect(host, null));
            g.putAll(config.grains());
            g.put("id", config.id());
            return g;
        };
        return new MinionDaemon(config, new TlsChannels(config.bindAddress()), host, grains, Clock.systemUTC(), new SecureRandom(),
                Timings.DEFAULT, log);
    }

    /** Runs until {@link #stop()}; returns once the daemon has wound down. */
    public void run() throws InterruptedException {
        runner = Thread.currentThread();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jstate-timer");
            t.setDaemon(true);
            return t;
        });
        try {
            DataDir dir = new DataDir(config.dataDir()).create();
            Identity identity = Identity.loadOrCreate(dir);
            MasterPins pins = new MasterPins(dir, config.caFingerprint(), config.signingFingerprint(), log);
            Spool spool = new Spool(dir.spool());
            EnvelopeVerifier verifier = new EnvelopeVerifier(config.id(), pins::signingKey, new NonceStore(dir.nonces()), clock);
            JobRunner jobRunner = new JobRunner(config.id(), host, () -> grains, registry, Functions.builtin(), clock);
            jobs = new Jobs(config.id(), verifier, jobRunner::run, spool, this::sendCurrent, QUEUE_CAPACITY, clock, log);
            refreshGrains();
            long every = timings.grainsRefresh().toMillis();
            timer.scheduleWithFixedDelay(this::refreshGrainsQuietly, every, every, TimeUnit.MILLISECONDS);
            // Made only when enrolling: Bouncy Castle's signed jars cost megabytes of memory once opened.
            Enrollment enrollment = new Enrollment(config.id(), config.enrollmentToken(), identity, pins, channels,
                    () -> csr(dir, identity, config.id()), log);
            loop(identity, pins, spool, enrollment, timer);
        } finally {
            timer.shutdownNow();
            stopped.countDown();
        }
    }

    private void loop(Identity identity, MasterPins pins, Spool spool, Enrollment enrollment, ScheduledExecutorService timer)
            throws InterruptedException {
        Backoff backoff = new Backoff(timings.backoffBase(), timings.backoffMax(), random);
        List<String> masters = config.masters();
        int next = 0;
        boolean enroll = identity.certificate() == null || pins.signingKey() == null;
        while (stopping.getCount() > 0) {
            String master = masters.get(next % masters.size());
            if (enroll) {
                Enrollment.Result r = enrollment.attempt(master, grainsStruct);
                switch (r) {
                    case ACCEPTED -> {
                        enroll = false;
                        backoff.reset();
                        continue;
                    }
                    case PENDING -> pause(timings.enrollRetry().plusMillis(backoff.jitter(timings.enrollRetry().toMillis())));
                    case REJECTED -> pause(timings.backoffMax().plusMillis(backoff.jitter(timings.backoffMax().toMillis())));
                    case FAILED -> {
                        next++;
                        pause(backoff.next());
                    }
                }
                continue;
            }
            Session.Ended ended = connect(master, identity, pins, spool, timer);
            if (stopping.getCount() == 0) break;
            if (ended.heard()) backoff.reset();
            Status.Code code = ended.status().getCode();
            if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNAUTHENTICATED) {
                log.accept("master " + master + " refused this minion (" + describe(ended.status()) + "); asking to enroll again");
                enroll = true;
            } else {
                log.accept("connection to master " + master + " ended: " + describe(ended.status()));
            }
            if (!ended.heard()) next++;
            pause(backoff.next());
        }
    }

    private Session.Ended connect(String master, Identity identity, MasterPins pins, Spool spool, ScheduledExecutorService timer)
            throws InterruptedException {
        ManagedChannel channel = channels.open(master, new MasterTrust(pins), identity);
        try {
            // Jobs first, then the spool: a job that finishes in between is then in both lists, never in neither.
            List<String> running = jobs.jids();
            List<JobResult> spooled = spool.all();
            Session session = new Session(channel, timer, timings, clock, new Session.Handler() {
                @Override
                public void job(SignedJob envelope) {
                    jobs.submit(envelope);
                }

                @Override
                public void acknowledged(ResultAck ack) {
                    jobs.acknowledged(ack.getJid());
                }

                @Override
                public void heard() {
                    log.accept("connected to master " + master + (spooled.isEmpty() ? "" : "; resent " + spooled.size() + " spooled result(s)"));
                }
            });
            Hello hello = Hello.newBuilder().setGrains(grainsStruct).setVersion(VERSION)
                    .addAllSpooledJids(spooled.stream().map(JobResult::getJid).toList()).addAllRunningJids(running).setReportsJobs(true).build();
            Session.Ended ended = session.run(hello, spooled, s -> {
                current = s;
                // A stop that came while connecting must not leave this stream open.
                if (stopping.getCount() == 0) s.cancel("the minion is stopping");
            });
            return ended;
        } finally {
            current = null;
            channel.shutdownNow();
        }
    }

    private boolean sendCurrent(MinionMessage m) {
        Session s = current;
        return s != null && s.send(m);
    }

    private void refreshGrainsQuietly() {
        try {
            refreshGrains();
        } catch (RuntimeException e) {
            log.accept("cannot collect grains: " + e.getMessage());
        }
    }

    /** Collects grains again and tells the master when they changed. */
    void refreshGrains() {
        Map<String, Object> g = collectGrains.get();
        Struct sent = Structs.struct(g);
        if (sent.equals(grainsStruct)) return;
        boolean first = grainsStruct == null;
        grains = g;
        grainsStruct = sent;
        if (!first) sendCurrent(MinionMessage.newBuilder().setGrains(GrainsUpdate.newBuilder().setGrains(sent)).build());
    }

    private void pause(Duration d) throws InterruptedException {
        stopping.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the daemon: no new jobs, the running one gets a grace period to finish (its result is
     * spooled), the stream is closed. Spooled results stay for the next start.
     */
    public void stop() {
        if (stopping.getCount() == 0) return;
        stopping.countDown();
        Jobs j = jobs;
        if (j != null) j.close(timings.stopGrace());
        Session s = current;
        if (s != null) s.cancel("the minion is stopping");
        Thread t = runner;
        // An enrollment call blocks for up to its deadline; the interrupt cancels it.
        if (t != null && t != Thread.currentThread()) t.interrupt();
        try {
            if (stopped.await(10, TimeUnit.SECONDS)) log.accept("stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The CSR is made once and kept, so every enrollment attempt sends the very same request; a
     * new one is made only when the minion's id changed.
     */
    static byte[] csr(DataDir dir, Identity identity, String minionId) {
        var file = dir.pki().resolve("minion.csr");
        try {
            if (Files.exists(file)) {
                byte[] der = Pki.fromPem(Files.readAllBytes(file));
                if (Pki.csrSubjectCn(der).equals(minionId)) return der;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] der = Pki.csr(identity.key(), minionId);
        DataDir.writeAtomically(file, Pki.pem("CERTIFICATE REQUEST", der));
        return der;
    }

    /**
     * A stream's end as an operator reads it: the status and the cause that names the real
     * problem: the trust decision's own words when the master's certificate was refused, else the
     * innermost cause.
     */
    static String describe(Status s) {
        StringBuilder sb = new StringBuilder(s.getCode().toString());
        if (s.getDescription() != null) sb.append(": ").append(s.getDescription());
        Throwable c = s.getCause();
        while (c != null && !(c instanceof java.security.cert.CertificateException) && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        if (c != null && c.getMessage() != null && sb.indexOf(c.getMessage()) < 0) sb.append(" (").append(c.getMessage()).append(')');
        return sb.toString();
    }

    private static String version() {
        String v = MinionDaemon.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
