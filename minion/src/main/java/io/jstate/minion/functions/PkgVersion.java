package io.jstate.minion.functions;

import io.jstate.states.kinds.pkg.PackageBackend;
import io.jstate.states.kinds.pkg.PackageBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pkg.version NAME...}: the installed version of each package, "" when it is not installed. */
final class PkgVersion implements ExecutionFunction {
    @Override
    public Output call(FunctionContext context, List<String> args) {
        if (args.isEmpty()) throw new IllegalArgumentException("give one or more package names, e.g. pkg.version nginx");
        Map<String, PackageBackend.Installed> installed = PackageBackends.select(context.env()).installed(args);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : args) {
            PackageBackend.Installed i = installed.get(name);
            out.put(name, i != null && i.installed() ? i.version() : "");
        }
        return Output.ok(out);
    }
}
