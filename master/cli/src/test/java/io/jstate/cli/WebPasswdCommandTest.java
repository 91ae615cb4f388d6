package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.common.auth.PasswordHash;
import io.jstate.common.auth.UsersFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebPasswdCommandTest {
    @TempDir
    Path tmp;

    @Test
    void setsAPasswordInTheUsersFileTheConfigNames() throws Exception {
        Path config = tmp.resolve("master.yaml");
        Files.writeString(config, "web: {users_file: operators}\n");
        Path users = tmp.resolve("operators");
        Files.writeString(users, "# dashboard logins\nbob:" + PasswordHash.hash("bob-password".toCharArray()) + "\n");
        assertEquals(0, run("correct horse\n", "alice", config));
        Map<String, String> parsed = UsersFile.parse("f", Files.readString(users));
        assertEquals(java.util.List.of("bob", "alice"), java.util.List.copyOf(parsed.keySet()));
        assertTrue(PasswordHash.verify("correct horse".toCharArray(), parsed.get("alice")));
        assertTrue(PasswordHash.verify("bob-password".toCharArray(), parsed.get("bob")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        assertTrue(Files.readString(users).startsWith("# dashboard logins\n"));
    }

    @Test
    void theDefaultFileIsBesideTheConfigAndBadInputChangesNothing() throws Exception {
        Path config = tmp.resolve("master.yaml");
        Files.writeString(config, "data_dir: data\n");
        assertEquals(tmp.resolve("web-users"), WebPasswdCommand.usersFile(config.toString(), null));
        CliException shortOne = assertThrows(CliException.class, () -> call("short\n", "alice", config));
        assertTrue(shortOne.getMessage().contains("at least 8"), shortOne.getMessage());
        assertTrue(Files.notExists(tmp.resolve("web-users")));
        Files.writeString(tmp.resolve("web-users"), "alice:md5$nope\n");
        CliException broken = assertThrows(CliException.class, () -> call("long enough\n", "alice", config));
        assertTrue(broken.getMessage().contains("web-users, line 1 (user alice)"), broken.getMessage());
        assertEquals("alice:md5$nope\n", Files.readString(tmp.resolve("web-users")));
        assertThrows(CliException.class, () -> call("long enough\n", "not a name", config));
    }

    private int run(String stdin, String user, Path config) throws CliException {
        return call(stdin, user, config);
    }

    private int call(String stdin, String user, Path config) throws CliException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), Map.of(),
                Clock.systemUTC(), false, Context.MARGIN, false);
        return new WebPasswdCommand(ctx, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null).call(user, config.toString(), null);
    }
}
