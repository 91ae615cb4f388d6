package io.jstate.cli;

import io.jstate.proto.v1.JobRequest;
import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The options every job takes: where it runs, in what batches, how long to wait, how to show it. */
final class JobOptions {
    private static final Pattern BATCH = Pattern.compile("[1-9][0-9]*%?");

    @Option(names = {"-t", "--target"}, paramLabel = "TARGET", required = true,
            description = "Which minions: 'web*', 'L@a,b', 'G@roles:controller', 'I@key:value', 'N@group', with and/or/not and parentheses.")
    String target;

    @Option(names = "--batch", paramLabel = "N|N%", description = "Run on N minions (or N% of them) at a time.")
    String batch;

    @Option(names = "--timeout", paramLabel = "S",
            description = "How long to wait for each minion's result, in seconds (default: the master's jobs.default_timeout_seconds).")
    Long timeoutSeconds;

    @Option(names = "--json", description = "Print one JSON document at the end instead of live output.")
    boolean json;

    /** The request's common part, checked before anything is sent. */
    JobRequest.Builder request() throws CliException {
        JobRequest.Builder b = JobRequest.newBuilder().setTarget(target);
        if (target.isBlank()) throw new CliException("the target is empty; give -t TARGET, e.g. -t '*'");
        if (batch != null) {
            if (!BATCH.matcher(batch).matches() || batch.endsWith("%") && Integer.parseInt(batch.substring(0, batch.length() - 1)) > 100) {
                throw new CliException("--batch takes a number of minions (e.g. 2) or a share of them (e.g. 25%), got '" + batch + "'");
            }
            b.setBatch(batch);
        }
        if (timeoutSeconds != null) {
            if (timeoutSeconds <= 0) throw new CliException("--timeout must be a positive number of seconds, got " + timeoutSeconds);
            b.setTimeoutMs(Duration.ofSeconds(timeoutSeconds).toMillis());
        }
        return b;
    }
}
