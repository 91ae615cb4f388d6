package io.jstate.minion.cli;

import io.jstate.common.output.ExitCodes;
import io.jstate.states.engine.Env;
import io.jstate.common.output.HumanOutput;
import io.jstate.common.output.JsonOutput;
import io.jstate.minion.output.ProtoResults;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.RunOptions;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Runner;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.StateResult;
import io.jstate.states.engine.Step;
import io.jstate.states.grains.Grains;
import io.jstate.states.host.Host;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jstate-minion apply --local}: compile the state tree for this machine and apply it. */
@Command(name = "apply", sortOptions = false, usageHelpAutoWidth = true,
        description = "Apply states to this machine.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every state succeeded",
            "1:the run could not start (usage, or a parse, render or graph error)",
            "2:some state failed or was blocked by a failed requisite"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  jstate-minion apply --local --states /srv/states",
            "  jstate-minion apply --local --states /srv/states --pillar /srv/pillar --test",
            "  jstate-minion apply --local --states ./states --root /tmp/sandbox --id web1 nginx users",
            "  jstate-minion apply --local --states /srv/states --grains grains.yaml --json --timeout 600"})
final class ApplyCommand implements Callable<Integer> {

    @Option(names = "--local", description = "Run masterless: compile and apply the state tree on this machine.")
    boolean local;

    @Option(names = "--states", paramLabel = "DIR", required = true, description = "The state tree (SLS files, templates, top.sls).")
    Path states;

    @Option(names = "--pillar", paramLabel = "DIR", description = "The pillar tree, with its own top.sls.")
    Path pillar;

    @Option(names = "--grains", paramLabel = "FILE", description = "A YAML file of grains to add, e.g. 'roles: [web]'; they win over collected ones.")
    Path grainsFile;

    @Option(names = "--id", paramLabel = "ID", description = "This minion's id (default: the hostname).")
    String id;

    @Option(names = "--root", paramLabel = "DIR", description = "Manage files below DIR instead of / (commands still run on this machine).")
    Path root;

    @Option(names = "--test", description = "Dry run: report what would change and change nothing.")
    boolean test;

    @Option(names = "--json", description = "Print one JSON document instead of the live report.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "3600",
            description = "How long one state may run, in seconds, unless it sets its own timeout (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Parameters(paramLabel = "TARGET", arity = "0..*", description = "'highstate' (the default) for the top file, or SLS names.")
    List<String> targets;

    private final StateRegistry registry;
    private final Function<CompileRequest, Compiled> compiler;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean color;
    private final ZoneId zone;

    ApplyCommand(StateRegistry registry, Function<CompileRequest, Compiled> compiler, PrintStream out, PrintStream err,
                 boolean color, ZoneId zone) {
        this.registry = registry;
        this.compiler = compiler;
        this.out = out;
        this.err = err;
        this.color = color;
        this.zone = zone;
    }

    /** The real command: built-in kinds and the state language compiler. */
    static ApplyCommand system(PrintStream out, PrintStream err, boolean color) {
        StateRegistry registry = Kinds.registry();
        Compiler c = new Compiler(registry);
        return new ApplyCommand(registry, c::compile, out, err, color, ZoneId.systemDefault());
    }

    @Override
    public Integer call() {
        if (!local) {
            return cannotStart("only masterless runs are available: add --local");
        }
        if (!Files.isDirectory(states)) return cannotStart("the state tree " + states + " is not a directory");
        if (pillar != null && !Files.isDirectory(pillar)) return cannotStart("the pillar tree " + pillar + " is not a directory");
        if (root != null && !Files.isDirectory(root)) return cannotStart("the root " + root + " is not a directory");
        if (timeoutSeconds <= 0) return cannotStart("--timeout must be a positive number of seconds, got " + timeoutSeconds);

        Map<String, Object> grains;
        try {
            // Grains describe the machine itself, so they are read from "/" even when files are managed below --root.
            grains = new LinkedHashMap<>(Grains.collect(LocalHost.system(), grainsFile));
        } catch (IllegalArgumentException e) {
            return cannotStart(e.getMessage());
        }
        if (id != null) grains.put("id", id);
        String minion = String.valueOf(grains.get("id"));
        List<String> what = targets == null || targets.isEmpty() ? List.of("highstate") : targets;

        Compiled compiled;
        try {
            compiled = compiler.apply(new CompileRequest(states, pillar, grains, minion, List.of(), what, Map.of()));
        } catch (PlanException e) {
            err.println(e.getMessage());
            return ExitCodes.CANNOT_START;
        } catch (RuntimeException e) {
            return cannotStart("cannot compile the state tree " + states + ": " + e.getMessage());
        }

        Host host = root != null ? LocalHost.under(root) : LocalHost.system();
        Secrets secrets = compiled.plan().secrets();
        HumanOutput human = new HumanOutput(color, zone);
        RunListener live = json ? RunListener.NONE : new RunListener() {
            @Override
            public void finished(StateResult result) {
                out.print(human.state(ProtoResults.state(result, secrets)));
                out.flush();
            }

            @Override
            public void waiting(Step step, String what) {
                out.println("  waiting: " + step.kind() + " " + step.id() + ": " + what);
                out.flush();
            }
        };
        Env env = new Env(host, grains, compiled.templates());
        Instant started = host.now();
        RunReport report = new Runner(registry, env, live, new RunOptions(Duration.ofSeconds(timeoutSeconds)))
                .run(compiled.plan(), test);
        io.jstate.proto.v1.RunReport wire = ProtoResults.report(report, secrets);
        out.print(json ? new JsonOutput().document(minion, started, wire) : human.summary(minion, wire));
        out.flush();
        return ExitCodes.of(report.ok());
    }

    private int cannotStart(String message) {
        err.println("jstate-minion apply: " + message);
        return ExitCodes.CANNOT_START;
    }
}
