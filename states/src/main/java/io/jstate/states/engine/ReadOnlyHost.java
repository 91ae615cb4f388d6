package io.jstate.states.engine;

import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The host as a state sees it while checking, and during a whole dry run: observing works,
 * changing throws. This is what makes "check never mutates" and "--test runs no mutating
 * command" true by construction rather than by each state's care.
 */
public final class ReadOnlyHost implements Host {

    /** A state tried to change the system where it may only observe: a bug in that state. */
    public static final class MutationRefused extends RuntimeException {
        MutationRefused(String what) {
            super("refused to " + what + " while only observing (check or dry run)");
        }
    }

    private final Host inner;

    public ReadOnlyHost(Host inner) {
        this.inner = inner;
    }

    @Override
    public ExecResult run(Exec exec) {
        if (exec.mutates()) throw new MutationRefused("run '" + exec.display() + "'");
        return inner.run(exec);
    }

    @Override
    public Optional<FileInfo> stat(Path path) {
        return inner.stat(path);
    }

    @Override
    public byte[] read(Path path) {
        return inner.read(path);
    }

    @Override
    public List<String> list(Path dir) {
        return inner.list(dir);
    }

    @Override
    public void write(Path path, byte[] content, FileAttrs attrs) {
        throw new MutationRefused("write " + path);
    }

    @Override
    public void mkdirs(Path dir, FileAttrs attrs) {
        throw new MutationRefused("create " + dir);
    }

    @Override
    public void delete(Path path) {
        throw new MutationRefused("delete " + path);
    }

    @Override
    public void symlink(Path link, Path target) {
        throw new MutationRefused("link " + link);
    }

    @Override
    public void chmod(Path path, int mode) {
        throw new MutationRefused("chmod " + path);
    }

    @Override
    public void chown(Path path, String user, String group) {
        throw new MutationRefused("chown " + path);
    }

    @Override
    public boolean tcpConnect(String host, int port, Duration timeout) {
        return inner.tcpConnect(host, port, timeout);
    }

    @Override
    public int httpStatus(String url, Duration timeout) {
        return inner.httpStatus(url, timeout);
    }

    @Override
    public Instant now() {
        return inner.now();
    }

    @Override
    public long nanoTime() {
        return inner.nanoTime();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        inner.sleep(d);
    }
}
