package io.jstate.cli;

import io.jstate.proto.v1.JobRequest;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The options every job takes: where it runs, in what batches, how long to wait, how to show it.
 *
 * @param target  the target expression
 * @param batch   "N" or "N%", or null for all at once
 * @param timeout seconds to wait for each minion, or null for the master's default
 * @param json    one JSON document instead of live output
 */
record JobOptions(String target, String batch, Long timeout, boolean json) {
    /** The longest --timeout: a week, far past any job and far from overflowing milliseconds. */
    static final long MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

    private static final Pattern BATCH = Pattern.compile("[1-9][0-9]{0,8}%?");

    static JobOptions of(Args args) throws Args.UsageException {
        String target = args.value("--target");
        if (target == null) throw new Args.UsageException(args.path, "a target is required: -t TARGET, e.g. -t '*'");
        if (target.isBlank()) throw new Args.UsageException(args.path, "the target is empty; give -t TARGET, e.g. -t '*'");
        String batch = args.value("--batch");
        if (batch != null && (!BATCH.matcher(batch).matches()
                || batch.endsWith("%") && Integer.parseInt(batch.substring(0, batch.length() - 1)) > 100)) {
            throw new Args.UsageException(args.path,
                    "--batch takes a number of minions (e.g. 2) or a share of them (e.g. 25%), got '" + batch + "'");
        }
        Long timeout = args.positive("--timeout");
        if (timeout != null && timeout > MAX_TIMEOUT_SECONDS) {
            throw new Args.UsageException(args.path, "--timeout is at most " + MAX_TIMEOUT_SECONDS + " seconds (a week), got " + timeout);
        }
        return new JobOptions(target, batch, timeout, args.flag("--json"));
    }

    /** The request's common part. */
    JobRequest.Builder request() {
        JobRequest.Builder b = JobRequest.newBuilder().setTarget(target);
        if (batch != null) b.setBatch(batch);
        if (timeout != null) b.setTimeoutMs(Duration.ofSeconds(timeout).toMillis());
        return b;
    }
}
