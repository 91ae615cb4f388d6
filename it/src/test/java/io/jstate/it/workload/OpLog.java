package io.jstate.it.workload;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only log of a workload, one tab-separated record a line, flushed line by line so that a
 * line is on disk before the operation counts. The acknowledged logs hold {@code id TAB value}.
 */
final class OpLog implements AutoCloseable {
    private final BufferedWriter out;

    OpLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    synchronized void line(Object... fields) {
        try {
            for (int i = 0; i < fields.length; i++) {
                if (i > 0) out.write('\t');
                out.write(String.valueOf(fields[i]).replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
            }
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the workload's log", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /**
     * The {@code id TAB value} records of an acknowledged log, in order. A line that is not such a
     * record is an error naming the file and line: a log that cannot be read proves nothing.
     */
    static Map<Long, String> readAcked(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no acknowledged log at " + file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<Long, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isEmpty()) continue;
            String[] f = l.split("\t", -1);
            long id;
            try {
                if (f.length != 2 || f[1].isEmpty()) throw new NumberFormatException();
                id = Long.parseLong(f[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not an 'id<TAB>value' record: " + l);
            }
            String before = out.putIfAbsent(id, f[1]);
            if (before != null && !before.equals(f[1])) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": id " + id + " acknowledged twice with different values");
            }
        }
        return out;
    }
}
