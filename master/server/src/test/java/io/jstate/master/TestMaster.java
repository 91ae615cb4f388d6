package io.jstate.master;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.jstate.common.config.MasterConfig;
import io.jstate.master.gateway.PeerAuth;
import io.jstate.master.pki.Pem;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A master over a temporary data dir, its gateway served in-process. The in-process transport has
 * no TLS, so a test minion hands its certificate in a header that stands in for the TLS session;
 * everything after that (the accepted-key check, the identity) is the production code.
 */
public final class TestMaster implements AutoCloseable {
    public static final Metadata.Key<byte[]> CERT_HEADER = Metadata.Key.of("x-test-peer-cert-bin", Metadata.BINARY_BYTE_MARSHALLER);
    public static final PeerAuth.PeerCertificate FROM_HEADER =
            (call, headers) -> Optional.ofNullable(headers.get(CERT_HEADER)).map(Pem::certificate);

    public final Path root;
    public final Path config;
    public final Path states;
    public final Path pillar;
    /** The Quarkus properties {@link Bootstrap} derived, as the main class would set them. */
    public final Map<String, String> quarkus;
    private final String name = "master-" + UUID.randomUUID();
    private Master master;
    private Server server;

    public TestMaster(String extraYaml) {
        try {
            root = Files.createTempDirectory("jstate-master-test");
            states = Files.createDirectories(root.resolve("states"));
            pillar = Files.createDirectories(root.resolve("pillar"));
            config = root.resolve("master.yaml");
            Files.writeString(config, """
                    data_dir: data
                    gateway: {listen: "127.0.0.1:0"}
                    admin: {listen: "127.0.0.1:0"}
                    web: {listen: "127.0.0.1:0", metrics_token_file: metrics-token}
                    states: states
                    pillar: pillar
                    """ + extraYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        quarkus = Bootstrap.prepare(config, new PrintStream(OutputStream.nullOutputStream()));
    }

    public static Map<String, String> files(Path dir, Map<String, String> files) {
        files.forEach((k, v) -> {
            try {
                Path p = dir.resolve(k);
                Files.createDirectories(p.getParent());
                Files.writeString(p, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return files;
    }

    /** Opens the master (again, after {@link #stop}) and serves its gateway in-process. */
    public Master start(Duration heartbeat, Duration deadAfter) {
        master = Master.open(MasterConfig.load(config), Clock.systemUTC(), new Master.Timings(heartbeat, deadAfter));
        try {
            server = master.serve(InProcessServerBuilder.forName(name).directExecutor(), FROM_HEADER).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return master;
    }

    public Master start() {
        return start(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public Master master() {
        return master;
    }

    public ManagedChannel channel() {
        return InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    public void stop() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
        if (master != null) {
            master.close();
            master = null;
        }
    }

    @Override
    public void close() {
        stop();
        delete();
    }

    public void delete() {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
