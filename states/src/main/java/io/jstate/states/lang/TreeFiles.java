package io.jstate.states.lang;

import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Source;
import io.jstate.states.host.HostException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The one way the files of a tree (state tree or pillar tree) are read: SLS and top files,
 * includes, templates, partials, file sources and orchestrations all come through here.
 *
 * <p>A file is opened by its real path, every symbolic link resolved, and only when that path is
 * inside the tree's own real root: a link that leads out of the tree is refused, not followed.
 * Folders given as {@code refused} (the master's data folder, which holds its CA key) are never
 * read, even when an operator puts them inside a tree. Text files are UTF-8 and at most
 * {@link #MAX_TEXT_BYTES}; a file that breaks either rule is refused with its name (and the first
 * bad line).
 */
public final class TreeFiles {
    /** The largest SLS, top, pillar, template or partial file the loader reads: 8 MiB. */
    public static final int MAX_TEXT_BYTES = 8 << 20;

    private final Path root;
    private final Path realRoot;
    private final List<Path> refused;

    /**
     * @param root    the tree's folder as configured
     * @param refused folders no file of the tree may be in (after resolving links)
     */
    public TreeFiles(Path root, Collection<Path> refused) {
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = real(this.root);
        List<Path> r = new ArrayList<>();
        for (Path p : refused) r.add(real(p.toAbsolutePath().normalize()));
        this.refused = List.copyOf(r);
    }

    /** A tree with no refused folders (masterless runs, tests). */
    public static TreeFiles of(Path root) {
        return new TreeFiles(root, Set.of());
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            // A folder that does not exist holds nothing; comparing with its plain path is enough.
            return p;
        }
    }

    /** The tree's folder as configured, for messages. */
    public Path root() {
        return root;
    }

    /**
     * Whether {@code rel} (a '/' separated path from the root) names a regular file of the tree.
     *
     * @throws PlanException when it does, but only through a link that leaves the tree or into a
     *                       refused folder
     */
    public boolean isFile(String rel) {
        return find(rel) != null;
    }

    /** The file's bytes as they are. */
    public byte[] bytes(String rel) {
        return read(rel, Integer.MAX_VALUE - 9);
    }

    /** The file as UTF-8 text, at most {@link #MAX_TEXT_BYTES}. */
    public String text(String rel) {
        return decode(rel, read(rel, MAX_TEXT_BYTES));
    }

    /** Every SLS name of the tree (links are not followed), for "did you mean" suggestions. */
    public Set<String> slsNames() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".sls") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                String rel = root.relativize(p).toString().replace('\\', '/');
                rel = rel.substring(0, rel.length() - 4);
                if (rel.endsWith("/init")) rel = rel.substring(0, rel.length() - 5);
                if (!rel.equals("top")) out.add(rel.replace('/', '.'));
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return out;
        }
        return out;
    }

    /** The real path of a regular file of the tree, null when there is none. */
    private Path find(String rel) {
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || !Files.isRegularFile(p)) return null;
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            return null;
        }
        if (!real.startsWith(realRoot)) {
            throw error(rel, 0, "is a link to " + real + ", outside the tree " + root + "; files are only read from inside their tree");
        }
        for (Path r : refused) {
            if (real.startsWith(r)) throw error(rel, 0, "is inside " + r + ", the master's data folder, which no tree may read");
        }
        if (!refused.isEmpty() && links(real) > 1 && (refusedLinked().contains(UNKNOWN) || refusedLinked().contains(fileKey(real)))) {
            throw error(rel, 0, "is a hard link to a file of the master's data folder, which no tree may read");
        }
        return real;
    }

    // The identities of the files in refused folders that have more than one name, found once and
    // only when a tree file has more than one name itself: a hard link has no path to compare.
    private Set<Object> refusedLinked;

    private synchronized Set<Object> refusedLinked() {
        if (refusedLinked != null) return refusedLinked;
        Set<Object> keys = new java.util.HashSet<>();
        for (Path r : refused) {
            if (!Files.isDirectory(r, LinkOption.NOFOLLOW_LINKS)) continue;
            try (Stream<Path> files = Files.walk(r)) {
                files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && links(f) > 1).forEach(f -> keys.add(fileKey(f)));
            } catch (IOException | java.io.UncheckedIOException e) {
                // A data folder that cannot be walked whole: refuse every multiply-linked tree file.
                keys.add(UNKNOWN);
            }
        }
        refusedLinked = keys;
        return keys;
    }

    private static final Object UNKNOWN = new Object();

    private static int links(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    private static Object fileKey(Path p) {
        try {
            Object k = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return k == null ? p : k;
        } catch (IOException e) {
            return p;
        }
    }

    private byte[] read(String rel, int limit) {
        Path real = find(rel);
        if (real == null) throw error(rel, 0, "no such file in " + root);
        // The real path has no links left; NOFOLLOW_LINKS keeps one swapped in since from being followed.
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(real, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw error(rel, 0, "is larger than " + (limit >> 20) + " MiB, the limit for files the loader reads");
            }
            return b;
        } catch (IOException e) {
            throw error(rel, 0, "cannot be read: " + HostException.reason(e));
        }
    }

    /** Strict UTF-8: a malformed byte is an error at its line, not a replacement character. */
    private static String decode(String rel, byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) r = d.flush(out);
        if (r.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) if (b[i] == '\n') line++;
            throw error(rel, line, "is not UTF-8 text (first bad byte on this line); save it as UTF-8");
        }
        return out.flip().toString();
    }

    private static PlanException error(String rel, int line, String message) {
        return new PlanException(new Source(null, rel, line), null, message);
    }
}
