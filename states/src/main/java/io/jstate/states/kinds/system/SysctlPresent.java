package io.jstate.states.kinds.system;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.Exec;
import io.jstate.states.host.FileAttrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sysctl.present}: a kernel parameter has the value now (sysctl -w) and after a reboot (a
 * line in a sysctl.d file). Values compare with whitespace collapsed, as the kernel prints
 * multi-value parameters with tabs.
 */
public final class SysctlPresent implements State<SysctlPresent.Spec> {

    @StateDoc(summary = "A kernel parameter has the value now (`sysctl -w`) and after a reboot (a line in a sysctl.d file). Values compare with whitespace collapsed, as the kernel prints multi-value parameters with tabs.",
            example = """
                nonlocal-bind:
                  sysctl.present:
                    - name: net.ipv4.ip_nonlocal_bind
                    - value: 1
                """)
    public record Spec(
            @ArgDoc("the parameter, dotted (`net.ipv4.ip_nonlocal_bind`)") String name,
            @ArgDoc("the value") String value,
            @ArgDoc("the file that persists it") String config) {
        public Spec {
            if (name == null || !name.matches("[A-Za-z0-9_][A-Za-z0-9_.*/-]*")) {
                throw new IllegalArgumentException("'" + name + "' is not a sysctl parameter name");
            }
            if (value == null || value.isBlank()) throw new IllegalArgumentException("value is required");
            config = config == null ? "/etc/sysctl.d/99-jstate.conf" : config;
            if (!config.startsWith("/")) throw new IllegalArgumentException("config must be an absolute path: " + config);
        }
    }

    private final Env env;

    public SysctlPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        List<Change> changes = new ArrayList<>();
        Exec read = Exec.query("sysctl", "-n", spec.name());
        String live = env.host().run(read).orThrow(read).stdout();
        if (!norm(live).equals(norm(spec.value()))) changes.add(Change.of("value", norm(live), norm(spec.value())));
        String persisted = persisted(configText(spec), spec.name());
        if (persisted == null || !norm(persisted).equals(norm(spec.value()))) {
            changes.add(Change.of("config", persisted == null ? null : norm(persisted), norm(spec.value())));
        }
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        // The live value first: a parameter the kernel refuses is not written down for the next boot.
        if (drift.has("value")) {
            Exec set = Exec.change("sysctl", "-w", spec.name() + "=" + norm(spec.value()));
            env.host().run(set).orThrow(set);
        }
        if (drift.has("config")) {
            Path config = Path.of(spec.config());
            String text = configText(spec);
            if (text == null) {
                if (!env.host().exists(config.getParent())) env.host().mkdirs(config.getParent(), FileAttrs.mode(0755));
                env.host().write(config, line(spec).getBytes(StandardCharsets.UTF_8), FileAttrs.mode(0644));
            } else {
                env.host().write(config, replaced(text, spec).getBytes(StandardCharsets.UTF_8), FileAttrs.DEFAULT);
            }
        }
        return Applied.NONE;
    }

    private String configText(Spec spec) {
        Path config = Path.of(spec.config());
        return env.host().exists(config) ? env.host().readString(config) : null;
    }

    /** The value a sysctl.d file gives the key; the last assignment wins, as when sysctl reads it. */
    static String persisted(String text, String key) {
        if (text == null) return null;
        String found = null;
        for (String l : text.lines().toList()) {
            String[] kv = assignment(l);
            if (kv != null && kv[0].equals(canonical(key))) found = kv[1];
        }
        return found;
    }

    /** The file with the key's first assignment set to the value and any later ones dropped. */
    static String replaced(String text, Spec spec) {
        StringBuilder sb = new StringBuilder();
        boolean done = false;
        for (String l : text.lines().toList()) {
            String[] kv = assignment(l);
            if (kv != null && kv[0].equals(canonical(spec.name()))) {
                if (!done) sb.append(line(spec));
                done = true;
            } else {
                sb.append(l).append('\n');
            }
        }
        if (!done) sb.append(line(spec));
        return sb.toString();
    }

    private static String[] assignment(String line) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) return null;
        if (l.startsWith("-")) l = l.substring(1);
        int eq = l.indexOf('=');
        if (eq < 0) return null;
        return new String[] {canonical(l.substring(0, eq).strip()), l.substring(eq + 1).strip()};
    }

    /** sysctl accepts "/" as well as "." between the parts of a key. */
    private static String canonical(String key) {
        return key.replace('/', '.');
    }

    private static String line(Spec spec) {
        return spec.name() + " = " + norm(spec.value()) + "\n";
    }

    static String norm(String v) {
        return v.strip().replaceAll("\\s+", " ");
    }
}
