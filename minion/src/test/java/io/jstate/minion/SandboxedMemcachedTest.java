package io.jstate.minion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole masterless path for real: jstate-minion applies the bundled memcached formula inside
 * packaging/sandbox (private mount, network, PID and UTS namespaces with overlays on /etc, /var,
 * /usr, /opt). The Debian package is really installed there (from apt's cache: the sandbox has no
 * network), the config rendered, the daemon started through its init script and asked for its
 * version; a second apply must change nothing. When the sandbox ends, so does everything in it.
 */
@Tag("real")
class SandboxedMemcachedTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void installsConfiguresStartsAndConvergesMemcachedInASandbox(@TempDir Path out) throws Exception {
        boolean onHostBefore = installedOnHost("memcached");
        long memcachedsBefore = countProcesses("memcached");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String apply = String.join(" ", List.of(q(java), "-cp", q(cp), "io.jstate.minion.cli.Main", "apply", "--local",
                "--states", q(REPO.resolve("states/formulas").toString()),
                "--pillar", q(REPO.resolve("examples/quickstart/pillar").toString()), "--json", "memcached"));
        String script = String.join("\n",
                "set -u",
                apply + " > " + q(out.resolve("first.json").toString()) + "; echo $? > " + q(out.resolve("first.rc").toString()),
                apply + " > " + q(out.resolve("second.json").toString()) + "; echo $? > " + q(out.resolve("second.rc").toString()),
                "dpkg-query -W -f='${Status}' memcached > " + q(out.resolve("dpkg").toString()),
                "exec 3<>/dev/tcp/127.0.0.1/11211 && printf 'version\\r\\n' >&3 && read -r line <&3 && echo \"$line\" > "
                        + q(out.resolve("version").toString()));
        ProcessBuilder pb = new ProcessBuilder(REPO.resolve("packaging/sandbox/sandbox").toString(), "--hostname", "jstate-e2e",
                "--", "bash", "-c", script).redirectErrorStream(true).redirectOutput(out.resolve("sandbox.log").toFile());
        pb.directory(REPO.toFile());
        Process p = pb.start();
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("sandboxed apply did not finish in 8 minutes:\n" + Files.readString(out.resolve("sandbox.log")));
        }
        String log = Files.readString(out.resolve("sandbox.log"));
        assertEquals("0", read(out, "first.rc"), "first apply exit code; log:\n" + log + "\n" + readOr(out, "first.json"));
        JsonNode first = JSON.readTree(out.resolve("first.json").toFile());
        assertEquals(0, first.at("/summary/failed").asInt(), first.toPrettyString());
        assertEquals(4, first.at("/summary/total").asInt(), first.toPrettyString());
        JsonNode pkg = state(first, "memcached-pkg");
        // The package is installed inside the sandbox only; if the host has it already, there is nothing to install.
        assertEquals(onHostBefore ? "unchanged" : "changed", pkg.get("result").asText(), pkg.toPrettyString());
        assertEquals("changed", state(first, "memcached-conf").get("result").asText());

        assertEquals("0", read(out, "second.rc"), "second apply exit code; log:\n" + log);
        JsonNode second = JSON.readTree(out.resolve("second.json").toFile());
        assertEquals(0, second.at("/summary/changed").asInt(), "a converged run changes nothing:\n" + second.toPrettyString());
        assertEquals(0, second.at("/summary/failed").asInt());

        assertTrue(read(out, "dpkg").contains("install ok installed"), read(out, "dpkg"));
        assertTrue(read(out, "version").startsWith("VERSION 1."), "memcached answered: " + read(out, "version"));

        // Nothing leaks out of the sandbox: not the package, not the daemon.
        assertEquals(onHostBefore, installedOnHost("memcached"));
        assertEquals(memcachedsBefore, countProcesses("memcached"));
    }

    private static JsonNode state(JsonNode report, String id) {
        for (JsonNode s : report.get("states")) {
            if (s.get("id").asText().equals(id)) return s;
        }
        throw new AssertionError("no state " + id + " in " + report.toPrettyString());
    }

    private static boolean installedOnHost(String pkg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Status}", pkg).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return s.contains("ok installed");
    }

    private static long countProcesses(String comm) throws IOException {
        List<Path> procs = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc"))) {
            s.filter(d -> d.getFileName().toString().matches("\\d+")).forEach(procs::add);
        }
        long n = 0;
        for (Path d : procs) {
            try {
                if (Files.readString(d.resolve("comm")).strip().equals(comm)) n++;
            } catch (IOException gone) {
                // The process ended while we looked.
            }
        }
        return n;
    }

    private static String read(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name)).strip();
    }

    private static String readOr(Path dir, String name) {
        try {
            return read(dir, name);
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    private static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
