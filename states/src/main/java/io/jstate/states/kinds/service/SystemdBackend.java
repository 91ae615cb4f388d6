package io.jstate.states.kinds.service;

import io.jstate.states.host.Exec;
import io.jstate.states.host.Host;
import java.util.Map;

/** Services of systemd, through systemctl. */
final class SystemdBackend implements ServiceBackend {

    private final Host host;

    SystemdBackend(Host host) {
        this.host = host;
    }

    @Override
    public boolean supports(Map<String, Object> grains) {
        return "systemd".equals(String.valueOf(grains.get("init")));
    }

    @Override
    public boolean running(String name) {
        return host.run(Exec.query("systemctl", "--no-pager", "--quiet", "is-active", name)).succeeded();
    }

    @Override
    public boolean enabled(String name) {
        return host.run(Exec.query("systemctl", "--no-pager", "--quiet", "is-enabled", name)).succeeded();
    }

    @Override
    public void start(String name, java.time.Duration timeout) {
        Exec exec = Exec.change("systemctl", "--no-pager", "--quiet", "start", name).withTimeout(timeout);
        host.run(exec).orThrow(exec);
    }

    @Override
    public void stop(String name) {
        change("stop", name);
    }

    @Override
    public void restart(String name) {
        change("restart", name);
    }

    @Override
    public void reload(String name) {
        change("reload", name);
    }

    @Override
    public void enable(String name) {
        change("enable", name);
    }

    @Override
    public void disable(String name) {
        change("disable", name);
    }

    private void change(String verb, String name) {
        Exec exec = Exec.change("systemctl", "--no-pager", "--quiet", verb, name);
        host.run(exec).orThrow(exec);
    }
}
