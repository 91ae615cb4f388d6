package io.jstate.states.host;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A recording fake for unit tests of a single state: an in-memory file tree, scripted command
 * answers, a manual clock. Tests assert the exact argv run and that nothing mutated.
 *
 * <pre>
 * FakeHost h = new FakeHost();
 * h.on(List.of("dpkg-query", "-W"), e -> ExecResult.ok("..."));   // argv prefix
 * h.file("/etc/x.conf", "a=1\n");
 * </pre>
 */
public final class FakeHost implements Host {

    private record Node(FileInfo.Type type, byte[] content, int mode, String user, String group, String target) {}

    private record Rule(Predicate<Exec> match, Function<Exec, ExecResult> answer) {}

    private final TreeMap<Path, Node> files = new TreeMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<Exec> commands = new ArrayList<>();
    private final List<String> mutations = new ArrayList<>();
    private final Map<String, java.util.function.IntSupplier> endpoints = new java.util.HashMap<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long nanos = 0;

    // ---- scripting

    /** Answers commands whose argv starts with {@code prefix}. Later rules win over earlier ones. */
    public FakeHost on(List<String> prefix, Function<Exec, ExecResult> answer) {
        rules.add(0, new Rule(e -> e.argv().size() >= prefix.size() && e.argv().subList(0, prefix.size()).equals(prefix), answer));
        return this;
    }

    public FakeHost on(Predicate<Exec> match, Function<Exec, ExecResult> answer) {
        rules.add(0, new Rule(match, answer));
        return this;
    }

    /**
     * Scripts a network endpoint: for "host:port" the supplier's non-negative answer means the
     * port is open; for an URL it is the HTTP status (-1: no answer). Unscripted ones are closed.
     */
    public FakeHost endpoint(String key, java.util.function.IntSupplier answer) {
        endpoints.put(key, answer);
        return this;
    }

    public FakeHost file(String path, String content) {
        return file(path, content, 0644, "root", "root");
    }

    public FakeHost file(String path, String content, int mode, String user, String group) {
        files.put(Path.of(path), new Node(FileInfo.Type.FILE, content.getBytes(StandardCharsets.UTF_8), mode, user, group, null));
        return this;
    }

    public FakeHost dir(String path) {
        files.put(Path.of(path), new Node(FileInfo.Type.DIRECTORY, new byte[0], 0755, "root", "root", null));
        return this;
    }

    public FakeHost link(String link, String target) {
        files.put(Path.of(link), new Node(FileInfo.Type.SYMLINK, new byte[0], 0777, "root", "root", target));
        return this;
    }

    // ---- what happened

    /** Every command run, in order. */
    public List<Exec> commands() {
        return List.copyOf(commands);
    }

    /** Every command's argv joined by spaces, in order. */
    public List<String> commandLines() {
        return commands.stream().map(Exec::display).toList();
    }

    /** Every change made: writes, mkdirs, deletes, links, chmod, chown, and commands marked mutating. */
    public List<String> mutations() {
        return List.copyOf(mutations);
    }

    public Optional<String> content(String path) {
        Node n = files.get(Path.of(path));
        return n == null || n.type() != FileInfo.Type.FILE ? Optional.empty() : Optional.of(new String(n.content(), StandardCharsets.UTF_8));
    }

    public void clear() {
        commands.clear();
        mutations.clear();
    }

    // ---- Host

    @Override
    public ExecResult run(Exec exec) {
        commands.add(exec);
        if (exec.mutates()) mutations.add("run " + exec.display());
        for (Rule r : rules) {
            if (r.match().test(exec)) return r.answer().apply(exec);
        }
        return new ExecResult(127, "", "fake host: nothing scripted for: " + exec.display(), false);
    }

    @Override
    public Optional<FileInfo> stat(Path path) {
        Node n = files.get(path);
        if (n == null) return Optional.empty();
        return Optional.of(new FileInfo(n.type(), n.mode(), n.user(), n.group(), n.content().length, n.target()));
    }

