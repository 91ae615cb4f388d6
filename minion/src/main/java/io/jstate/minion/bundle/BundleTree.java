package io.jstate.minion.bundle;

import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.BundleFile;
import io.jstate.common.wire.Peers;
import io.jstate.common.wire.Structs;
import io.jstate.states.host.HostException;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.PillarData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's bundle written out as a state tree in a fresh private folder, ready for the compiler,
 * and removed again when the job is done.
 */
public final class BundleTree implements AutoCloseable {
    private final Path root;
    private final Bundle bundle;

    private BundleTree(Path root, Bundle bundle) {
        this.root = root;
        this.bundle = bundle;
    }

    /**
     * Writes the bundle's files below a new temporary folder.
     *
     * @throws IllegalArgumentException when a file's path would leave the folder (absolute, or
     *                                  with '..'), is given twice or is also a folder of another
     *                                  file, or the pillar nests too deep; nothing is left behind then
     */
    public static BundleTree write(Bundle bundle) {
        Set<String> paths = new HashSet<>();
        Set<String> folders = new HashSet<>();
        for (BundleFile f : bundle.getFilesList()) {
            String path = f.getPath();
            checkPath(path);
            if (!paths.add(path)) throw new IllegalArgumentException("the bundle holds the file '" + path + "' twice");
            for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) folders.add(path.substring(0, i));
        }
        for (String path : paths) {
            if (folders.contains(path)) throw new IllegalArgumentException("the bundle holds '" + path + "' both as a file and as a folder");
        }
        // A pillar that cannot be read fails here, before anything is written.
        Structs.map(bundle.getPillar());
        Path root;
        try {
            root = Files.createTempDirectory("jstate-job-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for the job's state tree: " + HostException.reason(e), e);
        }
        BundleTree tree = new BundleTree(root, bundle);
        try {
            for (BundleFile f : bundle.getFilesList()) {
                Path p = root.resolve(f.getPath());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getContent().toByteArray());
            }
        } catch (IOException e) {
            tree.close();
            throw new UncheckedIOException("cannot write the job's state tree: " + HostException.reason(e), e);
        }
        return tree;
    }

    /** A bundle path is relative, '/' separated, and never climbs out with '..'. */
    static void checkPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0
                || Path.of(path).isAbsolute()) {
            throw new IllegalArgumentException("the bundle holds a file with the path '" + path + "': it must be relative to the tree's root");
        }
        for (String part : path.split("/")) {
            if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                throw new IllegalArgumentException("the bundle holds a file with the path '" + path + "': '.', '..' and empty parts are not allowed");
            }
        }
    }

    public Path root() {
        return root;
    }

    /** What to compile: this tree, the master's pillar slice and secrets, the roles it assigns, and the target's peers. */
    public CompileRequest request(String minionId, Map<String, Object> grains, List<String> targets) {
        List<String> what = targets.isEmpty() ? List.of("highstate") : targets;
        PillarData pillar = new PillarData(Structs.map(bundle.getPillar()), bundle.getSecretsList());
        return new CompileRequest(root, null, grains, minionId, Peers.forTemplates(bundle.getPeersList()), what, bundle.getNodegroupsMap(), pillar,
                bundle.getRolesList());
    }

    @Override
    public void close() {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A leftover temporary folder is harmless; the job's result matters more.
        }
    }
}
