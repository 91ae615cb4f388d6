package io.jstate.master.keys;

import io.jstate.common.target.RoleNames;

import io.jstate.master.events.Event;
import io.jstate.master.events.EventBus;
import io.jstate.common.files.AtomicFiles;
import io.jstate.master.pki.Csr;
import io.jstate.master.pki.Pem;
import io.jstate.master.pki.Pki;
import io.jstate.master.store.Quarantine;
import io.jstate.common.wire.MinionIds;
import io.jstate.proto.v1.Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Minion keys in {@code DATA_DIR/keys/pending|accepted|rejected}: for each minion its CSR
 * ({@code ID.csr}), its record ({@code ID.pb}, a {@link Key}) and, once accepted, the certificate
 * issued for it ({@code ID.crt}). The state is the folder; the in-memory index mirrors the files so
 * the gateway can check a stream's key without touching the disk.
 */
public final class Keys {
    private final Path dir;
    private final Pki pki;
    private final Clock clock;
    private final EventBus events;
    private final Map<String, Key> index = new ConcurrentHashMap<>();
    private final List<Consumer<String>> revocationListeners = new CopyOnWriteArrayList<>();

    public Keys(Path dir, Pki pki, Clock clock, EventBus events, Quarantine quarantine) {
        this.dir = dir;
        this.pki = pki;
        this.clock = clock;
        this.events = events;
        try {
            // Should a key be in two folders, the decision stands that is safer to keep: rejected, then accepted.
            for (Key.State s : List.of(Key.State.REJECTED, Key.State.ACCEPTED, Key.State.PENDING)) {
                Path d = folder(s);
                Files.createDirectories(d);
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, "*.pb")) {
                    for (Path p : ds) {
                        String id = p.getFileName().toString().substring(0, p.getFileName().toString().length() - ".pb".length());
                        String problem = problem(s, id, p);
                        if (problem == null) {
                            index.put(id, Key.parseFrom(Files.readAllBytes(p)).toBuilder().setState(s).build());
                        } else {
                            // The record, its CSR and certificate go together, so that none is read without the others.
                            for (String ext : List.of(".pb", ".csr", ".crt")) {
                                Path f = d.resolve(id + ext);
                                if (Files.exists(f)) quarantine.moveAside(f, ext.equals(".pb") ? problem : "belongs to " + p.getFileName() + ", which " + problem);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Why the key record {@code p} of {@code id} in the folder of {@code state} cannot be used, or null when it can. */
    private String problem(Key.State state, String id, Path p) {
        Key k;
        try {
            k = Key.parseFrom(Files.readAllBytes(p));
        } catch (IOException e) {
            return "is not a key record (" + e.getMessage() + ")";
        }
        if (!MinionIds.valid(id)) return "is not named after a minion id (" + MinionIds.RULE + ")";
        if (k.getMinionId().isEmpty()) return "is empty or holds no minion id";
        if (!k.getMinionId().equals(id)) return "holds the key of '" + MinionIds.shown(k.getMinionId()) + "', not of '" + id + "'";
        if (k.getFingerprint().isEmpty()) return "holds no key fingerprint";
        if (!Files.isRegularFile(folder(state).resolve(id + ".csr"))) return "has no CSR (" + id + ".csr)";
        if (state == Key.State.ACCEPTED && !Files.isRegularFile(folder(state).resolve(id + ".crt"))) return "has no certificate (" + id + ".crt)";
        Key other = index.get(id);
        if (other != null) return "is a second key of '" + id + "', besides the " + other.getState().name().toLowerCase(java.util.Locale.ROOT) + " one";
        return null;
    }

    /**
     * What an Enroll call led to. {@code certificate} is set when the key is accepted; {@code refused}
     * names why a request was turned away (conflict, rejected), null when it was not.
     */
    public record Enrollment(Key.State state, byte[] certificate, String message, String refused) {
        Enrollment(Key.State state, byte[] certificate, String message) {
            this(state, certificate, message, null);
        }
    }

    /** Called with a minion id whenever its key stops being accepted (rejected or deleted). */
    public void onRevoked(Consumer<String> listener) {
        revocationListeners.add(listener);
    }

    /** Ids double as file names; {@link MinionIds} holds the one rule. */
    public static boolean validId(String id) {
        return MinionIds.valid(id);
    }

    /**
     * Queues a checked CSR, or accepts it at once when {@code autoAccept} (the enrollment token
     * matched). A key never replaces another one accepted or rejected for the same id: the operator
     * deletes the old key first.
     */
    public synchronized Enrollment enroll(Csr csr, byte[] csrDer, boolean autoAccept) {
        String id = csr.minionId();
        Key existing = index.get(id);
        long now = clock.millis();
        if (existing != null && !existing.getFingerprint().equals(csr.fingerprint())) {
            switch (existing.getState()) {
                case ACCEPTED -> {
                    return new Enrollment(Key.State.REJECTED, null,
                            "another key is accepted for '" + id + "'; an operator must delete it first (jstate keys delete " + id + ")",
                            "key_conflict");
                }
                case REJECTED -> {
                    return new Enrollment(Key.State.REJECTED, null, "the key of '" + id + "' is rejected", "key_rejected");
                }
                default -> {
                    if (!autoAccept) {
                        return new Enrollment(Key.State.PENDING, null,
                                "another key is pending for '" + id + "'; an operator must accept or delete it", "key_conflict");
                    }
                }
            }
        }
        if (existing != null && existing.getFingerprint().equals(csr.fingerprint())) {
            switch (existing.getState()) {
                case ACCEPTED -> {
                    return new Enrollment(Key.State.ACCEPTED, certificate(id).orElseThrow(), "accepted");
                }
                case REJECTED -> {
                    return new Enrollment(Key.State.REJECTED, null, "the key of '" + id + "' is rejected", "key_rejected");
                }
                default -> {
                    if (!autoAccept) return new Enrollment(Key.State.PENDING, null, "waiting for an operator to accept the key");
                }
            }
        }
        remove(id);
        Key pending = Key.newBuilder().setMinionId(id).setState(Key.State.PENDING).setFingerprint(csr.fingerprint())
                .setRequestedUnixMs(now).setChangedUnixMs(now).build();
        write(Key.State.PENDING, id, ".csr", csrDer);
        save(pending);
        events.publish(new Event.KeyRequested(id, csr.fingerprint(), autoAccept));
        if (!autoAccept) return new Enrollment(Key.State.PENDING, null, "waiting for an operator to accept the key");
        accept(id);
        return new Enrollment(Key.State.ACCEPTED, certificate(id).orElseThrow(), "accepted by enrollment token");
    }

    public List<Key> list() {
        List<Key> out = new ArrayList<>(index.values());
        out.sort(Comparator.comparing(Key::getState).thenComparing(Key::getMinionId));
        return out;
    }

    public Optional<Key> find(String id) {
        return Optional.ofNullable(index.get(id));
    }

    public List<String> accepted() {
        return index.values().stream().filter(k -> k.getState() == Key.State.ACCEPTED).map(Key::getMinionId).sorted().toList();
    }

    /** Whether {@code fingerprint} is the accepted key of {@code id}. */
    public boolean isAccepted(String id, String fingerprint) {
        Key k = index.get(id);
        return k != null && k.getState() == Key.State.ACCEPTED && k.getFingerprint().equals(fingerprint);
    }

    /** Accepts a pending or rejected key and issues its certificate; returns the changed keys. */
    public synchronized List<Key> accept(String id) {
        Key k = index.get(id);
        if (k == null) throw new NoSuchKeyException(id);
        if (k.getState() == Key.State.ACCEPTED) return List.of();
        return accept(k);
    }

    /**
     * Accepts a key, as {@link #accept(String)}, and assigns it {@code roles} (kept when empty); a key
     * already accepted only has its roles set.
     */
    public synchronized List<Key> accept(String id, List<String> roles) {
        if (roles.isEmpty()) return accept(id);
        List<String> checked = checkRoles(roles);
        Key k = index.get(id);
        if (k == null) throw new NoSuchKeyException(id);
        if (k.getState() != Key.State.ACCEPTED) accept(k);
        return setRoles(id, checked);
    }

    /** Replaces the roles the master assigns to a key (in any state); returns the changed key. */
    public synchronized List<Key> setRoles(String id, List<String> roles) {
        List<String> checked = checkRoles(roles);
        Key k = index.get(id);
        if (k == null) throw new NoSuchKeyException(id);
        Key changed = k.toBuilder().clearRoles().addAllRoles(checked).setChangedUnixMs(clock.millis()).build();
        save(changed);
        events.publish(new Event.KeyRoles(id, checked));
        return List.of(changed);
    }

    /** The roles set on a key; none for an unknown id. */
    public List<String> roles(String id) {
        Key k = index.get(id);
        return k == null ? List.of() : k.getRolesList();
    }

    private static List<String> checkRoles(List<String> roles) {
        for (String r : roles) {
            if (!RoleNames.ROLE.matcher(r).matches()) throw new BadRoleException("bad role name '" + r + "': " + RoleNames.RULE);
        }
        return new java.util.TreeSet<>(roles).stream().toList();
    }

    private List<Key> accept(Key k) {
        String id = k.getMinionId();
        byte[] csrDer = read(k.getState(), id, ".csr");
        Csr csr = Csr.check(csrDer, id);
        X509Certificate cert = pki.issueMinion(id, csr.publicKey());
        remove(id);
        write(Key.State.ACCEPTED, id, ".csr", csrDer);
        write(Key.State.ACCEPTED, id, ".crt", Pem.encode("CERTIFICATE", Pki.der(cert)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Key accepted = k.toBuilder().setState(Key.State.ACCEPTED).setChangedUnixMs(clock.millis()).build();
        save(accepted);
        events.publish(new Event.KeyChanged(Event.KeyChanged.Change.ACCEPTED, id, accepted.getFingerprint(), k.getState()));
        return List.of(accepted);
    }

    public synchronized List<Key> acceptAll() {
        List<Key> out = new ArrayList<>();
        for (Key k : list()) if (k.getState() == Key.State.PENDING) out.addAll(accept(k.getMinionId()));
        return out;
    }

    /** Rejects a pending or accepted key; an accepted minion's live stream is cut at once. */
    public List<Key> reject(String id) {
        Key rejected;
        synchronized (this) {
            Key k = index.get(id);
            if (k == null) throw new NoSuchKeyException(id);
            if (k.getState() == Key.State.REJECTED) return List.of();
            byte[] csrDer = read(k.getState(), id, ".csr");
            remove(id);
            write(Key.State.REJECTED, id, ".csr", csrDer);
            rejected = k.toBuilder().setState(Key.State.REJECTED).setChangedUnixMs(clock.millis()).build();
            save(rejected);
            events.publish(new Event.KeyChanged(Event.KeyChanged.Change.REJECTED, id, k.getFingerprint(), k.getState()));
        }
        revocationListeners.forEach(l -> l.accept(id));
        return List.of(rejected);
    }

    /** Forgets a key in whatever state; the minion may enroll again. A live stream is cut at once. */
    public List<Key> delete(String id) {
        Key k;
        synchronized (this) {
            k = index.get(id);
            if (k == null) throw new NoSuchKeyException(id);
            remove(id);
            events.publish(new Event.KeyChanged(Event.KeyChanged.Change.DELETED, id, k.getFingerprint(), k.getState()));
        }
        revocationListeners.forEach(l -> l.accept(id));
        return List.of(k);
    }

    /** The certificate issued for an accepted key, DER. */
    public Optional<byte[]> certificate(String id) {
        Key k = index.get(id);
        if (k == null || k.getState() != Key.State.ACCEPTED) return Optional.empty();
        String pem = new String(read(Key.State.ACCEPTED, id, ".crt"), java.nio.charset.StandardCharsets.US_ASCII);
        return Optional.of(Pem.decode("CERTIFICATE", pem));
    }

    /** A role name the operator gave that is not one. */
    public static final class BadRoleException extends IllegalArgumentException {
        public BadRoleException(String message) {
            super(message);
        }
    }

    /** A key id that is not in the store. */
    public static final class NoSuchKeyException extends RuntimeException {
        public NoSuchKeyException(String id) {
            super("no key for minion '" + id + "'");
        }
    }

    private void save(Key k) {
        write(k.getState(), k.getMinionId(), ".pb", k.toByteArray());
        index.put(k.getMinionId(), k);
    }

    private void remove(String id) {
        Key k = index.remove(id);
        if (k == null) return;
        try {
            for (String ext : List.of(".pb", ".csr", ".crt")) Files.deleteIfExists(folder(k.getState()).resolve(id + ext));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path folder(Key.State s) {
        return dir.resolve(s.name().toLowerCase(java.util.Locale.ROOT));
    }

    private byte[] read(Key.State s, String id, String ext) {
        try {
            return Files.readAllBytes(folder(s).resolve(id + ext));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(Key.State s, String id, String ext, byte[] bytes) {
        MinionIds.check(id);
        AtomicFiles.write(folder(s).resolve(id + ext), bytes, 0600);
    }
}
