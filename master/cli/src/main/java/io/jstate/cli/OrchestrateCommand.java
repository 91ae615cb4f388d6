package io.jstate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.common.output.ExitCodes;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.OrchestrateEvent;
import io.jstate.proto.v1.OrchestrateRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jstate orchestrate NAME|FILE}: runs an orchestration on the master and shows it stage by
 * stage: what each stage does and on which minions, the states that changed or failed, elections
 * and what they chose, and where the line stopped when it did. NAME is {@code orch/NAME.yaml} in
 * the master's state tree; a path to an existing file sends that file instead.
 */
final class OrchestrateCommand {
    static final String ORCHESTRATIONS = "/admin/v1/orchestrations";

    private final Main main;
    private final Context ctx;

    OrchestrateCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    int call(String what, boolean test, String choose, Long timeoutSeconds, boolean json) throws CliException, Args.UsageException {
        OrchestrateRequest.Builder request = OrchestrateRequest.newBuilder().setTest(test);
        if (choose != null) {
            int eq = choose.indexOf('=');
            if (eq <= 0 || eq == choose.length() - 1) throw new Args.UsageException("orchestrate", "--choose takes RULE=VALUE, e.g. galera=ctl2");
            request.putChoices(choose.substring(0, eq), choose.substring(eq + 1));
        }
        if (timeoutSeconds != null) request.setTimeoutMs(Duration.ofSeconds(timeoutSeconds).toMillis());
        Path file = Path.of(what);
        if ((what.contains("/") || what.endsWith(".yaml") || what.endsWith(".yml")) && Files.isRegularFile(file)) {
            try {
                request.setName(file.toString()).setSource(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage());
            }
        } else {
            request.setName(what);
        }
        InputStream in = main.client().stream(ORCHESTRATIONS, request.build(), AdminClient.REQUEST_TIMEOUT);
        View view = new View(ctx, json, test);
        long every = JobStream.progressInterval(ctx).toNanos();
        try (StreamReader<OrchestrateEvent> events = new StreamReader<>(in, OrchestrateEvent::parseDelimitedFrom, "jstate-orchestration",
                StreamReader.silence(ctx))) {
            while (true) {
                // While a stage runs, where it is goes to stderr every interval: a long stage is never a silent one.
                long wait = view.running() ? view.progressDue(every) - System.nanoTime() : every;
                StreamReader.Item<OrchestrateEvent> item = events.poll(wait);
                if (item == null) {
                    if (view.running() && System.nanoTime() - view.progressDue(every) >= 0) view.progress();
                    continue;
                }
                if (item.error() != null) {
                    view.broken("the stream broke: " + AdminClient.detail(item.error()), main.client().unanswered());
                    break;
                }
                if (item.end()) break;
                if (item.message().getType() == OrchestrateEvent.Type.TYPE_UNSPECIFIED) continue; // a keepalive
                if (view.accept(item.message())) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            view.broken("interrupted");
        }
        if (!view.ended()) view.broken("the master closed the stream before the orchestration ended", main.client().unanswered());
        return view.end();
    }

    /** An orchestration as the operator sees it. */
    static final class View {
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        private final Context ctx;
        private final PrintStream out;
        private final boolean json;
        private final boolean test;
        private final ObjectNode document = JSON.createObjectNode();
        private final ArrayNode stagesJson = document.putArray("stages");
        private final Map<String, ObjectNode> stageNodes = new LinkedHashMap<>();
        private int stages;
        private boolean started;
        private String result;
        private boolean failed;
        private JobView job;
        private java.io.ByteArrayOutputStream jobText;
        private String jobJid = "";
        /** The stage running now ("[5/18] rabbitmq-server"), null between stages; since when, and when it last said where it is. */
        private String runningStage;
        private long stageStartedAt;
        private long saidAt;

        View(Context ctx, boolean json, boolean test) {
            this.ctx = ctx;
            this.out = ctx.out();
            this.json = json;
            this.test = test;
        }

        /** Shows one event; returns whether it was the last. */
        boolean accept(OrchestrateEvent e) {
            String tag = "[" + e.getIndex() + "/" + stages + "] " + e.getStage();
            switch (e.getType()) {
                case ORCH_STARTED -> {
                    stages = e.getStageIdsCount();
                    document.put("orchestration", e.getMessage());
                    document.put("test", test);
                    line("Orchestration " + e.getMessage() + " (" + stages + " stages" + (test ? ", dry run" : "") + ")");
                }
                case STAGE_STARTED -> {
                    started = true;
                    runningStage = tag;
                    stageStartedAt = System.nanoTime();
                    saidAt = stageStartedAt;
                    stage(e).put("status", "started").put("does", e.getMessage());
                    line(tag + ": " + e.getMessage());
                }
                case STAGE_SKIPPED -> {
                    runningStage = null;
                    stage(e).put("status", "skipped").put("message", e.getMessage());
                    line(tag + ": " + e.getMessage());
                }
                case JOB -> job(e);
                case ELECTED -> {
                    JsonNode elected = JSON.valueToTree(Structs.map(e.getElected()));
                    stage(e).set("elected", elected);
                    line("    elected: " + e.getMessage());
                    line("    values: " + elected);
                }
                case STAGE_DONE -> {
                    runningStage = null;
                    stage(e).put("status", "done").put("message", e.getMessage());
                    line(tag + ": done (" + e.getMessage() + ")");
                }
                case STAGE_FAILED -> {
                    runningStage = null;
                    stage(e).put("status", "failed").put("message", e.getMessage());
                    line(tag + ": FAILED: " + e.getMessage());
                }
                case ORCH_DONE -> {
                    result = e.getMessage();
                    line("\nOrchestration done: " + e.getMessage());
                    return true;
                }
                case ORCH_FAILED -> {
                    result = e.getMessage();
                    failed = true;
                    if (json) {
                        document.put("error", e.getMessage());
                    } else {
                        ctx.err().println("jstate: orchestration " + (started ? "failed" : "refused") + ": " + e.getMessage());
                        ctx.err().flush();
                    }
                    return true;
                }
                default -> { }
            }
            return false;
        }

        /** A stage's jobs show their changed and failed states live and their totals, as apply does. */
        private void job(OrchestrateEvent e) {
            JobEvent j = e.getJob();
            if (j.getType() == JobEvent.Type.JOB_STARTED || j.getType() == JobEvent.Type.JOB_FAILED) {
                if (!j.getJid().equals(jobJid)) {
                    jobJid = j.getJid();
                    // The job's view writes to a buffer, whose lines are shown indented under the stage.
                    jobText = new java.io.ByteArrayOutputStream();
                    Context buffered = new Context(new PrintStream(jobText, true, StandardCharsets.UTF_8), ctx.err(), ctx.env(), ctx.clock(),
                            ctx.color(), ctx.margin(), false);
                    job = new JobView(buffered, e.getMessage().startsWith("run ") ? JobView.Kind.FUNCTION : JobView.Kind.APPLY, false, "");
                    job.notableOnly();
                    ArrayNode jobs = stage(e).withArray(e.getGate() ? "gate_jobs" : "jobs");
                    jobs.add(j.getJid());
                }
                if (!json && e.getGate()) line("    gate:");
            }
            if (job == null) return;
            // With --json the view still follows the job, for the progress lines on stderr; line() prints nothing.
            switch (j.getType()) {
                case JOB_STARTED, STATE, MINION_DONE, MINION_LOST, MINION_WAITING, MINION_ACCEPTED, STATE_PROGRESS -> job.accept(j);
                case JOB_DONE -> {
                    job.accept(j);
                    job.end(true);
                }
                case MINION_SKIPPED -> line("    " + j.getMinionId() + ": " + j.getMessage());
                default -> { }
            }
            String text = jobText.toString(StandardCharsets.UTF_8);
            jobText.reset();
            for (String l : text.split("\n")) {
                if (!l.isBlank()) line("    " + l);
            }
        }

        /** Whether a stage is running. */
        boolean running() {
            return runningStage != null;
        }

        /** When the running stage should next say where it is. */
        long progressDue(long every) {
            return saidAt + every;
        }

        /**
         * Says on stderr (never in the JSON on stdout) which stage runs, for how long, and where each
         * minion its job still waits for is: the state it runs and what it waits for.
         */
        void progress() {
            long now = System.nanoTime();
            saidAt = now;
            StringBuilder sb = new StringBuilder("jstate: ").append(runningStage).append(" running for ")
                    .append(Duration.ofNanos(now - stageStartedAt).toSeconds()).append(" s");
            List<String> lines = job == null || job.finished() ? List.of() : job.waitingFor();
            if (lines.isEmpty()) {
                sb.append('\n');
            } else {
                sb.append(", waiting for ").append(lines.size()).append(lines.size() == 1 ? " minion" : " minions")
                        .append(" (job ").append(job.jid()).append("):\n");
                for (String l : lines) sb.append("  ").append(l).append('\n');
            }
            ctx.err().print(sb);
            ctx.err().flush();
        }

        void broken(String why) {
            broken(why, null);
        }

        /**
         * The stream ended before the orchestration did; {@code gone} is why the master does not
         * answer now (null: it answers, and the orchestration goes on there).
         */
        void broken(String why, String gone) {
            result = why;
            failed = true;
            if (gone == null) {
                ctx.err().println("jstate: " + why + "; the orchestration goes on at the master (jstate jobs list shows its jobs)");
            } else {
                result = why + "; the master went away";
                ctx.err().println("jstate: " + why + ", and the master does not answer any more: it went away, and the orchestration"
                        + " with it (" + gone + "). Once jstate-master runs again, run the orchestration again: the stages that"
                        + " completed change nothing");
            }
            ctx.err().flush();
        }

        /** Whether the orchestration's end came (or the stream was given up already). */
        boolean ended() {
            return result != null;
        }

        int end() {
            if (json) {
                document.put("ok", !failed);
                document.put("result", result);
                try {
                    out.print(JSON.writeValueAsString(document) + "\n");
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                out.flush();
            }
            if (!failed) return ExitCodes.OK;
            return started ? ExitCodes.STATES_FAILED : ExitCodes.CANNOT_START;
        }

        private ObjectNode stage(OrchestrateEvent e) {
            return stageNodes.computeIfAbsent(e.getStage(), id -> {
                ObjectNode n = stagesJson.addObject();
                n.put("id", id);
                return n;
            });
        }

        private void line(String text) {
            if (json) return;
            out.println(text);
            out.flush();
        }
    }
}
