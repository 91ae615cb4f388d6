package io.jstate.states.kinds.file;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Secrets;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A regular file whose whole content a state decides (file.managed, the ini states): what is there
 * now, what would change, and the one way to make it so. A symlink at the path is followed, as
 * Salt does, so managing /etc/mysql/my.cnf writes the file the distribution's link points to
 * instead of replacing the link.
 */
public final class FileTarget {
    private static final int MAX_LINKS = 40;

    private final Path named;
    private final Path path;
    private final FileInfo info;
    private final byte[] content;

    private FileTarget(Path named, Path path, FileInfo info, byte[] content) {
        this.named = named;
        this.path = path;
        this.info = info;
        this.content = content;
    }

    /** Looks at the file; fails when a directory or a device is in the way. */
    public static FileTarget observe(Host host, Path named) {
        Path path = follow(host, named);
        Optional<FileInfo> info = host.stat(path);
        if (info.isPresent() && !info.get().isFile()) {
            String what = info.get().isDirectory() ? "a directory" : "not a regular file";
            throw new IllegalStateException(path + " is " + what + "; a file cannot be written there. Remove it first "
                    + "(file.absent) or choose another name");
        }
        return new FileTarget(named, path, info.orElse(null), info.isPresent() ? host.read(path) : null);
    }

    /** The path a symlink chain ends at (the path itself when it is no link). */
    public static Path follow(Host host, Path path) {
        Path p = path;
        for (int i = 0; i < MAX_LINKS; i++) {
            Optional<FileInfo> info = host.stat(p);
            if (info.isEmpty() || !info.get().isSymlink()) return p;
            Path target = Path.of(info.get().linkTarget());
            p = (target.isAbsolute() ? target : p.resolveSibling(target)).normalize();
        }
        throw new IllegalStateException(path + ": too many levels of symbolic links");
    }

    /** The file actually written (after following symlinks). */
    public Path path() {
        return path;
    }

    public boolean exists() {
        return info != null;
    }

    /** The current content; empty when the file does not exist. */
    public byte[] content() {
        return content == null ? new byte[0] : content.clone();
    }

    /**
     * What would change to give the file {@code wanted} (null: content is not managed) and
     * {@code perms}: "created" and the content change for a new file, the content change for
     * changed content, then mode, user and group. The content change is a unified diff when
     * {@link #mayShow} allows it, else only the old and new checksums.
     */
    public List<Change> drift(byte[] wanted, Perms perms, boolean showChanges, Secrets secrets) {
        List<Change> out = new ArrayList<>();
        if (info == null) out.add(Change.of("created", null, named));
        if (wanted != null && (info == null || !Arrays.equals(content, wanted))) {
            out.add(mayShow(wanted, showChanges, secrets)
                    ? Change.diff("content", UnifiedDiff.of(content(), wanted))
                    : Change.of("content", content == null ? null : sha256(content), sha256(wanted)));
        }
        out.addAll(perms.drift(info));
        return out;
    }

    /**
     * Whether a change of this file to {@code wanted} may be shown line by line: not when the state
     * says {@code show_changes: false}, nor when the new content or the content on disk holds a
     * secret (or a line of one). A secret cut at the diff's size limit, or an old secret on the
     * removed side, could not be masked afterwards, so such a file shows checksums only.
     */
    public boolean mayShow(byte[] wanted, boolean showChanges, Secrets secrets) {
        if (!showChanges) return false;
        if (secrets.isEmpty()) return true;
        return !secrets.appearsIn(text(wanted)) && !secrets.appearsIn(text(content));
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** A content's checksum as results show it: {@code sha256:} and 64 hex digits. */
    static String sha256(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /**
     * Makes the file hold {@code wanted} (null: leave the content) with {@code perms}. Content is
     * written atomically with its attributes; mode and owner alone are fixed in place. Missing
     * parent directories are created with {@code dirPerms} when {@code makedirs} is set.
     */
    public void converge(Host host, byte[] wanted, Perms perms, boolean makedirs, Perms dirPerms) {
        if (info == null || (wanted != null && !Arrays.equals(content, wanted))) {
            Path parent = path.getParent();
            if (parent != null && !host.exists(parent)) {
                if (!makedirs) {
                    throw new IllegalStateException("directory " + parent + " does not exist; create it first "
                            + "(file.directory) or set makedirs: true");
                }
                host.mkdirs(parent, dirPerms.attrs());
            }
            host.write(path, wanted == null ? new byte[0] : wanted, perms.attrs());
            return;
        }
        if (!perms.drift(info).isEmpty()) perms.fix(host, path, info);
    }

    /** The path argument of a file state, which must be absolute so no state depends on a working directory. */
    public static Path absolute(String argument, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(argument + " is required");
        Path p = Path.of(value);
        if (!p.isAbsolute()) throw new IllegalArgumentException(argument + " must be an absolute path, got '" + value + "'");
        return p.normalize();
    }

    /** Attributes for directories created on the way to a file: the file's owner with its own mode. */
    public static Perms dirPerms(String dirMode, Perms file) {
        return new Perms(Perms.parseMode("dir_mode", dirMode), file.user(), file.group());
    }
}
