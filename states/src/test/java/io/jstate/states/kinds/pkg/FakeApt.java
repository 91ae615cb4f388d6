package io.jstate.states.kinds.pkg;

import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small model of dpkg and apt on a FakeHost: dpkg-query and apt-cache answer from the maps,
 * apt-get install and remove change them, so tests can check again after apply.
 */
final class FakeApt {
    final Map<String, String> installed = new LinkedHashMap<>();
    final Map<String, String> candidates = new LinkedHashMap<>();
    /** Packages the index learns about on update. */
    final Map<String, String> afterUpdate = new LinkedHashMap<>();
    /** Seconds since the index was fetched; negative: never fetched. */
    long indexAge = -1;
    String failInstall;
    Runnable duringInstall = () -> {};

    FakeApt(FakeHost host) {
        host.on(List.of("dpkg-query", "-W"), e -> {
            StringBuilder out = new StringBuilder();
            boolean all = true;
            for (String n : e.argv().subList(3, e.argv().size())) {
                String v = installed.get(n);
                if (v == null) all = false;
                else out.append(n).append('\t').append(n).append('\t').append("ii \t").append(v).append('\n');
            }
            return new ExecResult(all ? 0 : 1, out.toString(), all ? "" : "dpkg-query: no packages found matching x\n", false);
        });
        host.on(List.of("apt-cache", "policy"), e -> {
            StringBuilder out = new StringBuilder();
            for (String n : e.argv().subList(2, e.argv().size())) {
                String c = candidates.get(n);
                if (c == null) continue;
                out.append(n).append(":\n  Installed: ").append(installed.getOrDefault(n, "(none)"))
                        .append("\n  Candidate: ").append(c).append("\n  Version table:\n");
            }
            return ExecResult.ok(out.toString());
        });
        host.on(List.of("stat", "-c", "%Y"), e -> indexAge < 0
                ? ExecResult.fail(1, "stat: cannot statx")
                : ExecResult.ok((host.now().getEpochSecond() - indexAge) + "\n"));
        host.on(apt("update"), e -> {
            candidates.putAll(afterUpdate);
            indexAge = 0;
            return ExecResult.ok("Reading package lists...\n");
        });
        host.on(e -> e.argv().get(0).equals("apt-get") && e.argv().contains("install"), e -> {
            duringInstall.run();
            if (failInstall != null) return new ExecResult(100, "", failInstall, false);
            for (String arg : e.argv().subList(e.argv().indexOf("install") + 2, e.argv().size())) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                String version = eq < 0 ? candidates.get(name) : arg.substring(eq + 1);
                if (version == null) return new ExecResult(100, "", "E: Unable to locate package " + name, false);
                installed.put(name, version);
            }
            return ExecResult.ok("");
        });
        host.on(e -> e.argv().get(0).equals("apt-get") && (e.argv().contains("remove") || e.argv().contains("purge")), e -> {
            int at = Math.max(e.argv().indexOf("remove"), e.argv().indexOf("purge"));
            e.argv().subList(at + 1, e.argv().size()).forEach(installed::remove);
            return ExecResult.ok("");
        });
    }

    private static List<String> apt(String verb) {
        return List.of("apt-get", "-q", "-y", "-o", "DPkg::Lock::Timeout=600", verb);
    }
}
