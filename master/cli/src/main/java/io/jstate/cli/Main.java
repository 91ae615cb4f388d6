package io.jstate.cli;

import io.jstate.minion.cli.ExitCodes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code jstate} command line: talks to the master's admin API with the admin certificate. */
public final class Main {
    private static final String GLOBAL_OPTIONS = """

            Options for every command:
              --master URL   the master's admin API (default: $JSTATE_MASTER, else the config's
                             admin.listen, else https://127.0.0.1:4507)
              --pki DIR      the master's pki folder with ca.crt, admin.crt and admin.key (default:
                             $JSTATE_PKI, else the config's data_dir/pki)
              --config FILE  the master's config file (default: /etc/jstate/master.yaml)
              -h, --help     show this help
            """;
    private static final String EXIT_CODES = """

            Exit codes:
              0  every minion returned and succeeded
              1  the job could not start: usage, the master unreachable or refusing, a state tree error
              2  the job ran and some state failed, or some minion refused the job or did not return
            """;
    private static final String TARGETS = """
              -t, --target TARGET  which minions: 'web*' (glob on the id), 'L@a,b', 'G@roles:controller'
                                   (or 'roles:controller'), 'I@key:value', 'N@group', combined with
                                   and / or / not and parentheses
              --batch N|N%         run on N minions, or N% of them, at a time
              --timeout S          how long to wait for each minion's result, in seconds (default: the
                                   master's jobs.default_timeout_seconds)
              --json               print one JSON document at the end instead of live output
            """;

    /** Every command by its path, with its grammar and help. */
    static final Map<String, Args.Spec> COMMANDS = new LinkedHashMap<>();

