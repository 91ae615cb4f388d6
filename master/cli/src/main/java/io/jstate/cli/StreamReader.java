package io.jstate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the length-delimited messages of an admin stream on its own thread, so that a command
 * waits for the next one against its own deadline and can say where things stand while it waits,
 * instead of blocking in a read.
 *
 * <p>The master sends a keepalive on every stream at once and whenever it has been idle for
 * {@link #KEEPALIVE} (a message with nothing set). A stream that brings no whole message, keepalives
 * included, for {@code silence} has a master that stopped or a network that stalls: the reader
 * then gives an error item saying so, and the command ends as for a broken stream. A body that
 * trickles in a byte at a time without completing a message is silent in this sense too.
 */
final class StreamReader<T> implements AutoCloseable {
    /** Parses one message; null at the end of the stream. */
    interface Parser<T> {
        T parse(InputStream in) throws IOException;
    }

    /** One item from the reader: a message, the end of the stream, or the error that ended it. */
    record Item<T>(T message, IOException error) {
        boolean end() {
            return message == null && error == null;
        }
    }

    /** How often the master sends a keepalive on an idle stream (AdminResource.KEEPALIVE_MS). */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private final InputStream in;
    private final BlockingQueue<Item<T>> items = new LinkedBlockingQueue<>();
    private final long silence;
    private long lastItem = System.nanoTime();
    private Item<T> silent;

    /** A reader that gives up after {@code silence} without a message ({@link #silence}). */
    StreamReader(InputStream in, Parser<T> parser, String name, Duration silence) {
        this.in = in;
        this.silence = silence.toNanos();
        Thread reader = new Thread(() -> read(parser), name);
        reader.setDaemon(true);
        reader.start();
    }

    /** How long a command's stream may be silent: the keepalive's period plus the command's margin. */
    static Duration silence(Context ctx) {
        return KEEPALIVE.plus(ctx.margin());
    }

    /**
     * The next item, or null when none came within {@code nanos}; an error item when the stream
     * has been silent too long (the same one again when asked again).
     */
    Item<T> poll(long nanos) throws InterruptedException {
        if (silent != null) return silent;
        long now = System.nanoTime();
        long untilSilent = lastItem + silence - now;
        Item<T> item = items.poll(Math.max(0, Math.min(nanos, untilSilent)), TimeUnit.NANOSECONDS);
        now = System.nanoTime();
        if (item != null) {
            lastItem = now;
            return item;
        }
        if (now - (lastItem + silence) < 0) return null;
        close();
        return silent = new Item<>(null, new IOException("the master sent nothing for " + Duration.ofNanos(now - lastItem).toSeconds()
                + " s, not even a keepalive (it sends one every " + KEEPALIVE.toSeconds() + " s)"));
    }

    private void read(Parser<T> parser) {
        try {
            while (true) {
                T m = parser.parse(in);
                items.add(new Item<>(m, null));
                if (m == null) return;
            }
        } catch (IOException e) {
            items.add(new Item<>(null, e));
        }
    }

    /** Closes the stream, which ends a blocked read. */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // The stream is done with either way.
        }
    }
}
