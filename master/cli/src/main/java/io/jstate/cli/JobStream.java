package io.jstate.cli;

import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobRequest;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

/**
 * Starts a job and feeds its live event stream to a {@link JobView} without ever hanging: events
 * are read on their own thread and the command waits for them against a deadline (the job timeout,
 * once per batch, plus a margin), and gives up sooner when the master falls silent (no keepalive,
 * {@link StreamReader}). If the stream breaks or the deadline passes, the operator is told
 * the jid to look the job up with {@code jstate jobs show} later; the master keeps its results.
 */
final class JobStream {
    static final String JOBS = "/admin/v1/jobs";
    static final Duration PROGRESS = Duration.ofSeconds(30);
    static final String PROGRESS_ENV = "JSTATE_PROGRESS_SECONDS";

    private final Context ctx;
    private final AdminClient client;

    JobStream(Context ctx, AdminClient client) {
        this.ctx = ctx;
        this.client = client;
    }

    /** Runs the job to its end, shows it, and returns the exit code. */
    int run(JobRequest request, Duration defaultTimeout, JobView view) throws CliException {
        Duration timeout = request.getTimeoutMs() > 0 ? Duration.ofMillis(request.getTimeoutMs()) : defaultTimeout;
        long start = System.nanoTime();
        long deadline = start + timeout.plus(ctx.margin()).toNanos();
        // The master answers at once (its keepalive), however long the job will take.
        InputStream in = client.stream(JOBS, request, AdminClient.REQUEST_TIMEOUT);
        StreamReader<JobEvent> items = new StreamReader<>(in, JobEvent::parseDelimitedFrom, "jstate-job-stream", StreamReader.silence(ctx));
        Thread hook = ctx.process() ? interruptHint(view) : null;

        String broken = null;
        long every = progressInterval(ctx).toNanos();
        long nextProgress = start + every;
        try {
            while (true) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    long waited = Duration.ofNanos(now - start).toSeconds();
                    broken = "gave up waiting after " + waited + " s";
                    break;
                }
                if (now - nextProgress >= 0) {
                    progress(view, Duration.ofNanos(now - start));
                    nextProgress = now + every;
                }
                StreamReader.Item<JobEvent> item = items.poll(Math.min(deadline, nextProgress) - now);
                if (item == null) continue;
                if (item.end()) {
                    broken = "the master closed the stream";
                    break;
                }
                if (item.error() != null) {
                    broken = "the stream broke: " + AdminClient.detail(item.error());
                    break;
                }
                JobEvent e = item.message();
                if (e.getType() == JobEvent.Type.TYPE_UNSPECIFIED) continue; // a keepalive
                boolean last = view.accept(e);
                if (e.getType() == JobEvent.Type.JOB_STARTED) {
                    // Each batch may take the whole job timeout, so the wait grows with the number of batches.
                    long batches = batches(request.getBatch(), e.getMinionsCount());
                    deadline = start + timeout.multipliedBy(batches).plus(ctx.margin()).toNanos();
                }
                if (last) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broken = "interrupted";
        } finally {
            items.close();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // The hook is running or has run; it says what there is to say.
                }
            }
        }

        boolean complete = broken == null;
        view.end(complete);
        if (!complete) {
            if (view.jid().isEmpty()) {
                ctx.err().println("jstate: no answer from the master about the job (" + broken + ")");
            } else {
                ctx.err().println("jstate: job " + view.jid() + " did not finish while the CLI waited (" + broken + ")."
                        + " The master keeps its results: jstate jobs show " + view.jid());
            }
            ctx.err().flush();
        }
        return view.exitCode(complete);
    }

    /**
     * Tells the operator, on stderr (never in the JSON on stdout), which minions the job still waits
     * for and where each is, so a long wait is never a silent one.
     */
    private void progress(JobView view, Duration waited) {
        List<String> lines = view.waitingFor();
        if (lines.isEmpty()) return;
        StringBuilder sb = new StringBuilder("jstate: job ").append(view.jid()).append(" still waiting after ").append(waited.toSeconds())
                .append(" s for ").append(lines.size()).append(lines.size() == 1 ? " minion:\n" : " minions:\n");
        for (String l : lines) sb.append("  ").append(l).append('\n');
        ctx.err().print(sb);
        ctx.err().flush();
    }

    /** Every 30 s, or every {@code JSTATE_PROGRESS_SECONDS} (at least 1) when that is set. */
    static Duration progressInterval(Context ctx) {
        String s = ctx.env().get(PROGRESS_ENV);
        if (s != null) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(s.strip())));
            } catch (NumberFormatException e) {
                // Not a number: the default, as for any unset setting.
            }
        }
        return PROGRESS;
    }

    /** How many batches a job runs in: "" is one, "N" N minions at a time, "N%" that share of them. */
    static long batches(String batch, int minions) {
        if (batch.isEmpty() || minions == 0) return 1;
        long size;
        if (batch.endsWith("%")) {
            long pct = Long.parseLong(batch.substring(0, batch.length() - 1));
            size = Math.max(1, (minions * pct + 99) / 100);
        } else {
            size = Math.max(1, Long.parseLong(batch));
        }
        return (minions + size - 1) / size;
    }

    /** On Ctrl-C the job goes on at the master; the hook tells where to find it. */
    private Thread interruptHint(JobView view) {
        Thread hook = new Thread(() -> {
            if (!view.finished() && !view.jid().isEmpty()) {
                ctx.err().println("\njstate: interrupted; job " + view.jid() + " goes on at the master: jstate jobs show " + view.jid());
                ctx.err().flush();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }
}
