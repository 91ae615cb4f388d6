package io.jstate.minion.cli;

import io.jstate.common.output.ExitCodes;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jstate-minion} command line. */
@Command(name = "jstate-minion",
        description = "The jstate minion: without a command, the daemon (as 'run'); 'apply --local' applies states masterless.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  jstate-minion",
            "  jstate-minion run --config /etc/jstate/minion.yaml",
            "  jstate-minion apply --local --states /srv/states --test",
            "  jstate-minion apply --help"})
public final class Main implements Callable<Integer> {

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream err;
    private final RunCommand daemon;

    private Main(PrintStream err, RunCommand daemon) {
        this.err = err;
        this.daemon = daemon;
    }

    public static void main(String[] args) {
        Path config = RunCommand.plainDaemon(args);
        if (config != null) {
            // The daemon's usual command lines start it without building the command-line model,
            // whose classes and help texts the daemon would otherwise keep for its whole life.
            System.exit(RunCommand.daemon(config, System.err));
        }
        boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
        int code = run(args, System.out, System.err, ApplyCommand.system(System.out, System.err, color), RunCommand.system(System.err));
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err, ApplyCommand apply) {
        return run(args, out, err, apply, RunCommand.system(err));
    }

    static int run(String[] args, PrintStream out, PrintStream err, ApplyCommand apply, RunCommand daemon) {
        CommandLine cmd = commandLine(err, apply, daemon);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.CANNOT_START;
        });
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            err.println("jstate-minion: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("JSTATE_DEBUG") != null) e.printStackTrace(err);
            return ExitCodes.CANNOT_START;
        });
        return cmd.execute(args);
    }

    /** The command line's model: the daemon as the main command, with its subcommands. */
    static CommandLine commandLine(PrintStream err, ApplyCommand apply, RunCommand daemon) {
        return new CommandLine(new Main(err, daemon)).addSubcommand("apply", apply).addSubcommand("run", daemon);
    }

    /** Without a command the minion is the daemon with its default configuration, as a service manager starts it. */
    @Override
    public Integer call() throws Exception {
        return daemon.call();
    }
}
