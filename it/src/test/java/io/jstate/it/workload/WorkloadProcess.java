package io.jstate.it.workload;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.ConnectionFactory;
import io.jstate.common.net.HostPort;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One workload command ({@link Main}) as a child process in a network namespace, from a test: the
 * lab's addresses exist only in its namespaces, so the test's own JVM cannot reach them. Its
 * output goes to {@code DIR/COMMAND.out} and {@code .err}; {@link #await} waits at most its bound,
 * then ends the process and says what it was waiting for.
 */
public final class WorkloadProcess implements AutoCloseable {
    /** The file in a workload's folder that ends its writers and publishers early ({@link #stopEarly}). */
    static final String STOP_FILE = "stop";

    private final Process process;
    private final String command;
    private final Path dir;

    private WorkloadProcess(Process process, String command, Path dir) {
        this.process = process;
        this.command = command;
        this.dir = dir;
    }

    /**
     * Starts {@code Main COMMAND --dir DIR ARGS...} in the network namespace at {@code netns} (e.g.
     * {@code /run/netns/jlab-wl-master}).
     */
    public static WorkloadProcess start(Path netns, Path dir, String command, String... args) throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netns, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath(), Main.class.getName(), command, "--dir", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(command + ".out").toFile()).redirectError(dir.resolve(command + ".err").toFile());
        return new WorkloadProcess(pb.start(), command, dir);
    }

    /** The workload's classes and its clients' jars, as this JVM loaded them. */
    static String classpath() {
        Set<String> out = new LinkedHashSet<>();
        for (Class<?> c : List.of(Main.class, org.mariadb.jdbc.Driver.class, ConnectionFactory.class, org.slf4j.LoggerFactory.class, ObjectMapper.class,
                JsonFactory.class, JsonProperty.class, HostPort.class)) {
            try {
                out.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("where " + c.getName() + " was loaded from: " + e.getMessage(), e);
            }
        }
        return String.join(":", out);
    }

    /**
     * Ends the writers and publishers of every workload running in {@code dir} at their next turn
     * (their {@code --seconds} still bound them when this is never called); the AMQP consumer then
     * drains as at its normal end.
     */
    public static void stopEarly(Path dir) throws IOException {
        Files.writeString(dir.resolve(STOP_FILE), "");
    }

    /** The broker the AMQP publisher is connected to now, empty before it connected. */
    public String publisherBroker() throws IOException {
        Path f = dir.resolve(AmqpWorkload.BROKER_FILE);
        return Files.isRegularFile(f) ? Files.readString(f).trim() : "";
    }

    /** Waits at most {@code bound} for the command to end, then reads its result. */
    public <T> T await(Duration bound, Class<T> type) throws IOException, InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("workload " + command + " still ran after " + bound.toSeconds() + " s; ended it. Its stderr: " + tail(".err"));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("workload " + command + " exited " + process.exitValue() + ": " + tail(".err"));
        }
        return Json.read(dir.resolve(command + ".json"), type);
    }

    private String tail(String suffix) throws IOException {
        Path f = dir.resolve(command + suffix);
        if (!Files.isRegularFile(f)) return "(none)";
        String s = Files.readString(f, StandardCharsets.UTF_8);
        return s.length() > 3000 ? "..." + s.substring(s.length() - 3000) : s;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
