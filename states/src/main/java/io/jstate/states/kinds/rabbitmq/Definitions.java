package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.host.HostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The broker's definitions as one {@code rabbitmqctl export_definitions -} prints them: its
 * vhosts, users (tags, password hash), permissions and policies. One such call answers every check
 * of the users stage (vhost, user, permissions, guest, policy), where each used to start an Erlang
 * VM of its own for {@code list_*} and {@code authenticate_user}.
 *
 * <p>A password is checked against the stored hash the way RabbitMQ's internal backend checks it
 * at login: the hash is base64 of a 4-byte salt followed by the digest of salt and password, the
 * digest named by the user's {@code hashing_algorithm}. The hashes never leave this object: no
 * message, toString or exception quotes them.
 */
final class Definitions {

    /** A user: name, tags, and the stored credential ({@code hash} may be empty: no password). */
    record User(String name, TreeSet<String> tags, String hash, String algorithm) {
        @Override
        public String toString() {
            return "User[name=" + name + ", tags=" + tags + ", algorithm=" + algorithm + "]";
        }
    }

    /** One row of {@code permissions}. */
    record Permission(String user, String vhost, List<String> configureWriteRead) {}

    /** One row of {@code policies}; {@code definition} as the broker printed it. */
    record Policy(String vhost, String name, String pattern, Object definition, Object priority, String applyTo) {}

    private static final Map<String, String> DIGESTS = Map.of(
            "rabbit_password_hashing_sha256", "SHA-256",
            "rabbit_password_hashing_sha512", "SHA-512",
            "rabbit_password_hashing_md5", "MD5");

    private final List<String> vhosts;
    private final Map<String, User> users;
    private final List<Permission> permissions;
    private final List<Policy> policies;

    private Definitions(List<String> vhosts, Map<String, User> users, List<Permission> permissions, List<Policy> policies) {
        this.vhosts = vhosts;
        this.users = users;
        this.permissions = permissions;
        this.policies = policies;
    }

    /** Reads what {@code export_definitions} printed; a shape it does not know is an error naming the part, never quoting the text. */
    static Definitions parse(String json) {
        Object doc;
        try {
            doc = Rabbitmqctl.json(json.strip());
        } catch (IllegalArgumentException e) {
            // The text holds password hashes: the message names the problem only (a parser's message can quote a token).
            throw new HostException("rabbitmqctl export_definitions printed something that is not one JSON document ("
                    + json.strip().length() + " characters)");
        }
        if (!(doc instanceof Map<?, ?> m)) throw new HostException("rabbitmqctl export_definitions: expected a JSON object");
        List<String> vhosts = new ArrayList<>();
        for (Map<?, ?> v : list(m, "vhosts")) vhosts.add(text(v, "vhosts", "name"));
        Map<String, User> users = new LinkedHashMap<>();
        for (Map<?, ?> u : list(m, "users")) {
            String name = text(u, "users", "name");
            Object hash = u.get("password_hash");
            Object algorithm = u.get("hashing_algorithm");
            users.put(name, new User(name, tags(u.get("tags")), hash == null ? "" : String.valueOf(hash),
                    algorithm == null ? "" : String.valueOf(algorithm)));
        }
        List<Permission> permissions = new ArrayList<>();
        for (Map<?, ?> p : list(m, "permissions")) {
            permissions.add(new Permission(text(p, "permissions", "user"), text(p, "permissions", "vhost"),
                    List.of(text(p, "permissions", "configure"), text(p, "permissions", "write"), text(p, "permissions", "read"))));
        }
        List<Policy> policies = new ArrayList<>();
        for (Map<?, ?> p : list(m, "policies")) {
            policies.add(new Policy(text(p, "policies", "vhost"), text(p, "policies", "name"), text(p, "policies", "pattern"),
                    p.get("definition"), p.get("priority"), text(p, "policies", "apply-to")));
        }
        return new Definitions(List.copyOf(vhosts), users, List.copyOf(permissions), List.copyOf(policies));
    }

    boolean hasVhost(String name) {
        return vhosts.contains(name);
    }

    Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** The user's permissions by vhost: [configure, write, read]. */
    Map<String, List<String>> permissionsOf(String user) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Permission p : permissions) {
            if (p.user().equals(user)) out.put(p.vhost(), p.configureWriteRead());
        }
        return out;
    }

    Optional<Policy> policy(String vhost, String name) {
        return policies.stream().filter(p -> p.vhost().equals(vhost) && p.name().equals(name)).findFirst();
    }

    /**
     * Whether {@code password} is the user's password, by its stored hash; empty when the hash is
     * of a kind this class does not know (then only the broker can tell: {@code authenticate_user}).
     */
    static Optional<Boolean> passwordMatches(User user, String password) {
        if (user.hash().isEmpty()) return Optional.of(false);
        String digest = DIGESTS.get(user.algorithm());
        if (digest == null) return Optional.empty();
        byte[] stored;
        try {
            stored = Base64.getDecoder().decode(user.hash());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (stored.length <= 4) return Optional.empty();
        byte[] salt = Arrays.copyOf(stored, 4);
        return Optional.of(MessageDigest.isEqual(stored, hash(digest, salt, password)));
    }

    /** salt followed by digest(salt ++ password), as rabbit_password makes it. */
    static byte[] hash(String digest, byte[] salt, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance(digest);
            md.update(salt);
            md.update(password.getBytes(StandardCharsets.UTF_8));
            byte[] d = md.digest();
            byte[] out = Arrays.copyOf(salt, salt.length + d.length);
            System.arraycopy(d, 0, out, salt.length, d.length);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + digest, e);
        }
    }

    private static List<Map<?, ?>> list(Map<?, ?> doc, String key) {
        Object v = doc.get(key);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw new HostException("rabbitmqctl export_definitions: '" + key + "' is not a JSON array");
        List<Map<?, ?>> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Map<?, ?> row)) throw new HostException("rabbitmqctl export_definitions: an entry of '" + key + "' is not a JSON object");
            out.add(row);
        }
        return out;
    }

    private static String text(Map<?, ?> row, String part, String key) {
        Object v = row.get(key);
        if (v == null) throw new HostException("rabbitmqctl export_definitions: an entry of '" + part + "' has no '" + key + "'");
        return String.valueOf(v);
    }

    /** Tags as a JSON array (3.9 and later) or as one comma-separated text (older brokers). */
    private static TreeSet<String> tags(Object tags) {
        TreeSet<String> out = new TreeSet<>();
        if (tags instanceof List<?> l) {
            l.forEach(t -> out.add(String.valueOf(t)));
        } else if (tags != null) {
            for (String t : String.valueOf(tags).split(",")) {
                if (!t.isBlank()) out.add(t.strip());
            }
        }
        return out;
    }
}
