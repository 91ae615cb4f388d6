package io.jstate.master;

import io.jstate.common.net.HostPort;
import io.grpc.DecompressorRegistry;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.jstate.common.config.MasterConfig;
import io.jstate.master.events.EventBus;
import io.jstate.master.metrics.Metrics;
import io.jstate.master.gateway.Connections;
import io.jstate.master.gateway.GatewayService;
import io.jstate.master.gateway.PeerAuth;
import io.jstate.master.gateway.StrictGzip;
import io.jstate.master.gateway.TransportLog;
import io.jstate.master.jobs.JobStore;
import io.jstate.master.jobs.Jobs;
import io.jstate.master.orch.Orchestrator;
import io.jstate.master.keys.Keys;
import io.jstate.master.keys.Roles;
import io.jstate.master.pki.Pki;
import io.jstate.master.store.Quarantine;
import io.jstate.common.wire.Liveness;
import io.jstate.states.lang.TreeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The master's parts wired together, without Quarkus: key store, connections, job store, jobs and
 * the gateway service. Quarkus holds one in a bean; tests build one over a temporary data dir and
 * serve its gateway from any {@link ServerBuilder}, the in-process one included.
 */
public final class Master implements AutoCloseable {
    private final Orchestrator orchestrator;
    private static final Logger LOG = Logger.getLogger(Master.class.getName());
    /** Largest message a minion may send: a final result with diffs can be big, but not unbounded. */
    static final int MAX_INBOUND = 16 * 1024 * 1024;

    /**
     * Intervals, shortened by tests: how often minions' silence is checked, the silence after which a
     * minion's stream is dropped, how long a job left unfinished by the last run waits for results at
     * start, and how often the master sends each minion a heartbeat.
     */
    public record Timings(Duration heartbeat, Duration deadAfter, Duration orphanGrace, Duration sendEvery) {
        public static final Timings DEFAULT = new Timings(Liveness.HEARTBEAT, Liveness.MASTER_DROPS_SILENT_AFTER, Duration.ofSeconds(30),
                Liveness.MASTER_HEARTBEAT);

        /** Orphaned jobs wait as long as a silent minion is kept; a heartbeat goes out at every check. */
        public Timings(Duration heartbeat, Duration deadAfter) {
            this(heartbeat, deadAfter, deadAfter, heartbeat);
        }
    }

    private final MasterConfig config;
    private final Pki pki;
    private final Keys keys;
    private final Connections connections;
    private final JobStore store;
    private final Jobs jobs;
    private final GatewayService gateway;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final EventBus events;
    private final Roles roles;
    private final Metrics metrics;
    private final Quarantine quarantine;
    private Server server;

