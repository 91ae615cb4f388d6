package io.jstate.minion.daemon;

import io.jstate.minion.bundle.BundleTree;
import io.jstate.minion.functions.FunctionContext;
import io.jstate.minion.functions.Functions;
import io.jstate.minion.output.ProtoResults;
import io.jstate.proto.v1.ApplyJob;
import io.jstate.proto.v1.FunctionJob;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.RunReport;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.RunListener;
import io.jstate.states.engine.RunOptions;
import io.jstate.states.engine.Runner;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.Step;
import io.jstate.states.host.Host;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/** Runs one verified job on this machine: an apply of the job's bundle, or an execution function. */
final class JobRunner {
    private final String minionId;
    private final Host host;
    private final Supplier<Map<String, Object>> grains;
    private final StateRegistry registry;
    private final Functions functions;
    private final Clock clock;

    JobRunner(String minionId, Host host, Supplier<Map<String, Object>> grains, StateRegistry registry, Functions functions,
              Clock clock) {
        this.minionId = minionId;
        this.host = host;
        this.grains = grains;
        this.registry = registry;
        this.functions = functions;
        this.clock = clock;
    }

    /**
     * @param events told of each state as it finishes, and of the one running now (applies only)
     * @return the final result; a job that cannot run (bad bundle) is a MALFORMED refusal
     */
    JobResult run(Job job, Jobs.Reports events) {
        JobResult.Builder result = JobResult.newBuilder().setJid(job.getJid()).setMinionId(minionId)
                .setStartedUnixMs(clock.millis());
        try {
            if (job.hasApply()) {
                result.setReport(apply(job.getJid(), job.getApply(), events));
            } else {
                FunctionJob f = job.getFunction();
                FunctionContext context = new FunctionContext(minionId, host, grains.get(), f.getBundle(), f.getTargetsList(), registry);
                result.setFunction(functions.call(f.getName(), context, f.getArgsList()));
            }
        } catch (BadBundle e) {
            result.setRefused(Refusal.newBuilder().setReason(Refusal.Reason.MALFORMED).setMessage(e.getMessage()));
        } catch (RuntimeException e) {
            // The engine reports a state's own failures in its result; this is the minion itself failing.
            String message = "the minion could not run the job: " + (e.getMessage() != null ? e.getMessage() : e.toString());
            if (job.hasApply()) {
                result.setReport(RunReport.newBuilder().setTest(job.getApply().getTest()).setCompileError(message));
            } else {
                result.setFunction(io.jstate.proto.v1.FunctionReturn.newBuilder().setSuccess(false).setError(message));
            }
        }
        return result.setFinishedUnixMs(clock.millis()).build();
    }

    private RunReport apply(String jid, ApplyJob apply, Jobs.Reports events) {
        BundleTree tree;
        try {
            tree = BundleTree.write(apply.getBundle());
        } catch (IllegalArgumentException e) {
            throw new BadBundle(e.getMessage());
        }
        try (tree) {
            Map<String, Object> g = grains.get();
            Compiled compiled;
            try {
                compiled = new Compiler(registry).compile(tree.request(minionId, g, apply.getTargetsList()));
            } catch (RuntimeException e) {
                // The compiler has masked the pillar's secrets in its messages already.
                return RunReport.newBuilder().setTest(apply.getTest())
                        .setCompileError(e.getMessage() != null ? e.getMessage() : e.toString()).build();
            }
            Secrets secrets = compiled.plan().secrets();
            ProgressReports progress = new ProgressReports(jid, events::progress);
            RunListener listener = new RunListener() {
                @Override
                public void started(Step step) {
                    progress.started(step);
                }

                @Override
                public void waiting(Step step, String what) {
                    progress.waiting(step, what);
                }

                @Override
                public void finished(io.jstate.states.engine.StateResult r) {
                    progress.finished();
                    events.state(ProtoResults.state(r, secrets));
                }
            };
            Duration timeout = apply.getTimeoutMs() > 0 ? Duration.ofMillis(apply.getTimeoutMs()) : RunOptions.ONE_HOUR;
            Env env = new Env(host, g, compiled.templates());
            io.jstate.states.engine.RunReport report = new Runner(registry, env, listener, new RunOptions(timeout))
                    .run(compiled.plan(), apply.getTest());
            return ProtoResults.report(report, secrets);
        }
    }

    /** A bundle that cannot be written out as a tree; the job is refused as malformed. */
    private static final class BadBundle extends RuntimeException {
        BadBundle(String message) {
            super(message);
        }
    }
}
