package io.jstate.states.kinds.file;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.FileInfo;
import java.nio.file.Path;
import java.util.Optional;

/** file.absent: nothing at the path; a file, a symlink (not what it points to) or a whole directory tree is removed. */
public final class FileAbsent implements State<FileAbsent.Spec> {

    @StateDoc(summary = "Nothing is at the path: a file, a symlink (not what it points to) or a whole directory tree is removed. `/` is refused.",
            example = """
                no-default-site:
                  file.absent:
                    - name: /etc/nginx/sites-enabled/default
                """)
    public record Spec(
            @ArgDoc("the path, absolute") String name) {
        public Spec {
            Path p = FileTarget.absolute("name", name);
            if (p.getNameCount() == 0) throw new IllegalArgumentException("refusing to make / absent");
        }

        Path path() {
            return FileTarget.absolute("name", name);
        }
    }

    private final Env env;

    public FileAbsent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Optional<FileInfo> info = env.host().stat(spec.path());
        if (info.isEmpty()) return Drift.NONE;
        return Drift.of(Change.of("removed", describe(info.get()), null));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        env.host().delete(spec.path());
        return Applied.NONE;
    }

    private static String describe(FileInfo info) {
        return switch (info.type()) {
            case FILE -> "file";
            case DIRECTORY -> "directory";
            case SYMLINK -> "symlink to " + info.linkTarget();
            case OTHER -> "special file";
        };
    }
}
