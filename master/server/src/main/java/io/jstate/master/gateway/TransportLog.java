package io.jstate.master.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Turns what grpc's transport logs about a peer's malformed frames (a message flagged compressed
 * without an encoding, a length prefix beyond the body, gzip that is not gzip) into one line: its
 * message and causes, without the stack trace. Anyone who can reach the gateway can send such frames,
 * so each would otherwise put a full trace in the master's log.
 */
public final class TransportLog implements Filter {
    /** The loggers of grpc's server transport that log a peer's bad frames with their exception. */
    static final List<String> LOGGERS = List.of("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

    /** Held so the configured loggers are the ones grpc gets (JDK logging keeps loggers weakly). */
    private static final List<Logger> HELD = new ArrayList<>();

    private TransportLog() {}

    /** Installs the filter on grpc's transport loggers; once is enough, more is harmless. */
    public static synchronized void install() {
        if (!HELD.isEmpty()) return;
        for (String name : LOGGERS) {
            Logger l = Logger.getLogger(name);
            l.setFilter(new TransportLog());
            HELD.add(l);
        }
    }

    @Override
    public boolean isLoggable(LogRecord r) {
        Throwable t = r.getThrown();
        if (t == null) return true;
        StringBuilder line = new StringBuilder(r.getMessage() == null ? "" : r.getMessage());
        for (int depth = 0; t != null && depth < 5; t = t.getCause(), depth++) {
            line.append(depth == 0 ? ": " : "; caused by ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) line.append(": ").append(t.getMessage());
        }
        r.setMessage(line.toString().replaceAll("\\s+", " "));
        r.setParameters(null);
        r.setThrown(null);
        return true;
    }
}
