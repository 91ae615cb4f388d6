package io.jstate.states.kinds.file;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * file.symlink: a symbolic link at {@code name} pointing to {@code target} (written as given,
 * relative or absolute). A link pointing elsewhere is replaced, as Salt and Ansible do; a file or
 * directory in the way is replaced only with {@code force}, because that deletes data.
 */
public final class FileSymlink implements State<FileSymlink.Spec> {

    @StateDoc(summary = "A symbolic link at `name` points to `target` (written as given, relative or absolute). A link pointing elsewhere is replaced; a file or directory in the way is replaced only with `force`, because that deletes data.",
            example = """
                haproxy-cfg-link:
                  file.symlink:
                    - name: /etc/haproxy/haproxy.cfg
                    - target: /etc/haproxy/haproxy-openstack.cfg
                """)
    public record Spec(
            @ArgDoc("the link, an absolute path") String name,
            @ArgDoc("what the link points to, written into the link as given") String target,
            @ArgDoc("replace a file or directory that is in the way") boolean force,
            @ArgDoc("create the link's missing parent directories") boolean makedirs) {
        public Spec {
            FileTarget.absolute("name", name);
            if (target == null || target.isBlank()) throw new IllegalArgumentException("target is required: the path the link points to");
        }

        Path path() {
            return FileTarget.absolute("name", name);
        }
    }

    private final Env env;

    public FileSymlink(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Optional<FileInfo> info = env.host().stat(spec.path());
        List<Change> changes = new ArrayList<>();
        if (info.isEmpty()) {
            changes.add(Change.of("target", null, spec.target()));
        } else if (info.get().isSymlink()) {
            if (!Path.of(info.get().linkTarget()).equals(Path.of(spec.target()))) {
                changes.add(Change.of("target", info.get().linkTarget(), spec.target()));
            }
        } else {
            String what = info.get().isDirectory() ? "directory" : info.get().isFile() ? "file" : "special file";
            if (!spec.force()) {
                throw new IllegalStateException(spec.path() + " is a " + what + ", not a symlink; set force: true to replace it");
            }
            changes.add(Change.of("replaced", what, null));
            changes.add(Change.of("target", null, spec.target()));
        }
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        Host host = env.host();
        Path link = spec.path();
        Optional<FileInfo> info = host.stat(link);
        if (info.isPresent()) {
            if (!info.get().isSymlink() && !spec.force()) {
                throw new IllegalStateException(link + " is not a symlink; set force: true to replace it");
            }
            host.delete(link);
        } else {
            Path parent = link.getParent();
            if (parent != null && !host.exists(parent)) {
                if (!spec.makedirs()) {
                    throw new IllegalStateException("directory " + parent + " does not exist; create it first or set makedirs: true");
                }
                host.mkdirs(parent, FileAttrs.DEFAULT);
            }
        }
        host.symlink(link, Path.of(spec.target()));
        return Applied.NONE;
    }
}
