package io.jstate.cli;

import io.jstate.common.output.ExitCodes;
import io.jstate.common.auth.PasswordHash;
import io.jstate.common.auth.UsersFile;
import io.jstate.common.files.AtomicFiles;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import io.jstate.common.config.MasterConfig;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code jstate web passwd USER}: sets a dashboard operator's password in the master's users file
 * (the config's web.users_file, by default {@code web-users} beside the config). This works on the
 * file directly, not through the master, which reads the file again when it changes. The password
 * comes from the terminal (asked twice) or, when stdin is not a terminal, from its first line. The
 * file is rewritten atomically, mode 0640, keeping its owner and group (a new file gets the group
 * jstate when there is one, so the master's system user can read it).
 */
final class WebPasswdCommand {
    private final Context ctx;
    private final InputStream stdin;
    private final Console console;

    WebPasswdCommand(Context ctx, InputStream stdin, Console console) {
        this.ctx = ctx;
        this.stdin = stdin;
        this.console = console;
    }

    int call(String user, String configOption, String usersOption) throws CliException {
        if (!UsersFile.NAME.matcher(user).matches()) {
            throw new CliException("'" + user + "' is not a user name: letters, digits, '.', '_', '@' or '-', at most 64");
        }
        Path file = usersFile(configOption, usersOption);
        String old;
        try {
            old = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            old = "";
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            UsersFile.parse(file.toString(), old);
        } catch (UsersFile.BadLine e) {
            throw new CliException(e.getMessage() + "; fix the file first (nothing was changed)");
        }
        char[] password = password();
        try {
            if (password.length < 8) throw new CliException("the password must have at least 8 characters (nothing was changed)");
            String text = UsersFile.set(old, user, PasswordHash.hash(password));
            write(file, text);
        } finally {
            Arrays.fill(password, '\0');
        }
        ctx.out().println("password of " + user + " set in " + file + "; the master reads it at the next login");
        return ExitCodes.OK;
    }

    private char[] password() throws CliException {
        if (console != null) {
            char[] a = console.readPassword("New password for the dashboard: ");
            char[] b = console.readPassword("Again: ");
            if (a == null || b == null) throw new CliException("no password given (nothing was changed)");
            boolean same = Arrays.equals(a, b);
            Arrays.fill(b, '\0');
            if (!same) {
                Arrays.fill(a, '\0');
                throw new CliException("the passwords differ (nothing was changed)");
            }
            return a;
        }
        try {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            if (line == null) throw new CliException("no password on stdin (nothing was changed)");
            return line.toCharArray();
        } catch (IOException e) {
            throw new CliException("cannot read the password from stdin: " + e.getMessage());
        }
    }

    /** --users-file, else the config's web.users_file (relative to the config's folder), else web-users beside the config. */
    static Path usersFile(String configOption, String usersOption) throws CliException {
        if (usersOption != null) return Path.of(usersOption).toAbsolutePath();
        Path config = configOption != null ? Path.of(configOption) : MasterConfig.DEFAULT_FILE;
        if (configOption != null || Files.isRegularFile(config)) return Endpoint.load(config).web().usersFile();
        return config.toAbsolutePath().getParent().resolve("web-users").normalize();
    }

    private static void write(Path file, String text) throws CliException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            PosixFileAttributes before = null;
            try {
                before = Files.readAttributes(file, PosixFileAttributes.class);
            } catch (NoSuchFileException e) {
                // A new file: owned by whoever runs this, group jstate when it exists.
            }
            UserPrincipal owner = before == null ? null : before.owner();
            GroupPrincipal group = before == null ? jstateGroup(file) : before.group();
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), tmp -> {
                Files.setAttribute(tmp, "unix:mode", 0640);
                PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
                if (owner != null) view.setOwner(owner);
                if (group != null) view.setGroup(group);
            });
        } catch (IOException | RuntimeException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage() + " (nothing was changed)");
        }
    }

    private static GroupPrincipal jstateGroup(Path file) {
        try {
            return file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("jstate");
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