    @Override
    public byte[] read(Path path) {
        Node n = files.get(path);
        if (n == null || n.type() != FileInfo.Type.FILE) throw new HostException("cannot read " + path + ": no such file");
        return n.content().clone();
    }

    @Override
    public List<String> list(Path dir) {
        List<String> out = new ArrayList<>();
        for (Path p : files.keySet()) {
            if (dir.equals(p.getParent())) out.add(p.getFileName().toString());
        }
        return out;
    }

    @Override
    public void write(Path path, byte[] content, FileAttrs attrs) {
        mutations.add("write " + path);
        requireParent(path);
        Node old = files.get(path);
        int mode = attrs.mode() != null ? attrs.mode() : old != null ? old.mode() : 0644;
        String user = attrs.user() != null ? attrs.user() : old != null ? old.user() : "root";
        String group = attrs.group() != null ? attrs.group() : old != null ? old.group() : "root";
        files.put(path, new Node(FileInfo.Type.FILE, content.clone(), mode, user, group, null));
    }

    @Override
    public void mkdirs(Path dir, FileAttrs attrs) {
        mutations.add("mkdirs " + dir);
        for (Path d = dir; d != null && d.getNameCount() > 0; d = d.getParent()) {
            Node n = files.get(d);
            if (n != null && n.type() != FileInfo.Type.DIRECTORY) throw new HostException(d + " exists and is not a directory");
            if (n == null) {
                files.put(d, new Node(FileInfo.Type.DIRECTORY, new byte[0], attrs.mode() != null ? attrs.mode() : 0755,
                        attrs.user() != null ? attrs.user() : "root", attrs.group() != null ? attrs.group() : "root", null));
            }
        }
    }

    @Override
    public void delete(Path path) {
        mutations.add("delete " + path);
        files.keySet().removeIf(p -> p.equals(path) || p.startsWith(path));
    }

    @Override
    public void symlink(Path link, Path target) {
        mutations.add("symlink " + link + " -> " + target);
        requireParent(link);
        if (files.containsKey(link)) throw new HostException("cannot link " + link + ": exists");
        files.put(link, new Node(FileInfo.Type.SYMLINK, new byte[0], 0777, "root", "root", target.toString()));
    }

    @Override
    public void chmod(Path path, int mode) {
        mutations.add("chmod " + Integer.toOctalString(mode) + " " + path);
        Node n = existing(path);
        files.put(path, new Node(n.type(), n.content(), mode, n.user(), n.group(), n.target()));
    }

    @Override
    public void chown(Path path, String user, String group) {
        mutations.add("chown " + user + ":" + group + " " + path);
        Node n = existing(path);
        files.put(path, new Node(n.type(), n.content(), n.mode(), user != null ? user : n.user(), group != null ? group : n.group(), n.target()));
    }

    @Override
    public boolean tcpConnect(String host, int port, Duration timeout) {
        var a = endpoints.get(host + ":" + port);
        boolean open = a != null && a.getAsInt() >= 0;
        if (!open) sleep(timeout);
        return open;
    }

    @Override
    public int httpStatus(String url, Duration timeout) {
        var a = endpoints.get(url);
        int status = a == null ? -1 : a.getAsInt();
        if (status < 0) sleep(timeout);
        return status;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public void sleep(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }

    private Node existing(Path path) {
        Node n = files.get(path);
        if (n == null) throw new HostException("no such file " + path);
        return n;
    }

    private void requireParent(Path path) {
        Path parent = path.getParent();
        if (parent != null && parent.getNameCount() > 0) {
            Node p = files.get(parent);
            if (p == null || p.type() != FileInfo.Type.DIRECTORY) throw new HostException("cannot write " + path + ": no directory " + parent);
        }
    }

    /** For assertions that want the raw tree. */
    public Map<Path, String> tree() {
        Map<Path, String> out = new TreeMap<>();
        files.forEach((p, n) -> out.put(p, n.type() + " " + String.format("%04o", n.mode()) + " " + n.user() + ":" + n.group()));
        return out;
    }
}
