package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.HostException;
import io.jstate.states.kinds.rabbitmq.Rabbitmqctl.Call;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code rabbitmq_user.present}: a user exists with its password, tags and permissions.
 *
 * <p>The password is enforced on every run: the hash the broker stores proves it still matches
 * (as the broker checks it at login; {@code authenticate_user} for a hash of a kind only the broker
 * knows), so a password changed behind jstate's back is put back. The check shares the run's one
 * {@code export_definitions} with the vhost, permission and policy checks ({@link Definitions}).
 * The password travels to rabbitmqctl on standard input only (rabbitmqctl 3.10 reads it from there
 * when the argument is left out), and a change to it is reported as "changed", never with the value.
 */
public final class RabbitmqUserPresent implements State<RabbitmqUserPresent.Spec> {

    @StateDoc(summary = "A RabbitMQ user exists with the given password, tags and per-vhost permissions. A password that no longer matches (checked against the hash the broker stores, as RabbitMQ checks it at login) is put back; it travels to rabbitmqctl on standard input only, and a change to it is reported as \"changed\", never with the value.",
            example = """
                openstack-vhost:
                  rabbitmq_vhost.present:
                    - name: openstack

                openstack-rabbit-user:
                  rabbitmq_user.present:
                    - name: openstack
                    - password: secret
                    - perms:
                      - openstack: [".*", ".*", ".*"]
                    - require:
                      - rabbitmq_vhost: openstack-vhost
                """)
    public record Spec(
            @ArgDoc("the user") String name,
            @ArgDoc("the password; not given leaves the password alone (a new user then gets none and cannot log in with one, as with Salt)") String password,
            @ArgDoc("the user's tags, compared as a set; not given leaves them alone") List<String> tags,
            @ArgDoc("permissions per vhost, Salt's shape: `[{openstack: [\".*\", \".*\", \".*\"]}]` (configure, write, read); vhosts not listed are left alone") List<Map<String, List<String>>> perms,
            @ArgDoc("the node rabbitmqctl talks to (`-n`); rabbitmqctl's default when not given") String node) {
        public Spec {
            Rabbitmqctl.required("name", name);
            if (password != null) checkPassword(password);
            if (tags != null) {
                for (String t : tags) Rabbitmqctl.required("every tag", t);
                tags = List.copyOf(tags);
            }
            perms = perms == null ? List.of() : List.copyOf(perms);
            permsByVhost(perms);
            node = Rabbitmqctl.node(node);
        }

        @Override
        public String toString() {
            // The record's default toString would print the password into any log of the spec.
            return "Spec[name=" + name + ", password=" + (password == null ? "null" : "(secret)") + ", tags=" + tags
                    + ", perms=" + perms + ", node=" + node + "]";
        }

        /** The wanted permissions, vhost by vhost, in the order given. */
        Map<String, List<String>> permissions() {
            return permsByVhost(perms);
        }

        private static void checkPassword(String password) {
            // rabbitmqctl reads one line from stdin and trims it: such a password would silently be
            // stored as something else, and then never match on the next run.
            if (password.isEmpty() || !password.strip().equals(password)) {
                throw new IllegalArgumentException("password must not be empty or start or end with whitespace "
                        + "(rabbitmqctl trims the password it reads)");
            }
            if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("password must be a single line");
            }
        }

        private static Map<String, List<String>> permsByVhost(List<Map<String, List<String>>> perms) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (Map<String, List<String>> m : perms) {
                if (m == null) throw new IllegalArgumentException("perms entries must be mappings of vhost to [configure, write, read]");
                m.forEach((vhost, p) -> {
                    if (p == null || p.size() != 3 || p.stream().anyMatch(Objects::isNull)) {
                        throw new IllegalArgumentException("perms for vhost '" + vhost
                                + "' must be three patterns [configure, write, read], got " + p);
                    }
                    if (out.put(vhost, List.copyOf(p)) != null) {
                        throw new IllegalArgumentException("perms name vhost '" + vhost + "' twice");
                    }
                });
            }
            return Collections.unmodifiableMap(out);
        }
    }

    private final Env env;

    public RabbitmqUserPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Rabbitmqctl ctl = Rabbitmqctl.of(env, spec.node());
        Definitions defs = ctl.definitions();
        Optional<Definitions.User> user = defs.user(spec.name());
        List<Change> changes = new ArrayList<>();
        if (user.isEmpty()) {
            changes.add(Change.of("user", null, spec.name()));
            if (spec.tags() != null && !spec.tags().isEmpty()) changes.add(Change.of("tags", "[]", sorted(spec.tags())));
            spec.permissions().forEach((vhost, p) -> changes.add(Change.of(permsAttribute(vhost), null, p)));
            return new Drift(changes);
        }
        if (spec.password() != null && !passwordMatches(ctl, user.get(), spec)) {
            changes.add(Change.of("password", null, "changed"));
        }
        if (spec.tags() != null) {
            TreeSet<String> have = user.get().tags();
            TreeSet<String> want = sorted(spec.tags());
            if (!have.equals(want)) changes.add(Change.of("tags", have, want));
        }
        if (!spec.permissions().isEmpty()) {
            Map<String, List<String>> have = defs.permissionsOf(spec.name());
            spec.permissions().forEach((vhost, want) -> {
                List<String> h = have.get(vhost);
                if (!want.equals(h)) changes.add(Change.of(permsAttribute(vhost), h, want));
            });
        }
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        Rabbitmqctl ctl = Rabbitmqctl.of(env, spec.node());
        if (drift.has("user")) {
            // Without a password the user is created with a blank one, which RabbitMQ's internal
            // backend refuses at login: the user exists but cannot log in with a password.
            ctl.change(spec.password() == null ? Call.of("add_user", spec.name(), "")
                    : Call.of("add_user", spec.name()).stdin(spec.password()));
        } else if (drift.has("password")) {
            ctl.change(Call.of("change_password", spec.name()).stdin(spec.password()));
        }
        if (drift.has("tags")) {
            List<String> args = new ArrayList<>();
            args.add(spec.name());
            args.addAll(sorted(spec.tags()));
            ctl.change(Call.of("set_user_tags", args.toArray(String[]::new)));
        }
        spec.permissions().forEach((vhost, p) -> {
            if (drift.has(permsAttribute(vhost))) {
                ctl.change(Call.of("set_permissions", spec.name(), p.get(0), p.get(1), p.get(2)).options("-p", vhost));
            }
        });
        return Applied.NONE;
    }

    static String permsAttribute(String vhost) {
        return "perms:" + vhost;
    }

    /** By the stored hash; by {@code authenticate_user} when the hash is of a kind only the broker knows. */
    private static boolean passwordMatches(Rabbitmqctl ctl, Definitions.User user, Spec spec) {
        Optional<Boolean> byHash = Definitions.passwordMatches(user, spec.password());
        if (byHash.isPresent()) return byHash.get();
        ExecResult r = ctl.query(Call.of("authenticate_user", spec.name()).stdin(spec.password()));
        if (r.succeeded()) return true;
        if (r.exitCode() == Rabbitmqctl.EX_DATAERR && !r.timedOut()) return false;
        // The node is down, the cookie is wrong...: not a password mismatch, and not drift.
        throw new HostException("rabbitmqctl authenticate_user " + spec.name() + " exited " + r.exitCode() + ": "
                + Rabbitmqctl.output(r).strip());
    }

    private static TreeSet<String> sorted(List<String> tags) {
        return new TreeSet<>(tags);
    }
}
