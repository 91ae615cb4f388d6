package io.jstate.states.host;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The only way a state reaches the system it manages. States get a Host in their
 * constructor; unit tests pass a recording fake, the engine passes a read-only view
 * while a state checks, so "check never mutates" holds by construction.
 */
public interface Host {

    /** Runs a command. A non-zero exit is a result, not an exception; failure to start is a HostException. */
    ExecResult run(Exec exec);

    /** File metadata without following a final symlink; empty when nothing is there. */
    Optional<FileInfo> stat(Path path);

    byte[] read(Path path);

    /** Lists a directory's entries (names only), sorted. */
    List<String> list(Path dir);

    /**
     * Writes a whole file atomically: a temporary file in the same directory, given its mode
     * and owner first, then renamed over the target. Readers see the old or the new content, never half.
     */
    void write(Path path, byte[] content, FileAttrs attrs);

    /** Creates a directory and any missing parents, each with the given attributes. */
    void mkdirs(Path dir, FileAttrs attrs);

    /** Removes a file, a symlink, or a directory with everything in it. Missing is not an error. */
    void delete(Path path);

    void symlink(Path link, Path target);

    void chmod(Path path, int mode);

    /** Changes owner and/or group; a null leaves that part as it is. */
    void chown(Path path, String user, String group);

    /** Whether a TCP connection to host:port opens within the timeout (observing only). */
    boolean tcpConnect(String host, int port, Duration timeout);

    /** The HTTP status of a GET to {@code url}, or -1 when no answer came within the timeout. */
    int httpStatus(String url, Duration timeout);

    Instant now();

    /** Monotonic time for measuring durations. */
    long nanoTime();

    void sleep(Duration d) throws InterruptedException;

    default String readString(Path path) {
        return new String(read(path), java.nio.charset.StandardCharsets.UTF_8);
    }

    default boolean exists(Path path) {
        return stat(path).isPresent();
    }
}
