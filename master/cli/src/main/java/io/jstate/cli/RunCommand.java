package io.jstate.cli;

import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.JobRequest;
import java.util.List;

/** {@code jstate run -t TARGET FUNCTION [ARGS...]}: an execution function on the targeted minions. */
final class RunCommand {
    private final Main main;
    private final Context ctx;

    RunCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    int call(JobOptions job, String function, List<String> args) throws CliException {
        // The client connects while the request and the view are made.
        Endpoint endpoint = main.endpoint();
        AdminClient client = new AdminClient(endpoint);
        JobRequest request = job.request()
                .setFunction(FunctionRequest.newBuilder().setName(function).addAllArgs(args))
                .build();
        JobView view = new JobView(ctx, JobView.Kind.FUNCTION, job.json(), job.target());
        return new JobStream(ctx, client).run(request, endpoint.defaultTimeout(), view);
    }
}
