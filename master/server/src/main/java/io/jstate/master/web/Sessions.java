package io.jstate.master.web;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Logged-in operators, in memory only (a master restart logs everyone out). A session id is 256
 * random bits; a session ends after {@code idle} without a request, or {@code lifetime} after the
 * login, whichever comes first.
 */
final class Sessions {
    /** One login. {@code lastUsed} moves with each request. */
    static final class Session {
        final String id;
        final String user;
        final long created;
        volatile long lastUsed;

        Session(String id, String user, long created) {
            this.id = id;
            this.user = user;
            this.created = created;
            this.lastUsed = created;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Duration lifetime;
    private final LongSupplier millis;

    Sessions(Duration idle, Duration lifetime, LongSupplier millis) {
        this.idle = idle;
        this.lifetime = lifetime;
        this.millis = millis;
    }

    Session open(String user) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        Session s = new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), user, millis.getAsLong());
        byId.put(s.id, s);
        prune();
        return s;
    }

    /** The live session with this id, touched; empty when there is none or it has expired. */
    Optional<Session> find(String id) {
        if (id == null || id.length() != 43) return Optional.empty();
        Session s = byId.get(id);
        if (s == null) return Optional.empty();
        long now = millis.getAsLong();
        if (now - s.lastUsed > idle.toMillis() || now - s.created > lifetime.toMillis()) {
            byId.remove(id);
            return Optional.empty();
        }
        s.lastUsed = now;
        return Optional.of(s);
    }

    void close(String id) {
        if (id != null) byId.remove(id);
    }

    int size() {
        return byId.size();
    }

    private void prune() {
        long now = millis.getAsLong();
        byId.values().removeIf(s -> now - s.lastUsed > idle.toMillis() || now - s.created > lifetime.toMillis());
    }
}
