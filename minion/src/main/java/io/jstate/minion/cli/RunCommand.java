package io.jstate.minion.cli;

import io.jstate.common.output.ExitCodes;
import io.jstate.minion.daemon.MinionConfig;
import io.jstate.minion.daemon.MinionDaemon;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jstate-minion run}: the daemon, enrolled with a master and running the jobs it sends. */
@Command(name = "run", sortOptions = false, usageHelpAutoWidth = true,
        description = "Run the minion daemon: enroll with the master, keep a connection to it and run the jobs it sends.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (SIGTERM)", "1:could not start (configuration, data folder)"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  jstate-minion run",
            "  jstate-minion run --config /etc/jstate/minion.yaml"})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path config = MinionConfig.DEFAULT_FILE;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    /** Starts the daemon from a configuration file and returns the exit code once it has stopped. */
    interface Starter {
        int start(Path config) throws Exception;
    }

    private final Starter starter;

    RunCommand(Starter starter) {
        this.starter = starter;
    }

    /** The real daemon, logging to {@code err}. */
    static RunCommand system(PrintStream err) {
        return new RunCommand(config -> daemon(config, err));
    }

    @Override
    public Integer call() throws Exception {
        return starter.start(config);
    }

    /**
     * The configuration file when {@code args} is one of the daemon's plain command lines (nothing,
     * {@code run}, {@code run --config FILE} or {@code run --config=FILE}); null for anything else,
     * which goes through the full command line.
     */
    static Path plainDaemon(String[] args) {
        if (args.length == 0 || (args.length == 1 && args[0].equals("run"))) return MinionConfig.DEFAULT_FILE;
        String file = null;
        if (args.length == 3 && args[0].equals("run") && args[1].equals("--config")) file = args[2];
        if (args.length == 2 && args[0].equals("run") && args[1].startsWith("--config=")) file = args[1].substring("--config=".length());
        if (file == null || file.isEmpty() || file.startsWith("-")) return null;
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static int daemon(Path config, PrintStream err) {
        MinionConfig cfg;
        try {
            cfg = MinionConfig.load(config);
        } catch (IllegalArgumentException e) {
            err.println("jstate-minion: " + e.getMessage());
            return ExitCodes.CANNOT_START;
        }
        Consumer<String> log = line -> err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        MinionDaemon daemon = MinionDaemon.system(cfg, log);
        // SIGTERM runs the hook: the daemon winds down (a running job gets a grace period) and keeps its spool.
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "jstate-stop"));
        log.accept("minion " + cfg.id() + " starting; masters " + cfg.masters() + ", data in " + cfg.dataDir());
        try {
            daemon.run();
        } catch (InterruptedException e) {
            // Interrupted by stop(): a normal end.
        }
        return ExitCodes.OK;
    }
}
