package io.jstate.master.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the master's stores put a file they cannot read: {@code DATA_DIR/quarantine}, under the
 * file's path in the data dir and a time suffix ({@code quarantine/keys/accepted/web1.pb.20261207T001500Z}).
 * One damaged record must not stop the master, and must not be read as something it is not; the
 * operator sees what was moved in {@code jstate keys list} and in the log, and deletes it once dealt with.
 */
public final class Quarantine {
    private static final Logger LOG = Logger.getLogger(Quarantine.class.getName());
    private static final Pattern MOVED = Pattern.compile(".+\\.\\d{8}T\\d{6}Z(-\\d+)?");
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A store file moved aside: where it was, where it is now (null when it could not be moved), and why. */
    public record Entry(Path file, Path movedTo, String reason) {}

    private final Path dataDir;
    private final Path folder;
    private final Clock clock;
    private final Map<Path, Entry> moved = new ConcurrentHashMap<>();

    public Quarantine(Path dataDir, Clock clock) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.folder = this.dataDir.resolve("quarantine");
        this.clock = clock;
    }

    /**
     * Moves {@code file} (or folder) aside and logs it, without a stack trace: the reason says what
     * is wrong. A file that cannot be moved stays where it is and is reported all the same; the
     * caller ignores it either way.
     */
    public Entry moveAside(Path file, String reason) {
        Path abs = file.toAbsolutePath().normalize();
        String rel = (abs.startsWith(dataDir) ? dataDir.relativize(abs) : abs.getFileName()).toString();
        String suffix = "." + SUFFIX.format(clock.instant());
        Path target = folder.resolve(rel + suffix);
        for (int n = 1; Files.exists(target); n++) target = folder.resolve(rel + suffix + "-" + n);
        Entry e;
        try {
            Files.createDirectories(target.getParent());
            Files.move(abs, target);
            e = new Entry(abs, target, reason);
            LOG.warning(abs + ": " + reason + "; moved aside to " + target);
        } catch (IOException ex) {
            e = new Entry(abs, null, reason + "; cannot move it aside (" + ex.getMessage() + "), so it is ignored");
            LOG.warning(abs + ": " + e.reason());
        }
        moved.put(e.movedTo() == null ? abs : e.movedTo(), e);
        return e;
    }

    /**
     * What needs the operator's attention: everything in the quarantine folder (what earlier starts
     * moved with a general reason) and the files that could not be moved.
     */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> s = Files.walk(folder)) {
                for (Path p : s.filter(Quarantine::movedName).filter(p -> !movedName(p.getParent())).sorted().toList()) {
                    out.add(moved.getOrDefault(p, new Entry(null, p, "moved aside at an earlier start")));
                }
            } catch (IOException e) {
                LOG.warning(() -> "cannot list " + folder + ": " + e.getMessage());
            }
        }
        moved.values().stream().filter(x -> x.movedTo() == null).forEach(out::add);
        return out;
    }

    /** A name this class gave: the original one and the time it was moved. */
    private static boolean movedName(Path p) {
        return p != null && p.getFileName() != null && MOVED.matcher(p.getFileName().toString()).matches();
    }

    public Path folder() {
        return folder;
    }
}
