package io.jstate.states.engine;

import java.time.Duration;
import java.util.List;

/** Every step's result of one run, in run order. */
public record RunReport(List<StateResult> results, Duration total, boolean test) {
    public RunReport {
        results = List.copyOf(results);
    }

    public long changed() {
        return results.stream().filter(r -> r.outcome().isChange()).count();
    }

    public long failed() {
        return results.stream().filter(r -> r.outcome().isFailure()).count();
    }

    public long succeeded() {
        return results.size() - failed();
    }

    public boolean ok() {
        return failed() == 0;
    }
}
