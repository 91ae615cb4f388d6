package io.jstate.states.host;

import io.jstate.common.files.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real system. With a root other than "/", every absolute path a state names is taken
 * below that root (a throwaway root for demos and engine tests); commands still run on the
 * machine itself.
 */
public final class LocalHost implements Host {

    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jstate-exec-pump");
        t.setDaemon(true);
        return t;
    });

    /** A new file's mode when the state names none: what a umask of 022 would give. */
    private static final int DEFAULT_FILE_MODE = 0644;

    private final Path root;

    private LocalHost(Path root) {
        this.root = root;
    }

    public static LocalHost system() {
        return new LocalHost(null);
    }

    /** Files below {@code root}; commands unchanged. */
    public static LocalHost under(Path root) {
        return new LocalHost(root.toAbsolutePath().normalize());
    }

    /** The path on the machine that a state's path maps to. */
    public Path real(Path p) {
        if (root == null) return p;
        Path abs = p.isAbsolute() ? p : Path.of("/").resolve(p);
        return root.resolve(Path.of("/").relativize(abs.normalize()).toString());
    }

    @Override
    public ExecResult run(Exec exec) {
        List<String> argv = new ArrayList<>();
        if (exec.runas() != null) {
            argv.addAll(List.of("runuser", "-u", exec.runas(), "--"));
        }
        argv.addAll(exec.argv());
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (exec.cwd() != null) pb.directory(real(exec.cwd()).toFile());
        Map<String, String> env = pb.environment();
        env.putAll(exec.env());
        if (!env.containsKey("LC_ALL")) env.put("LC_ALL", "C");
        if (exec.stdin() == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process proc;
        try {
            proc = pb.start();
        } catch (IOException e) {
            throw new HostException("cannot run '" + exec.display() + "': " + e.getMessage(), e);
        }
        CompletableFuture<String> out = pump(proc.getInputStream());
        CompletableFuture<String> err = pump(proc.getErrorStream());
        if (exec.stdin() != null) {
            try (OutputStream in = proc.getOutputStream()) {
                in.write(exec.stdin().getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // The command may exit without reading its input; its exit code tells what happened.
            }
        }
        boolean finished;
        try {
            finished = proc.waitFor(exec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(proc);
            Thread.currentThread().interrupt();
            throw new HostException("interrupted while running '" + exec.display() + "'");
        }
        if (!finished) {
            kill(proc);
        }
        return new ExecResult(finished ? proc.exitValue() : -1, out.join(), err.join(), !finished);
    }

    private static void kill(Process proc) {
        proc.descendants().forEach(ProcessHandle::destroyForcibly);
        proc.destroyForcibly();
        try {
            proc.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<String> pump(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, PUMPS);
    }

    @Override
    public Optional<FileInfo> stat(Path path) {
        Path p = real(path);
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int mode = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
            FileInfo.Type type = a.isSymbolicLink() ? FileInfo.Type.SYMLINK
                    : a.isDirectory() ? FileInfo.Type.DIRECTORY
                    : a.isRegularFile() ? FileInfo.Type.FILE : FileInfo.Type.OTHER;
            String target = a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : null;
            return Optional.of(new FileInfo(type, mode, a.owner().getName(), a.group().getName(), a.size(), target));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new HostException("cannot stat " + path + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public byte[] read(Path path) {
        try {
            return Files.readAllBytes(real(path));
        } catch (IOException e) {
            throw new HostException("cannot read " + path + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(real(dir))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new HostException("cannot list " + dir + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public void write(Path path, byte[] content, FileAttrs attrs) {
        // A replaced file keeps its mode and owner unless the state asks for others.
        Optional<FileInfo> old = stat(path).filter(FileInfo::isFile);
        Integer mode = attrs.mode() != null ? attrs.mode() : old.map(FileInfo::mode).orElse(DEFAULT_FILE_MODE);
        String user = attrs.user() != null ? attrs.user() : old.map(FileInfo::user).orElse(null);
        String group = attrs.group() != null ? attrs.group() : old.map(FileInfo::group).orElse(null);
        try {
            AtomicFiles.write(real(path), content, tmp -> {
                setMode(tmp, mode);
                if (user != null || group != null) setOwner(tmp, user, group);
            });
        } catch (IOException e) {
            throw new HostException("cannot write " + path + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public void mkdirs(Path dir, FileAttrs attrs) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        for (Path d = abs; d != null && !Files.isDirectory(real(d)); d = d.getParent()) missing.add(d);
        missing.sort(Comparator.comparingInt(Path::getNameCount));
        try {
            for (Path d : missing) {
                Files.createDirectory(real(d));
                if (attrs.mode() != null) setMode(real(d), attrs.mode());
                if (attrs.user() != null || attrs.group() != null) setOwner(real(d), attrs.user(), attrs.group());
            }
        } catch (IOException e) {
            throw new HostException("cannot create directory " + dir + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public void delete(Path path) {
        Path p = real(path);
        try {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
                }
            } else {
                Files.deleteIfExists(p);
            }
        } catch (DirectoryNotEmptyException e) {
            throw new HostException("cannot delete " + path + ": directory changed while deleting", e);
        } catch (IOException e) {
            throw new HostException("cannot delete " + path + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public void symlink(Path link, Path target) {
        try {
            Files.createSymbolicLink(real(link), target);
        } catch (IOException e) {
            throw new HostException("cannot link " + link + " -> " + target + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public void chmod(Path path, int mode) {
        try {
            setMode(real(path), mode);
        } catch (IOException e) {
            throw new HostException("cannot chmod " + path + ": " + HostException.reason(e), e);
        }
    }

    @Override
    public void chown(Path path, String user, String group) {
        try {
            setOwner(real(path), user, group);
        } catch (IOException e) {
            throw new HostException("cannot chown " + path + ": " + HostException.reason(e), e);
        }
    }

    private static void setMode(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
    }

    private static void setOwner(Path p, String user, String group) throws IOException {
        UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        try {
            if (user != null) {
                UserPrincipal u = names.lookupPrincipalByName(user);
                view.setOwner(u);
            }
            if (group != null) {
                GroupPrincipal g = names.lookupPrincipalByGroupName(group);
                view.setGroup(g);
            }
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IOException("no such user or group '" + e.getName() + "'", e);
        }
    }

    @Override
    public boolean tcpConnect(String host, int port, Duration timeout) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public int httpStatus(String url, Duration timeout) {
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(timeout).proxy(java.net.ProxySelector.of(null)).build();
            java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(timeout).GET().build();
            return client.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | IllegalArgumentException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Override
    public String toString() {
        return root == null ? "LocalHost[/]" : "LocalHost[" + root + "]";
    }

}
