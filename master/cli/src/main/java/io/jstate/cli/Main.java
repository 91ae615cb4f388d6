package io.jstate.cli;

import io.jstate.minion.cli.ExitCodes;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code jstate} command line: talks to the master's admin API with the admin certificate. */
@Command(name = "jstate", sortOptions = false, usageHelpAutoWidth = true,
        description = "Drive a jstate master: minion keys, minions, jobs.",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done; for a job, every minion returned and succeeded",
            "1:nothing could start (usage, the master unreachable or refusing, a state tree error)",
            "2:a job ran and some state failed, or some minion refused or did not return"})
public final class Main implements Callable<Integer> {

    @Option(names = "--master", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "The master's admin API (default: $JSTATE_MASTER, the config's admin.listen, " + Endpoint.DEFAULT_MASTER + ").")
    String master;

    @Option(names = "--pki", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The master's pki folder with ca.crt, admin.crt, admin.key (default: $JSTATE_PKI, the config's data_dir/pki).")
    Path pki;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The master's config file (default: " + "/etc/jstate/master.yaml" + ").")
    Path config;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final java.util.Set<String> GLOBAL_WITH_VALUE = java.util.Set.of("--master", "--pki", "--config");

    private final Context ctx;

    private Main(Context ctx) {
        this.ctx = ctx;
    }

    public static void main(String[] args) {
        boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
        Context ctx = new Context(System.out, System.err, System.getenv(), Clock.systemDefaultZone(), color,
                Context.MARGIN, true);
        int code = run(args, ctx);
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, Context ctx) {
        Main main = new Main(ctx);
        Map<String, Callable<Integer>> commands = new LinkedHashMap<>();
        commands.put("keys", new KeysCommand(main, ctx));
        commands.put("minions", new MinionsCommand(main, ctx));
        commands.put("apply", new ApplyCommand(main, ctx));
        commands.put("run", new RunCommand(main, ctx));
        commands.put("jobs", new JobsCommand(main, ctx));
        CommandLine cmd = new CommandLine(main);
        // Picocli builds a command's model by reflection, and its classes cannot be archived for a
        // fast start; so only the command asked for is built, and all of them only for help.
        String first = command(args, commands.keySet());
        commands.forEach((name, command) -> {
            if (first == null || first.equals(name)) cmd.addSubcommand(name, command);
        });
        // Everything after the function's name belongs to the function, dashes included.
        if (cmd.getSubcommands().containsKey("run")) cmd.getSubcommands().get("run").setStopAtPositional(true);
        PrintStream out = ctx.out();
        PrintStream err = ctx.err();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println(e.getCommandLine().getCommandSpec().qualifiedName() + ": " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.CANNOT_START;
        });
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof CliException) {
                err.println("jstate: " + e.getMessage());
            } else {
                err.println("jstate: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                if (ctx.env().get("JSTATE_DEBUG") != null) e.printStackTrace(err);
            }
            return ExitCodes.CANNOT_START;
        });
        return cmd.execute(args);
    }

    /** The command named on the line: the first word that is a command and not the value of a global option. */
    static String command(String[] args, java.util.Set<String> names) {
        for (int i = 0; i < args.length; i++) {
            if (GLOBAL_WITH_VALUE.contains(args[i])) i++;
            else if (names.contains(args[i])) return args[i];
            else if (!args[i].startsWith("-")) return null;
        }
        return null;
    }

    /** A client for the master these options and the environment point at. */
    AdminClient client() throws CliException {
        return new AdminClient(endpoint());
    }

    Endpoint endpoint() throws CliException {
        return Endpoint.resolve(master, pki, config, ctx.env());
    }

    @Override
    public Integer call() {
        ctx.err().println("jstate: a command is required: keys, minions, apply, run or jobs");
        spec.commandLine().usage(ctx.err());
        return ExitCodes.CANNOT_START;
    }

    /** For a command that groups others ("keys", "jobs") and was given none of them. */
    static int subcommandRequired(CommandLine.Model.CommandSpec spec, PrintStream err) {
        err.println(spec.qualifiedName() + ": a command is required: " + String.join(", ", spec.subcommands().keySet()));
        spec.commandLine().usage(err);
        return ExitCodes.CANNOT_START;
    }
}
