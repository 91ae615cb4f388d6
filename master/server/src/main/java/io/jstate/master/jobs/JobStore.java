package io.jstate.master.jobs;

import io.jstate.master.store.Quarantine;
import io.jstate.common.files.AtomicFiles;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MinionStateEvent;
import io.jstate.proto.v1.StateResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Jobs on disk, one folder per jid in {@code DATA_DIR/jobs}: {@code job.pb} (the request, times,
 * minions, error), {@code results/MINION.pb} (each final result as it arrived), {@code partial/MINION.pb}
 * (length-delimited per-state events of a minion that has not returned yet) and {@code lost}
 * (one minion id per line). Every file is written atomically or appended, so a master killed at
 * any moment leaves a readable job behind.
 */
public final class JobStore {
    private static final Logger LOG = Logger.getLogger(JobStore.class.getName());

    private final Path dir;
    private final Quarantine quarantine;

    public JobStore(Path dir, Quarantine quarantine) {
        this.dir = dir;
        this.quarantine = quarantine;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records a new job: its jid, request, start, minions and (for one that could not start) error. */
    public synchronized void create(JobRecord header) {
        Path d = folder(header.getJid());
        try {
            Files.createDirectories(d.resolve("results"));
            Files.createDirectories(d.resolve("partial"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeAtomic(d.resolve("job.pb"), header.toByteArray());
    }

    public boolean exists(String jid) {
        return Jids.valid(jid) && Files.isRegularFile(folder(jid).resolve("job.pb"));
    }

    public synchronized void finish(String jid, long finishedUnixMs) {
        header(jid).ifPresent(h -> writeAtomic(folder(jid).resolve("job.pb"), h.toBuilder().setFinishedUnixMs(finishedUnixMs).build().toByteArray()));
    }

    /** Stores a minion's final result; its partial events are no longer needed. */
    public synchronized void saveResult(JobResult result) {
        Path d = folder(result.getJid());
        writeAtomic(d.resolve("results").resolve(result.getMinionId() + ".pb"), result.toByteArray());
        try {
            Files.deleteIfExists(d.resolve("partial").resolve(result.getMinionId() + ".pb"));
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot delete partial events", e);
        }
    }

    public boolean hasResult(String jid, String minionId) {
        return Files.isRegularFile(folder(jid).resolve("results").resolve(minionId + ".pb"));
    }

    public synchronized void appendPartial(String jid, String minionId, StateResult state) {
        Path f = folder(jid).resolve("partial").resolve(minionId + ".pb");
        try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            state.writeDelimitedTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void addLost(String jid, String minionId) {
        try {
            Files.writeString(folder(jid).resolve("lost"), minionId + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The job's own record, without results. */
    public Optional<JobRecord> header(String jid) {
        if (!Jids.valid(jid)) return Optional.empty();
        JobRecord h;
        try {
            h = JobRecord.parseFrom(Files.readAllBytes(folder(jid).resolve("job.pb")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            unreadable(folder(jid), "job.pb is not a job record (" + e.getMessage() + ")");
            return Optional.empty();
        }
        if (!h.getJid().equals(jid)) {
            unreadable(folder(jid), h.getJid().isEmpty() ? "job.pb is empty or holds no jid" : "job.pb holds job " + h.getJid() + ", not " + jid);
            return Optional.empty();
        }
        return Optional.of(h);
    }

    /** Moves a job, or one result of it, that cannot be read out of the store, once. */
    private synchronized void unreadable(Path p, String reason) {
        if (Files.exists(p)) quarantine.moveAside(p, reason);
    }

    /**
     * The whole job: results, the minions lost (a minion whose result came in after all is not
     * lost), and the per-state events of minions that have not returned.
     */
    public synchronized Optional<JobRecord> load(String jid) {
        Optional<JobRecord> h = header(jid);
        if (h.isEmpty()) return h;
        JobRecord.Builder b = h.get().toBuilder();
        Path d = folder(jid);
        Set<String> returned = new LinkedHashSet<>();
        for (Path p : files(d.resolve("results"))) {
            String minion = p.getFileName().toString().replaceFirst("\\.pb$", "");
            try {
                JobResult r = JobResult.parseFrom(Files.readAllBytes(p));
                if (r.getMinionId().equals(minion) && r.getJid().equals(jid)) {
                    b.addResults(r);
                    returned.add(minion);
                } else {
                    unreadable(p, "is not the result of " + minion + " in job " + jid);
                }
            } catch (IOException e) {
                unreadable(p, "is not a job result (" + e.getMessage() + ")");
            }
        }
        try {
            Path lost = d.resolve("lost");
            if (Files.exists(lost)) {
                for (String id : new LinkedHashSet<>(Files.readAllLines(lost, StandardCharsets.UTF_8))) {
                    if (!id.isBlank() && !returned.contains(id)) b.addLost(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : files(d.resolve("partial"))) {
            String minion = p.getFileName().toString().replaceFirst("\\.pb$", "");
            if (returned.contains(minion)) continue;
            try (InputStream in = Files.newInputStream(p)) {
                StateResult s;
                while ((s = StateResult.parseDelimitedFrom(in)) != null) {
                    b.addPartial(MinionStateEvent.newBuilder().setMinionId(minion).setResult(s));
                }
            } catch (IOException e) {
                // A master killed while appending leaves a torn last event; the ones before it stand.
                LOG.log(Level.FINE, "partial events of " + minion + " end early", e);
            }
        }
        return Optional.of(b.build());
    }

    /** Job records (without results), newest first. */
    public List<JobRecord> list(int limit) {
        List<JobRecord> out = new ArrayList<>();
        for (String jid : jids()) {
            if (limit > 0 && out.size() >= limit) break;
            header(jid).ifPresent(out::add);
        }
        return out;
    }

    /** Deletes jobs started longer than {@code retention} ago; returns how many. */
    public int prune(long nowUnixMs, Duration retention) {
        long cutoff = nowUnixMs - retention.toMillis();
        int n = 0;
        for (String jid : jids()) {
            long started = header(jid).map(JobRecord::getStartedUnixMs).orElse(Jids.time(jid));
            if (started < cutoff) {
                delete(folder(jid));
                n++;
            }
        }
        return n;
    }

    /** Jids in the store, newest first (a jid sorts by its time). */
    List<String> jids() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (Jids.valid(name) && Files.isDirectory(p)) out.add(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    private Path folder(String jid) {
        if (!Jids.valid(jid)) throw new IllegalArgumentException("not a jid: '" + jid + "'");
        return dir.resolve(jid);
    }

    private static List<Path> files(Path d) {
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pb")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeAtomic(Path f, byte[] bytes) {
        AtomicFiles.write(f, bytes, 0600);
    }

    private static void delete(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + d, e);
        }
    }
}
