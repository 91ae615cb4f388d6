package io.jstate.minion.functions;

import java.util.List;

/** {@code test.ping}: answers true, proving the minion is connected and runs jobs. */
final class TestPing implements ExecutionFunction {
    @Override
    public Output call(FunctionContext context, List<String> args) {
        if (!args.isEmpty()) throw new IllegalArgumentException("takes no arguments");
        return Output.ok(true);
    }
}
