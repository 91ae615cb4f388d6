package io.jstate.cli;

import io.jstate.common.output.ExitCodes;
import io.jstate.common.wire.MinionIds;
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
                Usage: jstate keys list [--json] | accept ID [--role ROLES] | accept --all | roles ID ROLES | reject ID | delete ID
                Minion keys: list them, accept, reject or delete one, set the roles the master assigns it.
                Rejecting or deleting a key cuts a connected minion off at once.
                """ + GLOBAL_OPTIONS + examples("jstate keys list", "jstate keys accept web1", "jstate keys accept --all",
                "jstate keys accept db1 --role db", "jstate keys roles ctl1 controller,db", "jstate keys reject rogue1",
                "jstate keys delete web1")));
        COMMANDS.put("keys list", new Args.Spec(Map.of("--json", false), Map.of(), 0, 0, false, "", """
                Usage: jstate keys list [--json]
                List every minion key, pending ones first, with the roles the master assigns it.
                  --json  print one JSON document: {"keys": [{"minion", "state", "roles", "requested",
                          "changed", "fingerprint"}], "quarantined": [{"file", "moved_to", "reason"}]}
                """ + GLOBAL_OPTIONS + examples("jstate keys list", "jstate keys list --json",
                "jstate keys list --master https://10.0.0.2:4507")));
        COMMANDS.put("keys accept", new Args.Spec(Map.of("--all", false, "--role", true), Map.of(), 0, 1, false, "ID", """
                Usage: jstate keys accept ID [--role ROLES] | --all
                Accept a minion's pending (or rejected) key, or every pending key with --all.
                  --role ROLES  also assign these roles (comma-separated) on the master: targets match
                                them with R@ROLE, the pillar top file too, and templates see minion.roles
                """ + GLOBAL_OPTIONS + examples("jstate keys accept web1", "jstate keys accept --all",
                "jstate keys accept db1 --role db,backup")));
        COMMANDS.put("keys roles", new Args.Spec(Map.of(), Map.of(), 2, 2, false, "ROLES", """
                Usage: jstate keys roles ID ROLES
                Set the roles the master assigns a minion's key (comma-separated; '' for none), replacing
                those it had. Targets match them with R@ROLE, the pillar top file too; templates see
                minion.roles. Roles of master.yaml's roles: are added to these.
                """ + GLOBAL_OPTIONS + examples("jstate keys roles ctl1 controller,db", "jstate keys roles web1 ''")));
        COMMANDS.put("keys reject", new Args.Spec(Map.of(), Map.of(), 1, 1, false, "ID", """
                Usage: jstate keys reject ID
                Reject a minion's key; a connected minion with it is cut off at once.
                """ + GLOBAL_OPTIONS + examples("jstate keys reject rogue1")));
        COMMANDS.put("keys delete", new Args.Spec(Map.of(), Map.of(), 1, 1, false, "ID", """
                Usage: jstate keys delete ID
                Delete a minion's key; a connected minion with it is cut off at once and must enroll again.
                """ + GLOBAL_OPTIONS + examples("jstate keys delete web1")));
        COMMANDS.put("minions", new Args.Spec(Map.of("--target", true, "--json", false), t, 0, 0, false, "", """
                Usage: jstate minions [-t TARGET] [--json]
                List the minions a target matches (default: all): connected, last seen, roles, addresses.
                  -t, --target TARGET  e.g. 'web*', 'G@roles:controller', 'N@controllers and not db1'
                  --json               print one JSON document: {"minions": [{"id", "connected",
                                       "last_seen", "roles", "addresses"}], "summary": {"total",
                                       "connected"}}
                """ + GLOBAL_OPTIONS + examples("jstate minions", "jstate minions -t 'G@roles:controller'",
                "jstate minions -t 'web* and not web3'", "jstate minions --json")));
        Map<String, Boolean> apply = new LinkedHashMap<>(job);
        apply.put("--test", false);
        COMMANDS.put("apply", new Args.Spec(apply, t, 0, Integer.MAX_VALUE, false, "", """
                Usage: jstate apply [highstate | SLS ...] -t TARGET [--test] [--batch N|N%] [--timeout S] [--json]
                Apply states on the targeted minions: each minion's top ('highstate', the default) or the
                SLS named. Each state shows as it finishes, then a summary per minion and the totals.
                  --test               dry run: report what would change and change nothing
                """ + TARGETS + GLOBAL_OPTIONS + EXIT_CODES + examples("jstate apply -t 'G@roles:controller'",
                "jstate apply nginx -t 'web*' --test", "jstate apply -t N@controllers --batch 1 --timeout 600",
                "jstate apply galera -t 'L@ctl1,ctl2,ctl3' --json")));
        COMMANDS.put("run", new Args.Spec(job, t, 1, Integer.MAX_VALUE, true, "FUNCTION", """
                Usage: jstate run -t TARGET [--batch N|N%] [--timeout S] [--json] FUNCTION [ARGS...]
                Run an execution function on the targeted minions and print what each returned. Options
                go before FUNCTION; everything after it is the function's arguments.
                Functions: test.ping, cmd.run CMD, grains.items, pkg.version NAME..., service.status
                NAME..., state.show_plan [SLS...], galera.facts, rabbitmq.status, memcached.stats,
                haproxy.stats.
                """ + TARGETS + GLOBAL_OPTIONS + EXIT_CODES + examples("jstate run -t '*' test.ping",
                "jstate run -t web1 cmd.run 'uptime'", "jstate run -t 'G@roles:db' --batch 25% pkg.version mariadb-server",
                "jstate run -t ctl1 state.show_plan galera")));
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
                """ + GLOBAL_OPTIONS + """

                Exit codes:
                  0  every stage succeeded (or was skipped)
                  1  the orchestration could not start: the file was refused, the master unreachable
                  2  a stage failed; the line stopped there
                """ + examples("jstate orchestrate openstack-ha", "jstate orchestrate openstack-ha --test",
                "jstate orchestrate galera-recover --choose galera=ctl2", "jstate orchestrate ./orch/upgrade.yaml --timeout 900")));
        COMMANDS.put("jobs", new Args.Spec(Map.of(), Map.of(), 0, -1, false, "", """
                Usage: jstate jobs list [--limit N] [--json] | show JID [--json]
                Recent jobs, or one job's results, also of a job whose CLI was interrupted.
                """ + GLOBAL_OPTIONS + examples("jstate jobs list", "jstate jobs show 20260101120000000001")));
        COMMANDS.put("jobs list", new Args.Spec(Map.of("--limit", true, "--json", false), Map.of(), 0, 0, false, "", """
                Usage: jstate jobs list [--limit N] [--json]
                List recent jobs, newest first: jid, start, target, what, minions, state.
                  --limit N  how many jobs (default: 20)
                  --json     print one JSON document: {"jobs": [{"jid", "started", "finished",
                             "target", "what", "apply": {"sls", "test"}, "function": {"name",
                             "args"}, "minions", "lost", "state", "error"}]}
                """ + GLOBAL_OPTIONS + examples("jstate jobs list", "jstate jobs list --limit 50",
                "jstate jobs list --limit 1 --json")));
        COMMANDS.put("jobs show", new Args.Spec(Map.of("--json", false), Map.of(), 1, 1, false, "JID", """
                Usage: jstate jobs show JID [--json]
                Show a job's results as apply or run printed them, with their exit codes.
                  --json  print one JSON document, as apply --json and run --json do
                """ + GLOBAL_OPTIONS + EXIT_CODES + examples("jstate jobs show 20260101120000000001",
                "jstate jobs show 20260101120000000001 --json")));
        COMMANDS.put("events", new Args.Spec(Map.of("--tag", true, "--json", false, "--count", true, "--timeout", true), Map.of(), 0, 0, false, "",
                """
                Usage: jstate events [--tag PATTERN] [--json] [--count N] [--timeout S]
                Follow the master's live events: key requests and decisions, refused enrollments,
                minions up and down, jobs started, each state's result, refusals, returns and jobs
                done. One line per event, 'HH:MM:SS.mmm TAG key=value ...', until Ctrl-C. Events carry
                ids, kinds, outcomes, durations and counts, never pillar or what a change wrote.
                Tags: jstate/key/request|accepted|rejected|deleted/ID, jstate/enroll/refused/ID-OR-ADDRESS,
                jstate/minion/up|down/ID, jstate/job/JID/start, jstate/job/JID/state/MINION,
                jstate/job/JID/running/MINION (the state it runs and what it waits for),
                jstate/job/JID/refused/MINION, jstate/job/JID/return/MINION, jstate/job/JID/lost/MINION,
                jstate/job/JID/done, jstate/orch/stage/start|done|skipped|failed/STAGE;
                jstate/events/lost says how many events this stream missed.
                  --tag PATTERN  only tags matching PATTERN: '*' matches anything, '/' included,
                                 '?' one character (default: every event)
                  --json         one JSON object per line: {"tag": ..., "time": ..., "data": {...}}
                  --count N      stop after N events (exit 2 if --timeout comes first)
                  --timeout S    stop after S seconds
                """ + GLOBAL_OPTIONS + examples("jstate events", "jstate events --tag 'jstate/job/*'",
                "jstate events --tag 'jstate/minion/*' --json", "jstate events --tag 'jstate/key/request/*' --count 1 --timeout 300")));
        COMMANDS.put("completion", new Args.Spec(Map.of(), Map.of(), 1, 1, false, "SHELL", """
                Usage: jstate completion bash|zsh
                Print the shell completion script for bash or zsh. The packages install both; from a
                source tree, 'source <(jstate completion bash)' in ~/.bashrc, or for zsh write the
                output as _jstate into a directory on $fpath before compinit.
                """ + GLOBAL_OPTIONS + examples("jstate completion bash", "jstate completion zsh")));
        webCommands();
    }

    /** The dashboard's commands: they work on the master's files, not through its admin API. */
    private static void webCommands() {
        COMMANDS.put("web", new Args.Spec(Map.of(), Map.of(), 0, -1, false, "", """
                Usage: jstate web passwd USER [--users-file FILE]
                The master's web dashboard: set an operator's password.
                """ + GLOBAL_OPTIONS + examples("jstate web passwd alice", "jstate web passwd alice --users-file /etc/jstate/web-users")));
        COMMANDS.put("web passwd", new Args.Spec(Map.of("--users-file", true), Map.of(), 1, 1, false, "USER", """
                Usage: jstate web passwd USER [--users-file FILE]
                Set (or add) the dashboard login USER with a new password, asked twice on a terminal or
                read from the first line of stdin otherwise (printf '%s\\n' "$PASSWORD" | jstate web
                passwd ci-bot). Run it on the master as root: it rewrites the users file (the config's
                web.users_file, default web-users beside the config) with mode 0640; the master reads it
                again at the next login.
                  --users-file FILE  write this file instead
                """ + GLOBAL_OPTIONS + examples("jstate web passwd alice", "jstate web passwd ci-bot --users-file /etc/jstate/web-users")));
    }

    private static final String USAGE = """
            Usage: jstate [--master URL] [--pki DIR] [--config FILE] COMMAND ...
            Drive a jstate master: minion keys, minions and jobs.

            Commands:
              keys list [--json] | accept ID [--role ROLES] | accept --all | roles ID ROLES | reject ID | delete ID
              minions [-t TARGET] [--json]
              apply [highstate | SLS ...] -t TARGET [--test] [--batch N|N%] [--timeout S] [--json]
              run -t TARGET [--batch N|N%] [--timeout S] [--json] FUNCTION [ARGS...]
              orchestrate NAME|FILE [--test] [--choose RULE=VALUE] [--timeout S] [--json]
              jobs list [--limit N] [--json] | show JID [--json]
              events [--tag PATTERN] [--json] [--count N] [--timeout S]
              completion bash|zsh
              web passwd USER
            'jstate COMMAND --help' tells more about each.
            """ + GLOBAL_OPTIONS + EXIT_CODES + examples("jstate keys accept --all", "jstate minions -t 'G@roles:controller'",
            "jstate apply -t 'web*' --test", "jstate run -t '*' test.ping", "jstate events --tag 'jstate/job/*'");

    private final Context ctx;
    private final Args args;

    private Main(Context ctx, Args args) {
        this.ctx = ctx;
        this.args = args;
    }

    public static void main(String[] args) {
        // Every command but help talks to the master over TLS: its arithmetic is prepared from the start.
        if (args.length > 0 && !List.of(args).contains("--help") && !List.of(args).contains("-h") && !List.of(args).contains("completion")) {
            Pki.warmUp();
        }
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
            case "keys list" -> new KeysCommand(this, ctx).list(args.flag("--json"));
            case "keys accept" -> new KeysCommand(this, ctx).accept(minionId(), args.flag("--all"), args.value("--role"));
            case "keys roles" -> new KeysCommand(this, ctx).roles(minionId(), args.positionals.get(1));
            case "keys reject" -> new KeysCommand(this, ctx).reject(minionId());
            case "keys delete" -> new KeysCommand(this, ctx).delete(minionId());
            case "minions" -> new MinionsCommand(this, ctx).call(args.value("--target"), args.flag("--json"));
            case "apply" -> new ApplyCommand(this, ctx).call(JobOptions.of(args), args.positionals, args.flag("--test"));
            case "run" -> new RunCommand(this, ctx).call(JobOptions.of(args), args.positionals.get(0),
                    args.positionals.subList(1, args.positionals.size()));
            case "orchestrate" -> new OrchestrateCommand(this, ctx).call(first(), args.flag("--test"), args.value("--choose"), args.positive("--timeout"),
                    args.flag("--json"));
            case "jobs list" -> new JobsCommand(this, ctx).list(limit(), args.flag("--json"));
            case "jobs show" -> new JobsCommand(this, ctx).show(first(), args.flag("--json"));
            case "web passwd" -> new WebPasswdCommand(ctx, System.in, ctx.process() ? System.console() : null)
                    .call(first(), args.value("--config"), args.value("--users-file"));
            case "events" -> new EventsCommand(this, ctx).call(args.value("--tag"), args.flag("--json"), args.positive("--count"),
                    args.positive("--timeout"));
            case "completion" -> Completion.print(ctx, first());
            default -> throw new IllegalStateException("no command " + args.path);
        };
    }

    /**
     * A help text's "Examples:" block, one command line per line. A test parses every example
     * against the command's grammar, so examples cannot drift from the options they show.
     */
    static String examples(String... lines) {
        StringBuilder b = new StringBuilder("\nExamples:\n");
        for (String l : lines) b.append("  ").append(l).append('\n');
        return b.toString();
    }

    /** The top-level help, for completion and tests. */
    static String usage() {
        return USAGE;
    }

    private String first() {
        return args.positionals.isEmpty() ? null : args.positionals.get(0);
    }

    /** The first argument as a minion id, checked by the rule the master applies; null when absent. */
    private String minionId() throws Args.UsageException {
        String id = first();
        try {
            return id == null ? null : MinionIds.check(id);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(args.path, e.getMessage());
        }
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
