package io.jstate.states.kinds.file;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.engine.UsesTemplates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * file.managed: a regular file with the content of a state-tree template (or inline text), and
 * optionally a mode, owner and group.
 */
public final class FileManaged implements State<FileManaged.Spec> {

    @StateDoc(summary = "A regular file has the content of a state-tree template (or inline text), and optionally a mode, owner and group. A symlink at the path is followed, so the file it points to is written.",
            example = """
                galera-cnf:
                  file.managed:
                    - name: /etc/mysql/mariadb.conf.d/60-galera.cnf
                    - source: galera/galera.cnf.mustache
                    - context: {cluster_name: openstack}
                    - mode: "0640"
                    - group: mysql
                """)
    public record Spec(
            @ArgDoc("the file, an absolute path") String name,
            @ArgDoc("a file of the state tree (a path from its root, `jstate://` allowed), rendered as Mustache unless `template` is none; exactly one of `source` and `contents`") String source,
            @ArgDoc("inline text, written as is (a final newline is added when missing, as Salt does); exactly one of `source` and `contents`") String contents,
            @ArgDoc("extra values for the template beyond `grains`, `pillar`, `peers` and `minion`") Map<String, Object> context,
            @ArgDoc("`mustache`, or `none` (also `false`) to copy the source unrendered") String template,
            @ArgDoc("octal permission bits, quoted (`\"0640\"`); not managed when not given") String mode,
            @ArgDoc("owner; not managed when not given") String user,
            @ArgDoc("group; not managed when not given") String group,
            @ArgDoc("create missing parent directories (owned like the file, with `dir_mode`)") boolean makedirs,
            @ArgDoc("mode of the parent directories `makedirs` creates") String dirMode,
            @ArgDoc("false: only create the file when missing, never rewrite its content") Boolean replace,
            @ArgDoc("false: report a content change by its old and new sha256 only, never as a diff (always so when the content involves a secret)") Boolean showChanges)
            implements UsesTemplates {
        public Spec {
            FileTarget.absolute("name", name);
            if ((source == null) == (contents == null)) {
                throw new IllegalArgumentException("file.managed needs exactly one of source (a template of the state tree) or contents (inline text)");
            }
            context = context == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(context));
            template = template == null ? "mustache" : template.trim().toLowerCase();
            template = switch (template) {
                case "mustache", "true" -> "mustache";
                case "none", "false" -> "none";
                default -> throw new IllegalArgumentException("template must be mustache or none, got '" + template + "'");
            };
            Perms.parseMode("mode", mode);
            Perms.parseMode("dir_mode", dirMode);
            replace = replace == null ? Boolean.TRUE : replace;
            showChanges = showChanges == null ? Boolean.TRUE : showChanges;
        }

        @Override
        public List<TemplateUse> templates() {
            return source == null ? List.of() : List.of(new TemplateUse(source, template.equals("mustache"), context));
        }

        Path path() {
            return FileTarget.absolute("name", name);
        }

        Perms perms() {
            return Perms.of(mode, user, group);
        }
    }

    private final Env env;

    public FileManaged(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        FileTarget file = FileTarget.observe(env.host(), spec.path());
        byte[] wanted = wanted(spec, file);
        // A template that read a secret may put it anywhere, transformed or not, and the secret it
        // replaces is unknown to this run: its file is shown by checksums alone.
        boolean readsSecret = spec.source() != null && spec.template().equals("mustache")
                && env.templates().readsSecret(spec.source(), spec.context());
        return new Drift(file.drift(wanted, spec.perms(), spec.showChanges() && !readsSecret, env.templates().secrets()));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        FileTarget file = FileTarget.observe(env.host(), spec.path());
        Perms perms = spec.perms();
        file.converge(env.host(), wanted(spec, file), perms, spec.makedirs(), FileTarget.dirPerms(spec.dirMode(), perms));
        return Applied.NONE;
    }

    /** The content the file should have, or null when an existing file's content is left alone. */
    private byte[] wanted(Spec spec, FileTarget file) {
        if (file.exists() && !spec.replace()) return null;
        if (spec.contents() != null) {
            String c = spec.contents();
            if (!c.isEmpty() && !c.endsWith("\n")) c += "\n";
            return c.getBytes(StandardCharsets.UTF_8);
        }
        if (!env.templates().exists(spec.source())) {
            throw new IllegalStateException("source '" + spec.source() + "' is not a file of the state tree; check its path "
                    + "relative to the tree's root");
        }
        if (spec.template().equals("none")) return env.templates().raw(spec.source());
        return env.templates().render(spec.source(), spec.context()).getBytes(StandardCharsets.UTF_8);
    }
}