    static {
        Map<String, Boolean> job = Map.of("--target", true, "--batch", true, "--timeout", true, "--json", false);
        Map<String, String> t = Map.of("-t", "--target");
        COMMANDS.put("keys", new Args.Spec(Map.of(), Map.of(), 0, -1, false, "", """
                Usage: jstate keys list | accept ID | accept --all | reject ID | delete ID
                Minion keys: list them, accept, reject or delete one. Rejecting or deleting a key cuts a
                connected minion off at once.
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("keys list", new Args.Spec(Map.of(), Map.of(), 0, 0, false, "", """
                Usage: jstate keys list
                List every minion key, pending ones first.
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("keys accept", new Args.Spec(Map.of("--all", false), Map.of(), 0, 1, false, "ID", """
                Usage: jstate keys accept ID | --all
                Accept a minion's pending (or rejected) key, or every pending key with --all.
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("keys reject", new Args.Spec(Map.of(), Map.of(), 1, 1, false, "ID", """
                Usage: jstate keys reject ID
                Reject a minion's key; a connected minion with it is cut off at once.
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("keys delete", new Args.Spec(Map.of(), Map.of(), 1, 1, false, "ID", """
                Usage: jstate keys delete ID
                Delete a minion's key; a connected minion with it is cut off at once and must enroll again.
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("minions", new Args.Spec(Map.of("--target", true), t, 0, 0, false, "", """
                Usage: jstate minions [-t TARGET]
                List the minions a target matches (default: all): connected, last seen, roles, addresses.
                  -t, --target TARGET  e.g. 'web*', 'G@roles:controller', 'N@controllers and not db1'
                """ + GLOBAL_OPTIONS));
        Map<String, Boolean> apply = new LinkedHashMap<>(job);
        apply.put("--test", false);
        COMMANDS.put("apply", new Args.Spec(apply, t, 0, Integer.MAX_VALUE, false, "", """
                Usage: jstate apply [highstate | SLS ...] -t TARGET [--test] [--batch N|N%] [--timeout S] [--json]
                Apply states on the targeted minions: each minion's top ('highstate', the default) or the
                SLS named. Each state shows as it finishes, then a summary per minion and the totals.
                  --test               dry run: report what would change and change nothing
                """ + TARGETS + GLOBAL_OPTIONS + EXIT_CODES));
        COMMANDS.put("run", new Args.Spec(job, t, 1, Integer.MAX_VALUE, true, "FUNCTION", """
                Usage: jstate run -t TARGET [--batch N|N%] [--timeout S] [--json] FUNCTION [ARGS...]
                Run an execution function on the targeted minions and print what each returned. Options
                go before FUNCTION; everything after it is the function's arguments.
                Functions: test.ping, cmd.run CMD, grains.items, pkg.version NAME..., service.status
                NAME..., state.show_plan [SLS...].
                """ + TARGETS + GLOBAL_OPTIONS + EXIT_CODES));
        COMMANDS.put("orchestrate", new Args.Spec(Map.of("--test", false, "--timeout", true, "--json", false, "--choose", true), Map.of(), 1, 1, false,
                "NAME|FILE", """
                Usage: jstate orchestrate NAME|FILE [--test] [--choose RULE=VALUE] [--timeout S] [--json]
                Run an orchestration: ordered stages across targets, each applying states or running a
                function on its target (N at a time with batch), then its health gate. Elections gather
                facts from every targeted minion and choose, e.g. which Galera node bootstraps. The first
                stage that fails stops the line. NAME is orch/NAME.yaml in the master's state tree; a
                path to an existing .yaml file sends that file.
                  --test       dry run: states report what they would change; functions and gates do
                               not run; elections do (they only gather facts)
                  --choose RULE=VALUE
                               the operator's choice for an election that refuses to choose, e.g.
                               --choose galera=ctl2 after a full outage where ctl3 is lost for good
                               (facts are still gathered; a choice that is unsafe is refused)
                  --timeout S  default time each minion may take per stage, in seconds
                  --json       print one JSON document at the end: stages, jobs, elections, result
                Example: jstate orchestrate openstack-ha
                """ + GLOBAL_OPTIONS + """

                Exit codes:
                  0  every stage succeeded (or was skipped)
                  1  the orchestration could not start: the file was refused, the master unreachable
                  2  a stage failed; the line stopped there
                """));
        COMMANDS.put("jobs", new Args.Spec(Map.of(), Map.of(), 0, -1, false, "", """
                Usage: jstate jobs list [--limit N] | show JID [--json]
                Recent jobs, or one job's results, also of a job whose CLI was interrupted.
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("jobs list", new Args.Spec(Map.of("--limit", true), Map.of(), 0, 0, false, "", """
                Usage: jstate jobs list [--limit N]
                List recent jobs, newest first: jid, start, target, what, minions, state.
                  --limit N  how many jobs (default: 20)
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("jobs show", new Args.Spec(Map.of("--json", false), Map.of(), 1, 1, false, "JID", """
                Usage: jstate jobs show JID [--json]
                Show a job's results as apply or run printed them, with their exit codes.
                  --json  print one JSON document, as apply --json and run --json do
                """ + GLOBAL_OPTIONS + EXIT_CODES));
        webCommands();
    }

    /** The dashboard's commands: they work on the master's files, not through its admin API. */
    private static void webCommands() {
        COMMANDS.put("web", new Args.Spec(Map.of(), Map.of(), 0, -1, false, "", """
                Usage: jstate web passwd USER [--users-file FILE]
                The master's web dashboard: set an operator's password.
                """ + GLOBAL_OPTIONS));
        COMMANDS.put("web passwd", new Args.Spec(Map.of("--users-file", true), Map.of(), 1, 1, false, "USER", """
                Usage: jstate web passwd USER [--users-file FILE]
                Set (or add) the dashboard login USER with a new password, asked twice on a terminal or
                read from the first line of stdin otherwise. Run it on the master as root: it rewrites the
                users file (the config's web.users_file, default web-users beside the config) with mode
                0640; the master reads it again at the next login.
                  --users-file FILE  write this file instead
                Examples:
                  jstate web passwd alice
                  printf '%s\\n' "$PASSWORD" | jstate web passwd ci-bot
                """ + GLOBAL_OPTIONS));
    }

    private static final String USAGE = """
            Usage: jstate [--master URL] [--pki DIR] [--config FILE] COMMAND ...
            Drive a jstate master: minion keys, minions and jobs.

            Commands:
              keys list | accept ID | accept --all | reject ID | delete ID
              minions [-t TARGET]
              apply [highstate | SLS ...] -t TARGET [--test] [--batch N|N%] [--timeout S] [--json]
              run -t TARGET [--batch N|N%] [--timeout S] [--json] FUNCTION [ARGS...]
              orchestrate NAME|FILE [--test] [--choose RULE=VALUE] [--timeout S] [--json]
              jobs list [--limit N] | show JID [--json]
              web passwd USER
            'jstate COMMAND --help' tells more about each.
            """ + GLOBAL_OPTIONS + EXIT_CODES;

    private final Context ctx;
    private final Args args;

    private Main(Context ctx, Args args) {
        this.ctx = ctx;
        this.args = args;
    }

    public static void main(String[] args) {
        // Every command but help talks to the master over TLS: its arithmetic is prepared from the start.
        if (args.length > 0 && !List.of(args).contains("--help") && !List.of(args).contains("-h")) Pki.warmUp();
        LocalClock clock = LocalClock.start();
        boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
        Context ctx = new Context(System.out, System.err, System.getenv(), clock, color,
                Context.MARGIN, true);
        int code = run(args, ctx);
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] argv, Context ctx) {
        Args args;
        try {
            args = Args.parse(argv, COMMANDS);
        } catch (Args.UsageException e) {
            return usageError(ctx, e.path, e.getMessage());
        }
        if (args.flag("--help")) {
            ctx.out().print(args.path.isEmpty() ? USAGE : COMMANDS.get(args.path).usage());
            return ExitCodes.OK;
        }
        if (args.path.isEmpty() || COMMANDS.get(args.path).maxPositional() < 0) {
            return usageError(ctx, args.path, "a command is required");
        }
        Main main = new Main(ctx, args);
        try {
            return main.dispatch();
        } catch (Args.UsageException e) {
            return usageError(ctx, e.path, e.getMessage());
        } catch (CliException e) {
            ctx.err().println("jstate: " + e.getMessage());
            return ExitCodes.CANNOT_START;
        } catch (RuntimeException e) {
            ctx.err().println("jstate: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (ctx.env().get("JSTATE_DEBUG") != null) e.printStackTrace(ctx.err());
            return ExitCodes.CANNOT_START;
        }
    }

    private int dispatch() throws CliException, Args.UsageException {
        return switch (args.path) {
            case "keys list" -> new KeysCommand(this, ctx).list();
            case "keys accept" -> new KeysCommand(this, ctx).accept(first(), args.flag("--all"));
            case "keys reject" -> new KeysCommand(this, ctx).reject(first());
            case "keys delete" -> new KeysCommand(this, ctx).delete(first());
            case "minions" -> new MinionsCommand(this, ctx).call(args.value("--target"));
            case "apply" -> new ApplyCommand(this, ctx).call(JobOptions.of(args), args.positionals, args.flag("--test"));
            case "run" -> new RunCommand(this, ctx).call(JobOptions.of(args), args.positionals.get(0),
                    args.positionals.subList(1, args.positionals.size()));
            case "orchestrate" -> new OrchestrateCommand(this, ctx).call(first(), args.flag("--test"), args.value("--choose"), args.positive("--timeout"),
                    args.flag("--json"));
            case "jobs list" -> new JobsCommand(this, ctx).list(limit());
            case "jobs show" -> new JobsCommand(this, ctx).show(first(), args.flag("--json"));
            case "web passwd" -> new WebPasswdCommand(ctx, System.in, ctx.process() ? System.console() : null)
                    .call(first(), args.value("--config"), args.value("--users-file"));
            default -> throw new IllegalStateException("no command " + args.path);
        };
    }

    private String first() {
        return args.positionals.isEmpty() ? null : args.positionals.get(0);
    }

    private int limit() throws Args.UsageException {
        Long n = args.positive("--limit");
        return n == null ? 20 : (int) Math.min(n, 10_000);
    }

    private static int usageError(Context ctx, String path, String message) {
        String command = path.isEmpty() ? "jstate" : "jstate " + path;
        ctx.err().println(command + ": " + message);
        ctx.err().println("Try '" + command + " --help'.");
        return ExitCodes.CANNOT_START;
    }

    /** A client for the master these options and the environment point at. */
    AdminClient client() throws CliException {
        return new AdminClient(endpoint());
    }

    Endpoint endpoint() throws CliException {
        String pki = args.value("--pki");
        String config = args.value("--config");
        return Endpoint.resolve(args.value("--master"), pki == null ? null : Path.of(pki),
                config == null ? null : Path.of(config), ctx.env());
    }
}
