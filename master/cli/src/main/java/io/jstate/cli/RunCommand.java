package io.jstate.cli;

import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.JobRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code jstate run -t TARGET FUNCTION [ARGS...]}: an execution function on the targeted minions. */
@Command(name = "run", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run an execution function on the targeted minions and print what each returned.",
            "Functions: test.ping, cmd.run CMD, grains.items, pkg.version NAME..., service.status NAME...,",
            "state.show_plan [SLS...]. Options go before FUNCTION; everything after it is its arguments."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    JobOptions job;

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "The function, e.g. test.ping.")
    String function;

    @Parameters(index = "1..*", paramLabel = "ARGS", arity = "0..*", description = "The function's arguments.")
    List<String> args;

    private final Main main;
    private final Context ctx;

    RunCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws CliException {
        JobRequest request = job.request()
                .setFunction(FunctionRequest.newBuilder().setName(function).addAllArgs(args == null ? List.of() : args))
                .build();
        Endpoint endpoint = main.endpoint();
        JobView view = new JobView(ctx, JobView.Kind.FUNCTION, job.json, job.target);
        return new JobStream(ctx, new AdminClient(endpoint)).run(request, endpoint.defaultTimeout(), view);
    }
}
