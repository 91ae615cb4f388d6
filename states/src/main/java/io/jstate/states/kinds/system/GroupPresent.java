package io.jstate.states.kinds.system;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.Exec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code group.present}: the group exists, with the given gid. */
public final class GroupPresent implements State<GroupPresent.Spec> {

    @StateDoc(summary = "The group exists, with the given gid.",
            example = """
                haclient:
                  group.present:
                    - gid: 189
                    - system: true
                """)
    public record Spec(
            @ArgDoc("the group") String name,
            @ArgDoc("its numeric id; the system chooses when not given") Integer gid,
            @ArgDoc("make it a system group (a gid from the system range) when creating it") boolean system) {
        public Spec {
            UserPresent.validName(name, "group");
            if (gid != null && gid < 0) throw new IllegalArgumentException("gid must not be negative");
        }
    }

    private final Env env;

    public GroupPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Optional<List<String>> entry = Getent.lookup(env.host(), "group", spec.name());
        List<Change> changes = new ArrayList<>();
        if (entry.isEmpty()) {
            changes.add(Change.of("group", null, spec.name()));
            if (spec.gid() != null) changes.add(Change.of("gid", null, spec.gid()));
        } else if (spec.gid() != null && !entry.get().get(2).equals(String.valueOf(spec.gid()))) {
            changes.add(Change.of("gid", entry.get().get(2), spec.gid()));
        }
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        List<String> argv = new ArrayList<>();
        if (drift.has("group")) {
            argv.add("groupadd");
            if (spec.system()) argv.add("-r");
            if (spec.gid() != null) argv.addAll(List.of("-g", String.valueOf(spec.gid())));
        } else if (drift.has("gid")) {
            argv.addAll(List.of("groupmod", "-g", String.valueOf(spec.gid())));
        } else {
            return Applied.NONE;
        }
        argv.add(spec.name());
        Exec exec = Exec.change(argv);
        env.host().run(exec).orThrow(exec);
        return Applied.NONE;
    }
}
