package io.jstate.minion.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rabbitmq.status}: the local RabbitMQ node's view of its cluster, from
 * {@code rabbitmqctl cluster_status --formatter json}: the running and disk nodes, network
 * partitions (each as "node: unreachable nodes") and resource alarms. A host without rabbitmqctl
 * answers {@code installed: false}; one whose node does not answer, {@code running: false}.
 */
final class RabbitmqStatus implements ExecutionFunction {
    static final Path CTL = Path.of("/usr/sbin/rabbitmqctl");
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Output call(FunctionContext context, List<String> args) {
        if (!args.isEmpty()) throw new IllegalArgumentException("rabbitmq.status takes no arguments");
        Map<String, Object> out = new LinkedHashMap<>();
        if (!context.host().exists(CTL)) {
            out.put("installed", false);
            out.put("error", "rabbitmq-server is not installed (no " + CTL + ")");
            return Output.ok(out);
        }
        out.put("installed", true);
        ExecResult r = context.host().run(Exec.query(CTL.toString(), "cluster_status", "--formatter", "json", "--timeout", "10").withTimeout(TIMEOUT));
        Map<String, Object> status = null;
        if (r.succeeded()) {
            try {
                String text = r.stdout().strip();
                // rabbitmqctl may print a notice line before the document.
                @SuppressWarnings("unchecked")
                Map<String, Object> read = JSON.readValue(text.substring(Math.max(0, text.indexOf('{'))), Map.class);
                status = read;
            } catch (IOException | RuntimeException e) {
                status = null;
            }
        }
        if (status == null) {
            out.put("running", false);
            String why = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
            out.put("error", "not running: rabbitmqctl exited " + r.exitCode() + (why.isEmpty() ? "" : ": " + firstLines(why)));
            return Output.ok(out);
        }
        out.put("running", true);
        out.put("running_nodes", strings(status.get("running_nodes")));
        out.put("disk_nodes", strings(status.get("disk_nodes")));
        out.put("partitions", partitions(status.get("partitions")));
        out.put("alarms", alarms(status.get("alarms")));
        return Output.ok(out);
    }

    private static String firstLines(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).limit(3).toList();
        return String.join(" ", lines);
    }

    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) for (Object x : l) out.add(String.valueOf(x));
        return out;
    }

    /** Partitions as RabbitMQ 3.x prints them: a map (node to the nodes it cannot reach) or a list. */
    static List<String> partitions(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof Map<?, ?> m) m.forEach((node, peers) -> out.add(node + ": " + String.join(", ", strings(peers))));
        else if (o instanceof List<?> l) for (Object x : l) out.add(String.valueOf(x));
        return out;
    }

    /** Alarms as "type on node" where the JSON gives both, else as printed. */
    static List<String> alarms(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                if (x instanceof Map<?, ?> m && m.get("type") != null) out.add(m.get("type") + (m.get("node") == null ? "" : " on " + m.get("node")));
                else out.add(String.valueOf(x));
            }
        }
        return out;
    }
}
