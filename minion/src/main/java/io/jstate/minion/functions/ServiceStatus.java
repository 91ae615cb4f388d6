package io.jstate.minion.functions;

import io.jstate.states.kinds.service.ServiceBackend;
import io.jstate.states.kinds.service.ServiceBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code service.status NAME...}: whether each service is running, as the init system says. */
final class ServiceStatus implements ExecutionFunction {
    @Override
    public Output call(FunctionContext context, List<String> args) {
        if (args.isEmpty()) throw new IllegalArgumentException("give one or more service names, e.g. service.status ssh");
        for (String name : args) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.@:+-]*")) throw new IllegalArgumentException("'" + name + "' is not a service name");
        }
        ServiceBackend backend = ServiceBackends.select(context.env());
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String name : args) out.put(name, backend.running(name));
        return Output.ok(out);
    }
}
