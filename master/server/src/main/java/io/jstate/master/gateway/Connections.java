package io.jstate.master.gateway;

import io.jstate.common.files.AtomicFiles;
import com.google.protobuf.Struct;
import io.grpc.Status;
import io.jstate.master.events.Event;
import io.jstate.master.events.EventBus;
import io.jstate.master.store.Quarantine;
import io.jstate.common.wire.MinionIds;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.Heartbeat;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.Minion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The minions the master knows: live streams with their grains and addresses, and for every minion
 * ever seen its last grains and last-seen time ({@code DATA_DIR/minions/ID.pb}), so targeting by
 * grain still finds a minion that is offline (and reports it lost rather than silently skipping it).
 */
public final class Connections {
    private static final Logger LOG = Logger.getLogger(Connections.class.getName());

    private final Path dir;
    private final Clock clock;
    private final Duration heartbeat;
    private final Duration sendEvery;
    private final Duration deadAfter;
    private final EventBus events;
    private final Function<String, List<String>> roles;
    private final Map<String, Session> live = new ConcurrentHashMap<>();
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private ScheduledFuture<?> ticker;

    /** A minion's last known facts. */
    public record Known(Minion minion, Map<String, Object> grains) {}

    /**
     * @param heartbeat how often streams are checked for silence
     * @param sendEvery how often each stream gets a heartbeat (at least {@code heartbeat})
     * @param roles     the roles the master assigns a minion, shown and sent as its roles (never its roles grain)
     */
    public Connections(Path dir, Clock clock, Duration heartbeat, Duration sendEvery, Duration deadAfter, EventBus events,
                       Quarantine quarantine, Function<String, List<String>> roles) {
        this.events = events;
        this.roles = roles;
        this.dir = dir;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.sendEvery = sendEvery;
        this.deadAfter = deadAfter;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.pb")) {
                for (Path p : ds) {
                    String id = p.getFileName().toString().substring(0, p.getFileName().toString().length() - ".pb".length());
                    try {
                        Minion m = Minion.parseFrom(Files.readAllBytes(p)).toBuilder().setConnected(false).build();
                        if (!m.getId().equals(id) || !MinionIds.valid(id)) {
                            quarantine.moveAside(p, m.getId().isEmpty() ? "is empty or holds no minion id"
                                    : "holds the record of '" + MinionIds.shown(m.getId()) + "', not of '" + MinionIds.shown(id) + "'");
                            continue;
                        }
                        known.put(id, new Known(m, Structs.map(m.getGrains())));
                    } catch (IOException | IllegalArgumentException e) {
                        quarantine.moveAside(p, "is not a minion record (" + e.getMessage() + ")");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Sends heartbeats and drops silent streams on {@code timer} until {@link #stop}. */
    public void start(ScheduledExecutorService timer) {
        long ms = heartbeat.toMillis();
        ticker = timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        if (ticker != null) ticker.cancel(false);
        for (Session s : live.values()) {
            s.close(Status.UNAVAILABLE.withDescription("the master is shutting down"));
            down(s, "the master is shutting down");
        }
        live.clear();
    }

    /** One round: a stream silent for too long is dropped; one not sent a heartbeat for {@code sendEvery} gets one. */
    void tick() {
        long now = clock.millis();
        MasterMessage hb = MasterMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(now)).build();
        for (Session s : live.values()) {
            if (now - s.lastSeen() > deadAfter.toMillis()) {
                LOG.info(() -> "minion " + s.minionId() + " silent for " + (now - s.lastSeen()) / 1000 + " s; dropping its stream");
                gone(s, "no heartbeat for " + deadAfter.toSeconds() + " s");
                s.close(Status.UNAVAILABLE.withDescription("no heartbeat for " + deadAfter.toSeconds() + " s"));
            } else if (now - s.lastHeartbeat() >= sendEvery.toMillis() - heartbeat.toMillis() / 2) {
                // Half a period of slack: a round that comes a little early still sends when it is due.
                s.heartbeatSent(now);
                s.send(hb);
            }
        }
    }

    Session open(String minionId, String remoteAddress, io.grpc.stub.StreamObserver<MasterMessage> out) {
        return new Session(minionId, remoteAddress, out, clock.millis());
    }

    /** Makes {@code s} the minion's stream (after its Hello); an older stream of the same minion is closed. */
    void register(Session s, Struct grains) {
        s.grains(grains, Structs.map(grains));
        Session old = live.put(s.minionId(), s);
        if (old != null && old != s) old.close(Status.ALREADY_EXISTS.withDescription("replaced by a newer stream of the same minion"));
        remember(s);
        events.publish(new Event.MinionUp(s.minionId(), s.remoteAddress() == null ? "" : s.remoteAddress(), roles.apply(s.minionId()),
                old != null && old != s));
    }

    /**
     * Answers a minion's Hello at once with a heartbeat: a minion counts its connection as working
     * (and resets its reconnection backoff) only once it hears from the master, which would
     * otherwise take until the next heartbeat round.
     */
    void greet(Session s) {
        s.send(MasterMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(clock.millis())).build());
    }

    void grains(Session s, Struct grains) {
        s.grains(grains, Structs.map(grains));
        remember(s);
    }

    void seen(Session s) {
        s.seen(clock.millis());
    }

    /** The stream ended (either side); the minion stays known with its last-seen time. */
    void gone(Session s) {
        gone(s, "the stream ended");
    }

    private void gone(Session s, String why) {
        if (live.remove(s.minionId(), s)) {
            remember(s);
            down(s, why);
        }
    }

    private void down(Session s, String why) {
        events.publish(new Event.MinionDown(s.minionId(), why, Math.max(0, clock.millis() - s.since())));
    }

    /** Cuts a minion's stream at once, as when its key is rejected or deleted. */
    public void cut(String minionId, Status status) {
        Session s = live.remove(minionId);
        if (s != null) {
            s.close(status);
            down(s, status.getDescription() == null ? status.getCode().name() : status.getDescription());
        }
    }

    /** Forgets a minion entirely (its key was deleted). */
    public void forget(String minionId) {
        cut(minionId, Status.PERMISSION_DENIED.withDescription("the key of '" + minionId + "' was deleted"));
        known.remove(minionId);
        try {
            Files.deleteIfExists(dir.resolve(minionId + ".pb"));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + dir.resolve(minionId + ".pb"), e);
        }
    }

    public Optional<Session> session(String minionId) {
        return Optional.ofNullable(live.get(minionId));
    }

    public Collection<Session> sessions() {
        return List.copyOf(live.values());
    }

    public boolean connected(String minionId) {
        return live.containsKey(minionId);
    }

    /** The minion's grains: from its live stream, else as last seen; empty when never connected. */
    public Map<String, Object> grains(String minionId) {
        Session s = live.get(minionId);
        if (s != null) return s.grains();
        Known k = known.get(minionId);
        return k == null ? Map.of() : k.grains();
    }

    /** The minion as the admin API shows it. */
    public Minion describe(String minionId) {
        Session s = live.get(minionId);
        Known k = known.get(minionId);
        Minion.Builder b = k == null ? Minion.newBuilder().setId(minionId) : k.minion().toBuilder();
        b.clearRoles().addAllRoles(roles.apply(minionId));
        if (s != null) {
            b.setConnected(true).setLastSeenUnixMs(s.lastSeen()).clearAddresses().addAllAddresses(addresses(s.remoteAddress(), s.grains()))
                    .setGrains(s.grainsStruct());
        } else {
            b.setConnected(false);
        }
        return b.build();
    }

    private void remember(Session s) {
        Minion m = Minion.newBuilder().setId(s.minionId()).setLastSeenUnixMs(s.lastSeen())
                .addAllAddresses(addresses(s.remoteAddress(), s.grains())).setGrains(s.grainsStruct()).build();
        known.put(s.minionId(), new Known(m, s.grains()));
        try {
            AtomicFiles.write(dir.resolve(s.minionId() + ".pb"), m.toByteArray(), 0600);
        } catch (java.io.UncheckedIOException e) {
            LOG.log(Level.WARNING, "cannot record minion " + s.minionId() + " in " + dir, e);
        }
    }

    /** Where peers reach a minion: the address its stream comes from first, then its own IPv4 addresses. */
    static List<String> addresses(String remote, Map<String, Object> grains) {
        Set<String> out = new LinkedHashSet<>();
        if (remote != null && !remote.isEmpty()) out.add(remote);
        if (grains.get("ipv4") instanceof List<?> l) {
            for (Object o : l) {
                String a = String.valueOf(o);
                if (!a.startsWith("127.")) out.add(a);
            }
        }
        return new ArrayList<>(out);
    }
}
