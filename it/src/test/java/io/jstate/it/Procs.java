package io.jstate.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The processes a test starts, each with its output in a log file, and stopped by PID at the end
 * whatever happened: by the test's own cleanup, else by a JVM shutdown hook.
 */
final class Procs implements AutoCloseable {
    /**
     * A started process and the file its stdout and stderr go to, from byte {@code from} on: a log
     * of the same name is appended to, and what earlier processes wrote there is not this one's.
     */
    record Proc(String name, Process process, Path log, long from) {
        Proc(String name, Process process, Path log) {
            this(name, process, log, 0);
        }

        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process.isAlive();
        }

        /** What this process wrote (its log from {@code from}, with the command line written before it). */
        String output() {
            try {
                byte[] all = Files.readAllBytes(log);
                int start = (int) Math.min(from, all.length);
                return new String(all, start, all.length - start, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until the log holds a line that {@code line} accepts; fails after {@code timeout}. */
        String awaitLine(Predicate<String> line, Duration timeout, String what) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (String l : output().split("\n")) if (line.test(l)) return l;
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + ": no " + what + " within " + timeout.toSeconds() + " s; its log:\n" + tail(40));
                }
                if (!alive()) throw new AssertionError(name + " exited (" + process.exitValue() + ") before " + what + "; its log:\n" + tail(40));
                Thread.sleep(100);
            }
        }

        /** How many log lines contain {@code s}. */
        long count(String s) {
            return output().lines().filter(l -> l.contains(s)).count();
        }

        String tail(int lines) {
            List<String> all = output().lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }

        /**
         * Sends {@code signal} ({@code STOP}, {@code CONT}) to the process and its descendants by PID:
         * {@code STOP} freezes it as a hung host or a network cut without FIN would, {@code CONT} thaws it.
         */
        void signal(String signal) throws IOException, InterruptedException {
            List<String> descendants = process.toHandle().descendants().map(h -> String.valueOf(h.pid())).toList();
            kill(signal, List.of(String.valueOf(pid())), true);
            // A descendant may have ended meanwhile.
            if (!descendants.isEmpty()) kill(signal, descendants, false);
        }

        private static void kill(String signal, List<String> pids, boolean check) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
            command.addAll(pids);
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0 && check) throw new IllegalStateException(String.join(" ", command) + " failed: " + said);
        }

        /** SIGKILL, as a crash would end it. */
        void kill9() throws InterruptedException {
            ProcessHandle h = process.toHandle();
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The result of a command run to its end. */
    record Ran(int exit, String out, String err, Duration took) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + took.toMillis() + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path logs;
    private final List<Proc> started = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::killAll, "stop-test-processes");
    private int runs;

    Procs(Path logs) {
        this.logs = logs;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Where the logs of this set of processes go. */
    Path dir() {
        return logs;
    }

    /** Starts a long-running process; its output goes to {@code logs/name.log}. */
    Proc start(String name, List<String> command) throws IOException {
        return start(name, command, java.util.Map.of());
    }

    /** As {@link #start(String, List)}, with {@code env} added to the command's environment. */
    Proc start(String name, List<String> command, java.util.Map<String, String> env) throws IOException {
        Path log = logs.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long from = Files.exists(log) ? Files.size(log) : 0;
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        pb.environment().putAll(env);
        Proc p = new Proc(name, pb.start(), log, from);
        started.add(p);
        return p;
    }

    /**
     * Runs a command to its end, but never longer than {@code timeout}: a command still running
     * then is killed and the test fails.
     */
    Ran run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(command, java.util.Map.of(), timeout);
    }

    /** As {@link #run(List, Duration)}, with {@code env} added to the command's environment. */
    Ran run(List<String> command, java.util.Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        int n;
        synchronized (this) {
            n = ++runs;
        }
        Path out = logs.resolve(String.format("cmd-%03d.out", n));
        Path err = logs.resolve(String.format("cmd-%03d.err", n));
        Files.writeString(logs.resolve(String.format("cmd-%03d.cmd", n)), String.join(" ", command) + "\n");
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        Proc proc = new Proc("command " + n, p, out);
        started.add(proc);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                proc.kill9();
                throw new AssertionError("still running after " + timeout.toSeconds() + " s, killed: " + String.join(" ", command)
                        + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
            }
        } finally {
            started.remove(proc);
        }
        return new Ran(p.exitValue(), Files.readString(out), Files.readString(err), Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Stops one process: SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Proc p, Duration grace) throws InterruptedException {
        ProcessHandle h = p.process().toHandle();
        List<ProcessHandle> children = new ArrayList<>(h.descendants().toList());
        h.destroy();
        if (!p.process().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) h.destroyForcibly();
        p.process().waitFor(10, TimeUnit.SECONDS);
        children.forEach(ProcessHandle::destroyForcibly);
        started.remove(p);
    }

    private void killAll() {
        for (Proc p : started) {
            p.process().toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.process().destroyForcibly();
        }
    }

    /** Stops every process still running, then keeps the logs in {@code keep} (when given). */
    void closeAndKeep(Path keep) throws InterruptedException {
        for (Proc p : List.copyOf(started)) stop(p, Duration.ofSeconds(10));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and the hook runs anyway.
        }
        if (keep == null) return;
        try {
            Files.createDirectories(keep);
            try (var s = Files.list(logs)) {
                for (Path f : s.toList()) Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("cannot keep the test logs in " + keep + ": " + e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closeAndKeep(null);
    }
}
