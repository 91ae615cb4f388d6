package io.jstate.states.kinds.wait;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.Step;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.host.Exec;
import java.time.Duration;

/**
 * {@code wait.for}: a health gate. Check probes the condition once and is in sync when it holds,
 * so a converged run and a dry run never wait. There is nothing to apply: the kind asks the engine
 * to settle ({@link #settle}), which checks again up to {@code attempts} times, {@code interval}
 * apart, and fails, naming the condition and how long it waited, when the condition never held,
 * which stops whatever requires this state.
 */
public final class WaitFor implements State<WaitFor.Spec> {

    @StateDoc(summary = "A health gate: a TCP port accepts connections, a URL answers a status, or a command exits 0. Check probes once, so a converged run and a dry run never wait; otherwise the engine checks again up to `attempts` times, `interval` apart, and fails, naming the condition and how long it waited, which stops whatever requires this state.",
            example = """
                galera-port:
                  wait.for:
                    - tcp: 127.0.0.1:3306
                    - attempts: 60
                    - interval: 1
                """)
    public record Spec(
            @ArgDoc("the state's name, for reports") String name,
            @ArgDoc("`host:port` (`[v6]:port`) that must accept a connection; exactly one of `tcp`, `http`, `command`") String tcp,
            @ArgDoc("an http:// or https:// URL whose GET must answer `status`; exactly one of `tcp`, `http`, `command`") String http,
            @ArgDoc("the HTTP status wanted (with `http` only)") Integer status,
            @ArgDoc("a shell command that must exit 0; exactly one of `tcp`, `http`, `command`") String command,
            @ArgDoc("checks in all after the first probe found the condition not met (the engine does the waiting)") Integer attempts,
            @ArgDoc("seconds between checks") Double interval,
            @ArgDoc("seconds each try may take; `timeout` is the engine's bound on the whole state, waiting included") Double probeTimeout) {
        public Spec {
            int given = (tcp != null ? 1 : 0) + (http != null ? 1 : 0) + (command != null ? 1 : 0);
            if (given != 1) throw new IllegalArgumentException("wait.for needs exactly one of tcp, http, command");
            if (tcp != null) endpoint(tcp);
            if (http != null && !http.matches("https?://.+")) throw new IllegalArgumentException("http must be an http:// or https:// URL, got " + http);
            if (status != null && http == null) throw new IllegalArgumentException("status applies to http only");
            status = status == null ? 200 : status;
            attempts = attempts == null ? 30 : attempts;
            interval = interval == null ? 2.0 : interval;
            probeTimeout = probeTimeout == null ? 2.0 : probeTimeout;
            if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
            if (interval < 0) throw new IllegalArgumentException("interval must not be negative");
            if (probeTimeout <= 0) throw new IllegalArgumentException("probe_timeout must be positive");
        }

        /** What is waited for, as an operator would say it. */
        public String condition() {
            if (tcp != null) return "tcp " + tcp;
            if (http != null) return "http " + http + " answering " + status;
            return "command '" + command + "'";
        }
    }

    /** A host and port parsed from "host:port" or "[v6 address]:port". */
    record Endpoint(String host, int port) {}

    static Endpoint endpoint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("tcp must be host:port, got " + text);
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tcp must be host:port, got " + text);
        }
        if (port < 1 || port > 65535 || host.isEmpty()) throw new IllegalArgumentException("tcp must be host:port, got " + text);
        return new Endpoint(host, port);
    }

    private final Env env;

    public WaitFor(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        return met(spec) ? Drift.NONE : Drift.of(Change.of(spec.condition(), "not met", "met"));
    }

    /** Nothing to change: the condition holds by itself or not at all; the engine waits for it. */
    @Override
    public Applied apply(Spec spec, Drift drift) {
        return Applied.NONE;
    }

    @Override
    public Step.Retry settle(Spec spec) {
        return new Step.Retry(spec.attempts(), seconds(spec.interval()));
    }

    private boolean met(Spec spec) {
        Duration timeout = seconds(spec.probeTimeout());
        if (spec.tcp() != null) {
            Endpoint e = endpoint(spec.tcp());
            return env.host().tcpConnect(e.host(), e.port(), timeout);
        }
        if (spec.http() != null) return env.host().httpStatus(spec.http(), timeout) == spec.status();
        return env.host().run(Exec.query("/bin/sh", "-c", spec.command()).withTimeout(timeout)).succeeded();
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
