package io.jstate.minion.functions;

import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import io.jstate.states.host.LocalHost;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A host whose commands answer from a script (by argv prefix) and whose files live below a temp folder. */
final class ScriptedHost implements Host {
    private final Host files;
    private final Map<List<String>, ExecResult> answers = new LinkedHashMap<>();
    final List<List<String>> commands = new ArrayList<>();

    ScriptedHost(Path root) {
        this.files = LocalHost.under(root);
    }

    ScriptedHost answer(ExecResult result, String... argvPrefix) {
        answers.put(List.of(argvPrefix), result);
        return this;
    }

    @Override
    public ExecResult run(Exec exec) {
        commands.add(exec.argv());
        for (var e : answers.entrySet()) {
            List<String> p = e.getKey();
            if (exec.argv().size() >= p.size() && exec.argv().subList(0, p.size()).equals(p)) return e.getValue();
        }
        return ExecResult.fail(127, exec.argv().get(0) + ": not scripted");
    }

    @Override public Optional<FileInfo> stat(Path path) { return files.stat(path); }
    @Override public byte[] read(Path path) { return files.read(path); }
    @Override public List<String> list(Path dir) { return files.list(dir); }
    @Override public void write(Path path, byte[] content, FileAttrs attrs) { files.write(path, content, attrs); }
    @Override public void mkdirs(Path dir, FileAttrs attrs) { files.mkdirs(dir, attrs); }
    @Override public void delete(Path path) { files.delete(path); }
    @Override public void symlink(Path link, Path target) { files.symlink(link, target); }
    @Override public void chmod(Path path, int mode) { files.chmod(path, mode); }
    @Override public void chown(Path path, String user, String group) { files.chown(path, user, group); }
    @Override public boolean tcpConnect(String host, int port, Duration timeout) { return false; }
    @Override public int httpStatus(String url, Duration timeout) { return -1; }
    @Override public Instant now() { return Instant.parse("2026-03-01T10:00:00Z"); }
    @Override public long nanoTime() { return System.nanoTime(); }
    @Override public void sleep(Duration d) {}
}
