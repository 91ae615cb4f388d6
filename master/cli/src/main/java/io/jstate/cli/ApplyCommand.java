package io.jstate.cli;

import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.JobRequest;
import java.util.List;

/** {@code jstate apply [highstate | SLS ...] -t TARGET}: apply states on the targeted minions through the master. */
final class ApplyCommand {
    private final Main main;
    private final Context ctx;

    ApplyCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    int call(JobOptions job, List<String> targets, boolean test) throws CliException {
        List<String> what = targets.isEmpty() ? List.of("highstate") : targets;
        // The client connects while the request and the view are made.
        Endpoint endpoint = main.endpoint();
        AdminClient client = new AdminClient(endpoint);
        JobRequest request = job.request()
                .setApply(ApplyRequest.newBuilder().addAllTargets(what).setTest(test))
                .build();
        JobView view = new JobView(ctx, JobView.Kind.APPLY, job.json(), job.target());
        return new JobStream(ctx, client).run(request, endpoint.defaultTimeout(), view);
    }
}
