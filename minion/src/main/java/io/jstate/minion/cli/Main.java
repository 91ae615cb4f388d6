package io.jstate.minion.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jstate-minion} command line. */
@Command(name = "jstate-minion", description = "Apply jstate states to this machine.")
public final class Main implements Callable<Integer> {

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream err;

    private Main(PrintStream err) {
        this.err = err;
    }

    public static void main(String[] args) {
        boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
        int code = run(args, System.out, System.err, ApplyCommand.system(System.out, System.err, color));
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err, ApplyCommand apply) {
        CommandLine cmd = new CommandLine(new Main(err)).addSubcommand("apply", apply);
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

    @Override
    public Integer call() {
        err.println("jstate-minion: a command is required: apply");
        spec.commandLine().usage(err);
        return ExitCodes.CANNOT_START;
    }
}
