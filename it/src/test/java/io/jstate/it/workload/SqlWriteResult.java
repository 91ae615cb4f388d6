package io.jstate.it.workload;

import java.util.Map;

/**
 * What the SQL writer saw: {@code attempted = acked + failed}; a failed write may or may not exist
 * (its COMMIT was never acknowledged). {@code errors} counts failures by error class.
 * {@code run} is the run of {@link Ids}, for the verifier.
 */
public record SqlWriteResult(long run, long attempted, long acked, long failed, double errorRate, long longestGapMs, Map<String, Long> errors) {}
