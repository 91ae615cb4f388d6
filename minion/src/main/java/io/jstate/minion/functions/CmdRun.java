package io.jstate.minion.functions;

import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cmd.run CMD}: runs a shell command line; {retcode, stdout, stderr}, successful when it exits 0. */
final class CmdRun implements ExecutionFunction {
    @Override
    public Output call(FunctionContext context, List<String> args) {
        if (args.isEmpty()) throw new IllegalArgumentException("give the command line to run, e.g. cmd.run 'uptime'");
        // Several arguments are one command line, as if the operator had quoted them together.
        ExecResult r = context.host().run(Exec.change("/bin/sh", "-c", String.join(" ", args)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("retcode", r.exitCode());
        out.put("stdout", r.stdout());
        out.put("stderr", r.stderr());
        if (r.timedOut()) out.put("timed_out", true);
        return new Output(r.exitCode() == 0 && !r.timedOut(), out);
    }
}
