package io.jstate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.common.output.ExitCodes;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobList;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.MinionStateEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code jstate jobs list [--json] | show JID [--json]}: jobs after the fact, also those whose CLI
 * was interrupted. The JSON document of {@code jobs list} (every key always present):
 *
 * <pre>
 * {jobs: [{jid, started, finished, target, what, apply: {sls: [...], test}, function: {name, args: [...]},
 *          minions: [...], lost: [...], state, error}]}
 * </pre>
 *
 * newest first; a job has either {@code apply} (no sls: highstate) or {@code function}, the other
 * is null; {@code what} is the words the table shows; {@code state} is running, done or
 * failed_to_start (then {@code error} says why); times are ISO-8601 instants, {@code finished} null
 * while running.
 */
final class JobsCommand {
    private static final String JOBS = "/admin/v1/jobs";

    private final Main main;
    private final Context ctx;

    JobsCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    int list(int limit, boolean json) throws CliException {
        JobList jobs = main.client().get(JOBS + "?limit=" + limit, JobList::parseFrom);
        if (json) {
            CliJson.print(ctx.out(), json(jobs));
            return ExitCodes.OK;
        }
        if (jobs.getJobsCount() == 0) {
            ctx.out().println("No jobs.");
            return ExitCodes.OK;
        }
        Table t = new Table("JID", "STARTED", "TARGET", "WHAT", "MINIONS", "STATE");
        for (JobRecord j : jobs.getJobsList()) {
            t.row(j.getJid(), Table.time(ctx.clock(), j.getStartedUnixMs()), j.getRequest().getTarget(),
                    what(j.getRequest()), String.valueOf(j.getMinionsCount()), state(j));
        }
        ctx.out().print(t);
        return ExitCodes.OK;
    }

    private static ObjectNode json(JobList jobs) {
        ObjectNode doc = CliJson.object();
        ArrayNode list = doc.putArray("jobs");
        for (JobRecord j : jobs.getJobsList()) {
            JobRequest r = j.getRequest();
            ObjectNode o = list.addObject();
            o.put("jid", j.getJid());
            CliJson.putTime(o, "started", j.getStartedUnixMs());
            CliJson.putTime(o, "finished", j.getFinishedUnixMs());
            o.put("target", r.getTarget());
            o.put("what", what(r));
            if (r.hasFunction()) {
                o.putNull("apply");
                ObjectNode f = o.putObject("function").put("name", r.getFunction().getName());
                CliJson.putWords(f, "args", r.getFunction().getArgsList());
            } else {
                ObjectNode a = o.putObject("apply");
                CliJson.putWords(a, "sls", r.getApply().getTargetsList());
                a.put("test", r.getApply().getTest());
                o.putNull("function");
            }
            CliJson.putWords(o, "minions", j.getMinionsList());
            CliJson.putWords(o, "lost", j.getLostList());
            o.put("state", status(j));
            CliJson.putText(o, "error", j.getError());
        }
        return doc;
    }

    int show(String jid, boolean json) throws CliException {
        JobRecord job = main.client().get(JOBS + "/" + AdminClient.encode(jid), JobRecord::parseFrom);
        if (!json) {
            ctx.out().println("Job " + job.getJid() + ": " + what(job.getRequest()) + " on '" + job.getRequest().getTarget() + "'"
                    + ", started " + Table.time(ctx.clock(), job.getStartedUnixMs())
                    + (job.getFinishedUnixMs() > 0 ? ", finished " + Table.time(ctx.clock(), job.getFinishedUnixMs()) : ", still running"));
        }
        JobView view = new JobView(ctx, job.getRequest().hasFunction() ? JobView.Kind.FUNCTION : JobView.Kind.APPLY,
                json, job.getRequest().getTarget());
        replay(job, view);
        boolean complete = job.getFinishedUnixMs() > 0 || !job.getError().isEmpty();
        view.end(complete);
        if (!complete && !json) {
            StringBuilder sb = new StringBuilder("jstate: job " + job.getJid() + " is still running; run this again for the rest.\n");
            for (String l : view.waitingFor()) sb.append("  ").append(l).append('\n');
            ctx.err().print(sb);
            ctx.err().flush();
        }
        return view.exitCode(complete);
    }

    /** Feeds a stored job to the view in the order its live stream would have: results by minion, then the rest. */
    static void replay(JobRecord job, JobView view) {
        view.accept(JobEvent.newBuilder().setType(JobEvent.Type.JOB_STARTED).setJid(job.getJid())
                .addAllMinions(job.getMinionsList()).build());
        Set<String> returned = new HashSet<>();
        for (JobResult r : job.getResultsList()) {
            view.done(r.getMinionId(), r);
            returned.add(r.getMinionId());
        }
        for (MinionStateEvent e : job.getPartialList()) {
            if (!returned.contains(e.getMinionId())) view.state(e.getMinionId(), e.getResult());
        }
        job.getRunningMap().forEach((id, p) -> {
            if (!returned.contains(id)) {
                view.accept(JobEvent.newBuilder().setType(JobEvent.Type.STATE_PROGRESS).setJid(job.getJid()).setMinionId(id).setProgress(p).build());
            }
        });
        for (String id : job.getLostList()) view.lost(id, "did not return");
        if (!job.getError().isEmpty()) view.failed(job.getError());
    }

    /** What a job runs, in a few words: "highstate", "nginx users (test)", "cmd.run uptime". */
    static String what(JobRequest r) {
        if (r.hasFunction()) {
            List<String> words = new java.util.ArrayList<>();
            words.add(r.getFunction().getName());
            words.addAll(r.getFunction().getArgsList());
            return String.join(" ", words);
        }
        String targets = r.getApply().getTargetsCount() == 0 ? "highstate" : String.join(" ", r.getApply().getTargetsList());
        return targets + (r.getApply().getTest() ? " (test)" : "");
    }

    /** Where a job is, as the table shows it: "running", "done, 1 lost". */
    static String state(JobRecord j) {
        return switch (status(j)) {
            case "failed_to_start" -> "failed to start";
            case "done" -> j.getLostCount() == 0 ? "done" : "done, " + j.getLostCount() + " lost";
            default -> "running";
        };
    }

    /** Where a job is, as one word: failed_to_start, running or done. */
    private static String status(JobRecord j) {
        if (!j.getError().isEmpty()) return "failed_to_start";
        return j.getFinishedUnixMs() == 0 ? "running" : "done";
    }
}
