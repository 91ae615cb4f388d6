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
 * ini.options_absent: the given keys (every repetition) or whole sections are gone from an INI
 * file; the rest stays byte for byte. A missing file has nothing to remove.
 */
public final class IniOptionsAbsent implements State<IniOptionsAbsent.Spec> {

    @StateDoc(summary = "The given keys (every repetition) or whole sections are gone from an INI file; the rest stays byte for byte. A missing file has nothing to remove.",
            example = """
                swift-no-s3:
                  ini.options_absent:
                    - name: /etc/swift/proxy-server.conf
                    - sections:
                        "filter:s3token":
                        DEFAULT: [log_statsd_host]
                """)
    public record Spec(
            @ArgDoc("the INI file, an absolute path") String name,
            @ArgDoc("section -> keys to remove; a section with no list is removed whole") Map<String, List<String>> sections,
            @ArgDoc("false: report removed options by name only and a content change by its old and new sha256, never as a diff") Boolean showChanges) {
        public Spec {
            FileTarget.absolute("name", name);
            if (sections == null || sections.isEmpty()) {
                throw new IllegalArgumentException("sections is required: a mapping of section to the keys to remove (none: the whole section)");
            }
            Map<String, List<String>> copy = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> s : sections.entrySet()) {
                IniNames.requireSection(s.getKey());
                if (s.getValue() == null || s.getValue().isEmpty()) {
                    if (s.getKey().isEmpty()) {
                        throw new IllegalArgumentException("section \"\" (keys before the first header) cannot be removed whole; list its keys");
                    }
                    copy.put(s.getKey(), List.of());
                } else {
                    for (String k : s.getValue()) IniNames.requireKey(s.getKey(), k);
                    copy.put(s.getKey(), List.copyOf(s.getValue()));
                }
            }
            sections = Collections.unmodifiableMap(copy);
            showChanges = showChanges == null ? Boolean.TRUE : showChanges;
        }

        Path path() {
            return FileTarget.absolute("name", name);
        }
    }

    private final Env env;

    public IniOptionsAbsent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        FileTarget file = FileTarget.observe(env.host(), spec.path());
        if (!file.exists()) return Drift.NONE;
        IniFile ini = IniFile.parse(IniNames.text(file));
        List<Change> changes = IniNames.shown(edit(ini, spec), spec.showChanges(), env.templates().secrets());
        if (changes.isEmpty()) return Drift.NONE;
        changes.addAll(file.drift(ini.render().getBytes(StandardCharsets.UTF_8), Perms.UNMANAGED, spec.showChanges(), env.templates().secrets()));
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        FileTarget file = FileTarget.observe(env.host(), spec.path());
        if (!file.exists()) return Applied.NONE;
        IniFile ini = IniFile.parse(IniNames.text(file));
        if (edit(ini, spec).isEmpty()) return Applied.NONE;
        file.converge(env.host(), ini.render().getBytes(StandardCharsets.UTF_8), Perms.UNMANAGED, false, Perms.UNMANAGED);
        return Applied.NONE;
    }

    private static List<Change> edit(IniFile ini, Spec spec) {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, List<String>> s : spec.sections().entrySet()) {
            String section = s.getKey();
            if (s.getValue().isEmpty()) {
                int keys = ini.removeSection(section);
                if (keys >= 0) changes.add(Change.of("[" + section + "]", keys == 1 ? "1 option" : keys + " options", null));
                continue;
            }
            for (String key : s.getValue()) {
                List<String> removed = ini.remove(section, key);
                if (!removed.isEmpty()) changes.add(Change.of(IniNames.label(section, key), IniNames.display(removed), null));
            }
        }
        return changes;
    }
}
