package io.jstate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the length-delimited messages of an admin stream on its own thread, so that a command
 * waits for the next one against its own deadline and can say where things stand while it waits,
 * instead of blocking in a read.
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

    private final InputStream in;
    private final BlockingQueue<Item<T>> items = new LinkedBlockingQueue<>();

    StreamReader(InputStream in, Parser<T> parser, String name) {
        this.in = in;
        Thread reader = new Thread(() -> read(parser), name);
        reader.setDaemon(true);
        reader.start();
    }

    /** The next item, or null when none came within {@code nanos}. */
    Item<T> poll(long nanos) throws InterruptedException {
        return items.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
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
