package io.jstate.states.kinds.service;

import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import java.util.List;

/**
 * One SysV service on a FakeHost: its init script answers status by the {@code running} flag and
 * start/stop change it; update-rc.d adds the runlevel links.
 */
final class FakeInit {
    final FakeHost host;
    final String name;
    boolean running;
    int statusCode = -1;
    String failStart;

    FakeInit(FakeHost host, String name) {
        this.host = host;
        this.name = name;
        host.dir("/etc").dir("/etc/init.d");
        for (String rl : InitScriptBackend.RUNLEVELS) host.dir(rl);
        host.file("/etc/init.d/" + name, "#!/bin/sh\n# Usage: boolean status_of_proc\ncase \"$1\" in\n  start|stop|restart|reload) ;;\n  'status')\n  ;;\nesac\n", 0755, "root", "root");
        String script = "/etc/init.d/" + name;
        host.on(List.of(script, "status"), e -> new ExecResult(statusCode >= 0 ? statusCode : running ? 0 : 3,
                running ? name + " is running\n" : name + " is not running\n", "", false));
        host.on(List.of(script, "start"), e -> {
            if (failStart != null) return ExecResult.fail(1, failStart);
            running = true;
            return ExecResult.ok("Starting " + name + "\n");
        });
        host.on(List.of(script, "stop"), e -> {
            running = false;
            return ExecResult.ok("");
        });
        host.on(List.of(script, "restart"), e -> {
            running = true;
            return ExecResult.ok("");
        });
        host.on(List.of(script, "reload"), e -> ExecResult.ok(""));
        host.on(List.of("update-rc.d", name), e -> {
            String verb = e.argv().get(2);
            char kind = verb.equals("disable") ? 'K' : 'S';
            for (String rl : InitScriptBackend.RUNLEVELS) host.link(rl + "/" + kind + "01" + name, "../init.d/" + name);
            return ExecResult.ok("");
        });
    }

    FakeInit enabled() {
        for (String rl : InitScriptBackend.RUNLEVELS) host.link(rl + "/S01" + name, "../init.d/" + name);
        return this;
    }

    FakeInit disabled() {
        for (String rl : InitScriptBackend.RUNLEVELS) host.link(rl + "/K01" + name, "../init.d/" + name);
        return this;
    }
}
