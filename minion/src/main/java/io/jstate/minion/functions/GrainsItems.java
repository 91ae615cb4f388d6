package io.jstate.minion.functions;

import java.util.List;

/** {@code grains.items}: every grain of this minion, collected and the operator's. */
final class GrainsItems implements ExecutionFunction {
    @Override
    public Output call(FunctionContext context, List<String> args) {
        if (!args.isEmpty()) throw new IllegalArgumentException("takes no arguments");
        return Output.ok(context.grains());
    }
}