    private Master(MasterConfig config, Clock clock, Timings timings) {
        this.config = config;
        this.clock = clock;
        Path data = config.dataDir();
        this.pki = Pki.load(data.resolve("pki"));
        this.timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "jstate-master-timer");
            t.setDaemon(true);
            return t;
        });
        this.events = new EventBus(clock::millis, EventBus.DEFAULT_CAPACITY);
        this.quarantine = new Quarantine(data, clock);
        this.keys = new Keys(data.resolve("keys"), pki, clock, events, quarantine);
        this.roles = new Roles(config.roles(), config.nodegroups(), keys);
        this.connections = new Connections(data.resolve("minions"), clock, timings.heartbeat(), timings.sendEvery(), timings.deadAfter(), events,
                quarantine, roles::of);
        this.store = new JobStore(data.resolve("jobs"), quarantine);
        this.jobs = new Jobs(new Jobs.Settings(config.states(), config.pillar(), config.nodegroups(), config.defaultJobTimeout(), data,
                config.lostAfter()),
                keys, roles, connections, store, pki, timer, clock, events);
        this.orchestrator = new Orchestrator(jobs, new TreeFiles(config.states(), Set.of(data)), Orchestrator.builtinElections(), events::publish);
        this.gateway = new GatewayService(keys, pki, connections, jobs, config.enrollmentToken(), config.enrollPerMinute(), System::nanoTime, events);
        this.metrics = new Metrics(events, new Metrics.Gauges() {
            @Override
            public int connectedMinions() {
                return connections.sessions().size();
            }

            @Override
            public Map<String, Integer> keys() {
                Map<String, Integer> n = new HashMap<>();
                for (io.jstate.proto.v1.Key k : keys.list()) n.merge(k.getState().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
                return n;
            }
        });
        keys.onRevoked(id -> {
            if (keys.find(id).isEmpty()) connections.forget(id);
            else connections.cut(id, Status.PERMISSION_DENIED.withDescription("the key of '" + id + "' was rejected"));
        });
    }

    /** Opens the master over an existing data dir (PKI made by {@link Bootstrap}); starts its timers. */
    public static Master open(MasterConfig config, Clock clock, Timings timings) {
        Master m = new Master(config, clock, timings);
        m.connections.start(m.timer);
        m.jobs.resumeOrphans(timings.orphanGrace());
        m.timer.scheduleAtFixedRate(m::prune, 0, 1, TimeUnit.DAYS);
        return m;
    }

    void prune() {
        try {
            int n = store.prune(clock.millis(), config.retention());
            if (n > 0) LOG.info(() -> "pruned " + n + " job(s) older than " + config.retention().toDays() + " days");
        } catch (RuntimeException e) {
            LOG.warning(() -> "pruning the job store failed: " + e);
        }
    }

    /** Adds the gateway service, behind its authentication, to {@code builder}. */
    public <T extends ServerBuilder<T>> T serve(T builder, PeerAuth.PeerCertificate peer) {
        return builder.addService(ServerInterceptors.intercept(gateway.definition(), new PeerAuth(keys, peer))).maxInboundMessageSize(MAX_INBOUND)
                .decompressorRegistry(DecompressorRegistry.getDefaultInstance().with(new StrictGzip(), true));
    }

    /** Starts the gateway on the configured address with TLS: server certificate, client certificates optional. */
    public synchronized Server startGateway() {
        HostPort l = config.gateway();
        try {
            SslContext ssl = GrpcSslContexts.forServer(pki.serverCert().toFile(), pki.serverKey().toFile())
                    .trustManager(pki.caCert().toFile()).clientAuth(ClientAuth.OPTIONAL).build();
            InetSocketAddress at = l.wildcard() ? new InetSocketAddress(l.port()) : new InetSocketAddress(l.host(), l.port());
            NettyServerBuilder b = NettyServerBuilder.forAddress(at).sslContext(ssl)
                    .permitKeepAliveTime(Liveness.MASTER_PERMITS_PINGS_EVERY.toMillis(), TimeUnit.MILLISECONDS)
                    .permitKeepAliveWithoutCalls(true);
            TransportLog.install();
            server = serve(b, PeerAuth.PeerCertificate.TLS).build().start();
            LOG.info(() -> "minion gateway listening on " + server.getListenSockets());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + l + ": " + e.getMessage(), e);
        }
    }

    /** The port the gateway listens on (the real one when the configuration asked for 0). */
    public int gatewayPort() {
        return server == null ? -1 : ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    /** The store files this master moved aside as unreadable, for the operator to look at. */
    public Quarantine quarantine() {
        return quarantine;
    }

    public MasterConfig config() {
        return config;
    }

    public Pki pki() {
        return pki;
    }

    public Keys keys() {
        return keys;
    }

    /** The roles the master assigns (master.yaml and the keys). */
    public Roles roles() {
        return roles;
    }

    public Connections connections() {
        return connections;
    }

    public Jobs jobs() {
        return jobs;
    }

    /** What happens to keys, minions and jobs, for the admin event stream and the metrics. */
    public EventBus events() {
        return events;
    }

    /** The Prometheus metrics, for the web listener's /metrics. */
    public Metrics metrics() {
        return metrics;
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    public JobStore store() {
        return store;
    }

    @Override
    public synchronized void close() {
        connections.stop();
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow();
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
        metrics.close();
        events.close();
    }
}
