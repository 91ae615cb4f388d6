package io.jstate.states.kinds.file;

import io.jstate.states.engine.Change;
import io.jstate.states.host.FileAttrs;
import io.jstate.states.host.FileInfo;
import io.jstate.states.host.Host;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mode, owner and group a state wants on a file or directory; a null part is not managed.
 * Every state that manages a path checks and repairs these through this one record.
 */
public record Perms(Integer mode, String user, String group) {
    public static final Perms UNMANAGED = new Perms(null, null, null);

    public Perms {
        if (mode != null && (mode < 0 || mode > 07777)) {
            throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " is out of range 0000-7777");
        }
        if (user != null && user.isBlank()) user = null;
        if (group != null && group.isBlank()) group = null;
    }

    /** Parses the text operators write for a mode ("0640", "640", "1777"). */
    public static Perms of(String mode, String user, String group) {
        return new Perms(parseMode("mode", mode), user, group);
    }

    /**
     * An octal mode argument, or null when absent. Decimal-looking input such as "420" (what YAML
     * 1.1 makes of an unquoted 0644) cannot be told apart from octal 420, so the text is always
     * read as octal; a digit 8 or 9 or any other character is an error naming the argument.
     */
    public static Integer parseMode(String argument, String text) {
        if (text == null || text.isBlank()) return null;
        String t = text.trim();
        if (t.startsWith("0o")) t = t.substring(2);
        if (!t.matches("[0-7]{3,5}") || Integer.parseInt(t, 8) > 07777) {
            throw new IllegalArgumentException(argument + " must be an octal mode such as \"0644\" or \"0750\" (quote it in YAML), got '" + text + "'");
        }
        return Integer.parseInt(t, 8);
    }

    public FileAttrs attrs() {
        return new FileAttrs(mode, user, group);
    }

    /** What would change on a path that exists as {@code info}; a null info means it is about to be created. */
    public List<Change> drift(FileInfo info) {
        List<Change> out = new ArrayList<>();
        String modeNow = info == null ? null : info.modeString();
        if (mode != null && (info == null || info.mode() != mode)) out.add(Change.of("mode", modeNow, String.format("%04o", mode)));
        if (user != null && (info == null || !user.equals(info.user()))) out.add(Change.of("user", info == null ? null : info.user(), user));
        if (group != null && (info == null || !group.equals(info.group()))) out.add(Change.of("group", info == null ? null : info.group(), group));
        return out;
    }

    /** Repairs mode, owner and group of an existing path as {@link #drift} found them. */
    public void fix(Host host, Path path, FileInfo info) {
        boolean userWrong = user != null && !user.equals(info.user());
        boolean groupWrong = group != null && !group.equals(info.group());
        // Owner first: changing the owner may clear setuid/setgid bits, which chmod then restores.
        if (userWrong || groupWrong) host.chown(path, userWrong ? user : null, groupWrong ? group : null);
        if (mode != null && (info.mode() != mode || userWrong || groupWrong)) host.chmod(path, mode);
    }
}
