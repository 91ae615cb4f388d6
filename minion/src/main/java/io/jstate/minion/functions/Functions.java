package io.jstate.minion.functions;

import io.jstate.proto.v1.FunctionReturn;
import io.jstate.common.text.Names;
import io.jstate.common.wire.Structs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The execution functions a minion runs, by name: the one list of them. */
public final class Functions {
    private final Map<String, ExecutionFunction> byName;

    private Functions(Map<String, ExecutionFunction> byName) {
        this.byName = Map.copyOf(byName);
    }

    public static Functions builtin() {
        Map<String, ExecutionFunction> f = new LinkedHashMap<>();
        f.put("test.ping", new TestPing());
        f.put("cmd.run", new CmdRun());
        f.put("grains.items", new GrainsItems());
        f.put("pkg.version", new PkgVersion());
        f.put("service.status", new ServiceStatus());
        f.put("state.show_plan", new StateShowPlan());
        f.put("galera.facts", new GaleraFacts());
        f.put("rabbitmq.status", new RabbitmqStatus());
        f.put("memcached.stats", new MemcachedStats(Wire.REAL));
        f.put("haproxy.stats", new HaproxyStats(Wire.REAL));
        return new Functions(f);
    }

    public java.util.Set<String> names() {
        return byName.keySet();
    }

    /** Runs a function; whatever goes wrong becomes an unsuccessful return that says what. */
    public FunctionReturn call(String name, FunctionContext context, List<String> args) {
        ExecutionFunction f = byName.get(name);
        if (f == null) {
            return failed("unknown function '" + name + "'" + Names.didYouMean(name, byName.keySet())
                    + " (known: " + String.join(", ", new java.util.TreeSet<>(byName.keySet())) + ")");
        }
        try {
            ExecutionFunction.Output out = f.call(context, args);
            return FunctionReturn.newBuilder().setSuccess(out.success()).setValue(Structs.value(out.value())).build();
        } catch (RuntimeException e) {
            return failed(name + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }

    private static FunctionReturn failed(String error) {
        return FunctionReturn.newBuilder().setSuccess(false).setError(error).build();
    }
}
