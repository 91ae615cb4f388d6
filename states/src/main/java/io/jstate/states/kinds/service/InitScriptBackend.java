package io.jstate.states.kinds.service;

import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.Host;
import io.jstate.states.host.HostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Services as SysV init scripts in /etc/init.d, for hosts whose PID 1 is not systemd (the lab's
 * namespaces, containers). Boot-time start is the S links of runlevels 2 to 5, kept by update-rc.d.
 */
final class InitScriptBackend implements ServiceBackend {

    static final Path INIT_D = Path.of("/etc/init.d");
    static final List<String> RUNLEVELS = List.of("/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d");

    private final Host host;

    InitScriptBackend(Host host) {
        this.host = host;
    }

    @Override
    public boolean supports(Map<String, Object> grains) {
        return !"systemd".equals(String.valueOf(grains.get("init")));
    }

    /**
     * LSB status codes: 0 running; 1, 2 and 3 stopped (3 cleanly, 1 and 2 with stale pid or lock
     * files). Some scripts have no status action at all (keepalived's answers it with its usage and
     * exit 1, which would read as "stopped" forever); for those, start-stop-daemon asks about the
     * script's own pid file and daemon.
     */
    @Override
    public boolean running(String name) {
        String svc = unit(name);
        if (!host.exists(script(svc))) return false;
        String text = host.readString(script(svc));
        Exec exec = HAS_STATUS.matcher(text).find() ? Exec.query(script(svc).toString(), "status") : daemonStatus(svc, text);
        ExecResult r = host.run(exec);
        // "Unknown" is often a daemon in the middle of its start: keepalived's pid file exists, still
        // empty, for a moment after its start returns, and start-stop-daemon answers 4 for it. So
        // the question is asked again for a short while before the answer counts.
        for (int asked = 1; !r.timedOut() && r.exitCode() == 4 && asked < UNKNOWN_ASKS; asked++) {
            pause();
            r = host.run(exec);
        }
        if (r.timedOut()) r.orThrow(exec);
        return switch (r.exitCode()) {
            case 0 -> true;
            case 1, 2, 3 -> false;
            default -> throw new HostException("cannot tell whether service '" + svc + "' runs: '" + exec.display()
                    + "' exited " + r.exitCode() + " (LSB: status unknown)"
                    + (r.exitCode() == 4 ? ", asked " + UNKNOWN_ASKS + " times over " + UNKNOWN_PAUSE.multipliedBy(UNKNOWN_ASKS - 1).toMillis() / 1000.0 + " s" : "")
                    + tail(r));
        };
    }

    /** How often, and how far apart, an "unknown" status (LSB 4) is asked again before it counts. */
    static final int UNKNOWN_ASKS = 9;
    static final java.time.Duration UNKNOWN_PAUSE = java.time.Duration.ofMillis(250);

    private void pause() {
        try {
            host.sleep(UNKNOWN_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException("interrupted while asking whether a service runs");
        }
    }

    private static final Pattern HAS_STATUS = Pattern.compile("(^|[\\s|(])['\"]?status['\"]?\\s*[|)]", Pattern.MULTILINE);
    private static final Pattern DAEMON = Pattern.compile("^\\s*DAEMON=[\"']?([^\"'\\s]+)", Pattern.MULTILINE);
    private static final Pattern PIDFILE = Pattern.compile("--pidfile[=\\s]+[\"']?([^\"'\\s;]+)");

    /** {@code start-stop-daemon --status} for the pid file and daemon the script itself names (exit codes as LSB's). */
    private static Exec daemonStatus(String svc, String text) {
        Matcher d = DAEMON.matcher(text);
        Matcher p = PIDFILE.matcher(text);
        List<String> argv = new java.util.ArrayList<>(List.of("start-stop-daemon", "--status"));
        if (p.find()) argv.addAll(List.of("--pidfile", p.group(1).replace("${NAME}", svc).replace("$NAME", svc)));
        if (d.find()) argv.addAll(List.of("--exec", d.group(1).replace("${NAME}", svc).replace("$NAME", svc)));
        if (argv.size() == 2) {
            throw new HostException("cannot tell whether service '" + svc + "' runs: its init script has no status action and names no pid file or daemon");
        }
        return Exec.query(argv.toArray(String[]::new));
    }

    @Override
    public boolean enabled(String name) {
        return links(unit(name), 'S');
    }

    @Override
    public void start(String name, java.time.Duration timeout) {
        Exec exec = Exec.change(script(requireScript(name)).toString(), "start").withTimeout(timeout);
        host.run(exec).orThrow(exec);
    }

    @Override
    public void stop(String name) {
        script(name, "stop");
    }

    @Override
    public void restart(String name) {
        script(name, "restart");
    }

    @Override
    public void reload(String name) {
        script(name, "reload");
    }

    /**
     * {@code update-rc.d defaults} does nothing once any link exists, so a service disabled
     * earlier (its S links turned into K links) is re-enabled with {@code enable} instead.
     */
    @Override
    public void enable(String name) {
        String svc = requireScript(name);
        run("update-rc.d", svc, links(svc, 'K') ? "enable" : "defaults");
    }

    @Override
    public void disable(String name) {
        run("update-rc.d", requireScript(name), "disable");
    }

    private boolean links(String svc, char kind) {
        Pattern p = Pattern.compile(kind + "\\d\\d" + Pattern.quote(svc));
        for (String dir : RUNLEVELS) {
            if (host.list(Path.of(dir)).stream().anyMatch(f -> p.matcher(f).matches())) return true;
        }
        return false;
    }

    private void script(String name, String verb) {
        run(script(requireScript(name)).toString(), verb);
    }

    private String requireScript(String name) {
        String svc = unit(name);
        if (!host.exists(script(svc))) {
            throw new HostException("service '" + svc + "' has no init script " + script(svc)
                    + "; is the package that provides it installed?");
        }
        return svc;
    }

    private void run(String... argv) {
        Exec exec = Exec.change(argv);
        host.run(exec).orThrow(exec);
    }

    private static Path script(String svc) {
        return INIT_D.resolve(svc);
    }

    /** Names written for systemd ("memcached.service") name the same init script. */
    private static String unit(String name) {
        return name.endsWith(".service") ? name.substring(0, name.length() - ".service".length()) : name;
    }

    private static String tail(ExecResult r) {
        String out = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
        return out.isEmpty() ? "" : ": " + (out.length() > 500 ? "..." + out.substring(out.length() - 500) : out);
    }
}
