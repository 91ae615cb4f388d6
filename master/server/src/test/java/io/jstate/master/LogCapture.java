package io.jstate.master;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Every record the JDK logging of this JVM publishes while installed, for tests that check the master's log. */
public final class LogCapture extends Handler implements AutoCloseable {
    public final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** Starts capturing on the root logger until {@link #close}. */
    public static LogCapture install() {
        LogCapture c = new LogCapture();
        Logger.getLogger("").addHandler(c);
        return c;
    }

    /** The first record that carries a stack trace, as text; null when none does. */
    public String firstStackTrace() {
        return records.stream().filter(r -> r.getThrown() != null).findFirst()
                .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + " / " + r.getThrown()).orElse(null);
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
