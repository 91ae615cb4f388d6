package io.jstate.states.kinds.file;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * file.directory: a directory with optionally a mode, owner and group. A symlink to a directory
 * is accepted and the directory it points to is managed, as Salt's allow_symlink does.
 */
public final class FileDirectory implements State<FileDirectory.Spec> {

    @StateDoc(summary = "A directory exists, optionally with a mode, owner and group. A symlink to a directory is accepted and the directory it points to is managed, as Salt's `allow_symlink` does.",
            example = """
                nova-state-dir:
                  file.directory:
                    - name: /var/lib/nova/instances
                    - user: nova
                    - group: nova
                    - mode: "0750"
                """)
    public record Spec(
            @ArgDoc("the directory, an absolute path") String name,
            @ArgDoc("owner; not managed when not given") String user,
            @ArgDoc("group; not managed when not given") String group,
            @ArgDoc("octal permission bits, quoted (`\"0750\"`); not managed when not given") String mode,
            @ArgDoc("create missing parents too, with the same attributes") Boolean makedirs) {
        public Spec {
            FileTarget.absolute("name", name);
            Perms.parseMode("mode", mode);
            makedirs = makedirs == null ? Boolean.TRUE : makedirs;
        }

        Path path() {
            return FileTarget.absolute("name", name);
        }

        Perms perms() {
            return Perms.of(mode, user, group);
        }
    }

    private final Env env;

    public FileDirectory(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Path dir = FileTarget.follow(env.host(), spec.path());
        Optional<FileInfo> info = observe(env.host(), dir);
        List<Change> changes = new ArrayList<>();
        if (info.isEmpty()) changes.add(Change.of("created", null, spec.path()));
        changes.addAll(spec.perms().drift(info.orElse(null)));
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        Host host = env.host();
        Path dir = FileTarget.follow(host, spec.path());
        Optional<FileInfo> info = observe(host, dir);
        if (info.isPresent()) {
            spec.perms().fix(host, dir, info.get());
            return Applied.NONE;
        }
        Path parent = dir.getParent();
        if (!spec.makedirs() && parent != null && !host.exists(parent)) {
            throw new IllegalStateException("directory " + parent + " does not exist; create it first or set makedirs: true");
        }
        host.mkdirs(dir, spec.perms().attrs());
        return Applied.NONE;
    }

    private static Optional<FileInfo> observe(Host host, Path dir) {
        Optional<FileInfo> info = host.stat(dir);
        if (info.isPresent() && !info.get().isDirectory()) {
            throw new IllegalStateException(dir + " exists and is not a directory; remove it first (file.absent) or choose another name");
        }
        return info;
    }
}
