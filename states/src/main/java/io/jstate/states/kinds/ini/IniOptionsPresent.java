package io.jstate.states.kinds.ini;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.kinds.file.FileTarget;
import io.jstate.states.kinds.file.Perms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ini.options_present: the given keys hold the given values in an INI file, everything else in
 * the file left as it is. Sections are taken literally (OpenStack's {@code [DEFAULT]} is a section
 * like any other); keys before the first header are section "". A list value writes a repeated
 * key (oslo.config multi-valued options); a null value writes a bare key ({@code skip-name-resolve}).
 * A section given with no keys is only made to exist.
 */
public final class IniOptionsPresent implements State<IniOptionsPresent.Spec> {

    @StateDoc(summary = "The given keys hold the given values in an INI file; everything else in the file stays byte for byte. A list value writes a repeated key (oslo.config multi-valued options), a null value a bare key (`skip-name-resolve`), and a section given with no keys is only made to exist.",
            example = """
                nova-conf:
                  ini.options_present:
                    - name: /etc/nova/nova.conf
                    - sections:
                        DEFAULT: {transport_url: "rabbit://nova:secret@ctl1:5672/"}
                        database: {connection: "mysql+pymysql://nova:secret@10.0.0.10/nova"}
                    - group: nova
                    - mode: "0640"
                """)
    public record Spec(
            @ArgDoc("the INI file, an absolute path; created when missing") String name,
            @ArgDoc("section -> {key: value}; sections are taken literally (`DEFAULT` is a section like any other), keys before the first header are section `\"\"`") Map<String, Map<String, Object>> sections,
            @ArgDoc("written between key and value on new lines; a changed line keeps its own spacing") String separator,
            @ArgDoc("create the file's missing parent directories") boolean makedirs,
            @ArgDoc("octal permission bits of the file, quoted; not managed when not given") String mode,
            @ArgDoc("owner; not managed when not given") String user,
            @ArgDoc("group; not managed when not given") String group,
            @ArgDoc("false: report changed options by name only and a content change by its old and new sha256, never as a diff") Boolean showChanges) {
        public Spec {
            FileTarget.absolute("name", name);
            if (sections == null || sections.isEmpty()) {
                throw new IllegalArgumentException("sections is required: a mapping of section to {key: value}");
            }
            Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, Object>> s : sections.entrySet()) {
                IniNames.requireSection(s.getKey());
                Map<String, Object> keys = new LinkedHashMap<>();
                if (s.getValue() != null) {
                    for (Map.Entry<String, Object> k : s.getValue().entrySet()) {
                        IniNames.requireKey(s.getKey(), k.getKey());
                        if (k.getValue() instanceof Map) {
                            throw new IllegalArgumentException("sections." + s.getKey() + "." + k.getKey() + " must be a value or a list of values, not a mapping");
                        }
                        keys.put(k.getKey(), k.getValue());
                    }
                }
                copy.put(s.getKey(), Collections.unmodifiableMap(keys));
            }
            sections = Collections.unmodifiableMap(copy);
            separator = separator == null ? " = " : separator;
            if (!separator.strip().equals("=") && !separator.strip().equals(":")) {
                throw new IllegalArgumentException("separator must be '=' or ':' with optional spaces, got '" + separator + "'");
            }
            Perms.parseMode("mode", mode);
            showChanges = showChanges == null ? Boolean.TRUE : showChanges;
        }

        Path path() {
            return FileTarget.absolute("name", name);
        }

        Perms perms() {
            return Perms.of(mode, user, group);
        }
    }

    private final Env env;

    public IniOptionsPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        FileTarget file = FileTarget.observe(env.host(), spec.path());
        IniFile ini = IniFile.parse(IniNames.text(file));
        List<Change> changes = IniNames.shown(edit(ini, spec), spec.showChanges(), env.templates().secrets());
        changes.addAll(file.drift(ini.render().getBytes(StandardCharsets.UTF_8), spec.perms(), spec.showChanges(), env.templates().secrets()));
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        FileTarget file = FileTarget.observe(env.host(), spec.path());
        IniFile ini = IniFile.parse(IniNames.text(file));
        edit(ini, spec);
        file.converge(env.host(), ini.render().getBytes(StandardCharsets.UTF_8), spec.perms(), spec.makedirs(),
                FileTarget.dirPerms(null, spec.perms()));
        return Applied.NONE;
    }

    /** Applies the spec to the parsed file; returns one change per key that differed. */
    private static List<Change> edit(IniFile ini, Spec spec) {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> s : spec.sections().entrySet()) {
            String section = s.getKey();
            if (!ini.hasSection(section)) {
                ini.ensureSection(section);
                if (s.getValue().isEmpty()) changes.add(Change.of("[" + section + "]", null, "present"));
            }
            for (Map.Entry<String, Object> k : s.getValue().entrySet()) {
                List<String> wanted = wanted(k.getValue());
                List<String> before = ini.values(section, k.getKey());
                if (before.equals(wanted)) continue;
                ini.set(section, k.getKey(), wanted, spec.separator());
                changes.add(Change.of(IniNames.label(section, k.getKey()), IniNames.display(before), IniNames.display(wanted)));
            }
        }
        return changes;
    }

    private static List<String> wanted(Object value) {
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object v : list) out.add(IniFile.normalize(v == null ? null : String.valueOf(v)));
            return out;
        }
        return Collections.singletonList(IniFile.normalize(value == null ? null : String.valueOf(value)));
    }
}
