package io.jstate.cli;

import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.JobRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jstate apply [highstate | SLS ...] -t TARGET}: apply states on the targeted minions through the master. */
@Command(name = "apply", sortOptions = false, usageHelpAutoWidth = true,
        description = "Apply states on the targeted minions, showing each state as it finishes.")
final class ApplyCommand implements Callable<Integer> {

    @Mixin
    JobOptions job;

    @Option(names = "--test", description = "Dry run: report what would change and change nothing.")
    boolean test;

    @Parameters(paramLabel = "SLS", arity = "0..*", description = "'highstate' (the default) for each minion's top, or SLS names.")
    List<String> targets;

    private final Main main;
    private final Context ctx;

    ApplyCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws CliException {
        List<String> what = targets == null || targets.isEmpty() ? List.of("highstate") : targets;
        JobRequest request = job.request()
                .setApply(ApplyRequest.newBuilder().addAllTargets(what).setTest(test))
                .build();
        Endpoint endpoint = main.endpoint();
        JobView view = new JobView(ctx, JobView.Kind.APPLY, job.json, job.target);
        return new JobStream(ctx, new AdminClient(endpoint)).run(request, endpoint.defaultTimeout(), view);
    }
}
