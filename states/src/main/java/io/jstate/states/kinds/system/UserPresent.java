package io.jstate.states.kinds.system;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code user.present}: the account exists with the given attributes. {@code groups} adds the
 * user to those groups and leaves other memberships alone, since packages add their own.
 */
public final class UserPresent implements State<UserPresent.Spec> {

    @StateDoc(summary = "The account exists with the given attributes. `groups` adds the user to those groups and leaves other memberships alone, since packages add their own.",
            example = """
                nova-user:
                  user.present:
                    - name: nova
                    - system: true
                    - home: /var/lib/nova
                    - shell: /usr/sbin/nologin
                    - groups: [libvirt]
                """)
    public record Spec(
            @ArgDoc("the user") String name,
            @ArgDoc("numeric id; the system chooses when not given") Integer uid,
            @ArgDoc("primary group, by name or number") String gid,
            @ArgDoc("the same as `gid`, for those who write a name; give one of the two") String group,
            @ArgDoc("supplementary groups the user must belong to") List<String> groups,
            @ArgDoc("home directory, an absolute path") String home,
            @ArgDoc("login shell") String shell,
            @ArgDoc("make a system account when creating it") boolean system,
            @ArgDoc("create the home directory when creating the account") Boolean createhome) {
        public Spec {
            validName(name, "user");
            if (uid != null && uid < 0) throw new IllegalArgumentException("uid must not be negative");
            if (gid != null && group != null && !gid.equals(group)) {
                throw new IllegalArgumentException("gid and group both name the primary group; give one");
            }
            String primary = gid != null ? gid : group;
            if (primary != null && !Getent.isNumber(primary)) validName(primary, "group");
            groups = groups == null ? List.of() : List.copyOf(groups);
            for (String g : groups) validName(g, "group");
            if (home != null && !home.startsWith("/")) throw new IllegalArgumentException("home must be an absolute path: " + home);
            createhome = createhome == null ? Boolean.TRUE : createhome;
        }

        /** The primary group as given, by whichever argument. */
        public String primaryGroup() {
            return gid != null ? gid : group;
        }
    }

    private final Env env;

    public UserPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Optional<List<String>> entry = Getent.lookup(env.host(), "passwd", spec.name());
        List<Change> changes = new ArrayList<>();
        if (entry.isEmpty()) {
            changes.add(Change.of("user", null, spec.name()));
            if (spec.uid() != null) changes.add(Change.of("uid", null, spec.uid()));
            if (spec.primaryGroup() != null) changes.add(Change.of("gid", null, spec.primaryGroup()));
            if (!spec.groups().isEmpty()) changes.add(Change.of("groups", null, String.join(",", spec.groups())));
            if (spec.home() != null) changes.add(Change.of("home", null, spec.home()));
            if (spec.shell() != null) changes.add(Change.of("shell", null, spec.shell()));
            return new Drift(changes);
        }
        List<String> pw = entry.get();
        if (spec.uid() != null && !pw.get(2).equals(String.valueOf(spec.uid()))) {
            changes.add(Change.of("uid", pw.get(2), spec.uid()));
        }
        if (spec.primaryGroup() != null && !pw.get(3).equals(gidOf(spec.primaryGroup()))) {
            changes.add(Change.of("gid", pw.get(3), spec.primaryGroup()));
        }
        if (!spec.groups().isEmpty()) {
            Set<String> current = memberOf(spec.name());
            if (!current.containsAll(spec.groups())) {
                Set<String> wanted = new LinkedHashSet<>(current);
                wanted.addAll(spec.groups());
                changes.add(Change.of("groups", String.join(",", current), String.join(",", wanted)));
            }
        }
        if (spec.home() != null && !pw.get(5).equals(spec.home())) changes.add(Change.of("home", pw.get(5), spec.home()));
        if (spec.shell() != null && !pw.get(6).equals(spec.shell())) changes.add(Change.of("shell", pw.get(6), spec.shell()));
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        List<String> argv = new ArrayList<>();
        boolean create = drift.has("user");
        if (create) {
            argv.add("useradd");
            if (spec.system()) argv.add("-r");
        } else {
            argv.add("usermod");
        }
        if (drift.has("uid")) argv.addAll(List.of("-u", String.valueOf(spec.uid())));
        if (drift.has("gid")) argv.addAll(List.of("-g", spec.primaryGroup()));
        if (drift.has("groups")) {
            if (!create) argv.add("-a");
            argv.addAll(List.of("-G", String.join(",", spec.groups())));
        }
        if (drift.has("home")) argv.addAll(List.of("-d", spec.home()));
        if (create) argv.add(spec.createhome() ? "-m" : "-M");
        if (drift.has("shell")) argv.addAll(List.of("-s", spec.shell()));
        if (argv.size() == 1) return Applied.NONE;
        argv.add(spec.name());
        Exec exec = Exec.change(argv);
        env.host().run(exec).orThrow(exec);
        return Applied.NONE;
    }

    /** The number of a group given by name or number; the name itself when no such group exists yet. */
    private String gidOf(String group) {
        if (Getent.isNumber(group)) return group;
        return Getent.lookup(env.host(), "group", group).map(g -> g.get(2)).orElse(group);
    }

    private Set<String> memberOf(String user) {
        Exec exec = Exec.query("id", "-nG", user);
        ExecResult r = env.host().run(exec).orThrow(exec);
        return new LinkedHashSet<>(Arrays.asList(r.stdout().strip().split("\\s+")));
    }

    /** User and group names as useradd accepts them (and nothing that could be an option or a path). */
    static void validName(String name, String what) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name (the " + what + ") is required");
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*\\$?") || name.length() > 32) {
            throw new IllegalArgumentException("'" + name + "' is not a valid " + what + " name");
        }
    }
}
