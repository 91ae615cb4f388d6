package io.jstate.master.web;

import io.jstate.common.auth.PasswordHash;
import io.jstate.common.auth.UsersFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The operators who may log in to the dashboard, from the users file. The file is read again
 * whenever it changes (another size, modification time or inode), so {@code jstate web passwd}
 * takes effect without a restart. A file that cannot be read or parsed lets nobody in, and says why
 * in the log: a broken file must not keep a removed user's old password working.
 */
final class WebUsers {
    private static final Logger LOG = Logger.getLogger(WebUsers.class.getName());

    private final Path file;
    private Object seen;
    private Map<String, String> users = Map.of();

    WebUsers(Path file) {
        this.file = file;
    }

    /** Whether {@code password} is {@code name}'s; as slow for an unknown (or missing) name as for a known one. */
    boolean check(String name, char[] password) {
        String hash = name == null ? null : current().get(name);
        if (hash == null) {
            PasswordHash.burn(password);
            return false;
        }
        return PasswordHash.verify(password, hash);
    }

    private synchronized Map<String, String> current() {
        Object stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = java.util.List.of(a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey()));
        } catch (NoSuchFileException e) {
            stamp = "absent";
        } catch (IOException e) {
            stamp = "unreadable: " + e;
        }
        if (Objects.equals(stamp, seen)) return users;
        seen = stamp;
        try {
            users = UsersFile.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            LOG.info(() -> "web users: " + users.size() + " operator(s) from " + file);
        } catch (NoSuchFileException e) {
            users = Map.of();
            LOG.info(() -> "web users: no " + file + " yet; create a login with: jstate web passwd NAME");
        } catch (IOException | RuntimeException e) {
            users = Map.of();
            LOG.warning(() -> "web users: nobody can log in until " + file + " is fixed: " + e.getMessage());
        }
        return users;
    }
}
