package io.jstate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.common.output.ExitCodes;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.Event;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code jstate events}: follows the master's event stream, one line per event, as
 * {@code HH:MM:SS.mmm tag key=value ...} or as JSON lines, until interrupted, until N events
 * were shown or until S seconds have passed.
 */
final class EventsCommand {
    static final String EVENTS = "/admin/v1/events";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final Main main;
    private final Context ctx;

    EventsCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    /**
     * Follows the stream. Exits 0 when interrupted, when {@code count} events were shown, or when
     * {@code timeoutSeconds} ended it without a count asked for; 2 when the timeout came before
     * {@code count} events; 1 when the stream could not start or broke.
     */
    int call(String tag, boolean json, Long count, Long timeoutSeconds) throws CliException {
        String pattern = tag == null || tag.isBlank() ? "*" : tag;
        long start = System.nanoTime();
        Duration timeout = timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds);
        // --timeout bounds the whole command, the wait for the master's answer too.
        Duration answer = timeout != null && timeout.compareTo(AdminClient.REQUEST_TIMEOUT) <= 0 ? timeout : AdminClient.REQUEST_TIMEOUT;
        InputStream in;
        try {
            in = main.client().stream(EVENTS + "?tag=" + AdminClient.encode(pattern), answer);
        } catch (CliException e) {
            if (timeout != null && answer == timeout && e.getMessage().endsWith("did not answer in time")) {
                ctx.err().println("jstate: the master did not answer within the " + timeoutSeconds + " s of --timeout");
                return count == null ? ExitCodes.OK : ExitCodes.STATES_FAILED;
            }
            throw e;
        }
        PrintStream out = ctx.out();
        ZoneId zone = ctx.clock().getZone();
        long shown = 0;
        boolean announced = false;
        try (StreamReader<Event> events = new StreamReader<>(in, Event::parseDelimitedFrom, "jstate-events", StreamReader.silence(ctx))) {
            while (count == null || shown < count) {
                long left = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos() - System.nanoTime();
                if (left <= 0) break;
                StreamReader.Item<Event> item = events.poll(Math.min(left, Duration.ofSeconds(1).toNanos()));
                if (item == null) continue;
                if (item.end()) {
                    ctx.err().println("jstate: the master ended the event stream");
                    return ExitCodes.CANNOT_START;
                }
                if (item.error() != null) {
                    ctx.err().println("jstate: the event stream from the master broke: " + AdminClient.detail(item.error()));
                    return ExitCodes.CANNOT_START;
                }
                Event e = item.message();
                if (e.getTag().isEmpty()) {
                    // A keepalive; the first one says the subscription is in place.
                    if (!announced) {
                        announced = true;
                        ctx.err().println("Following events matching '" + pattern + "' (Ctrl-C stops).");
                        ctx.err().flush();
                    }
                    continue;
                }
                out.println(json ? jsonLine(e) : humanLine(e, zone));
                out.flush();
                shown++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        }
        if (count != null && shown < count) {
            ctx.err().println("jstate: " + shown + " of " + count + " events within " + timeoutSeconds + " s");
            return ExitCodes.STATES_FAILED;
        }
        return ExitCodes.OK;
    }

    /** {@code {"tag": ..., "time": "2026-01-02T03:04:05.678Z", "data": {...}}}. */
    static String jsonLine(Event e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tag", e.getTag());
        o.put("time", Instant.ofEpochMilli(e.getTimeUnixMs()).toString());
        o.set("data", data(e));
        return o.toString();
    }

    /** {@code 16:40:40.145 jstate/minion/up/web1 id=web1 address=10.0.0.5 roles=web,db}. */
    static String humanLine(Event e, ZoneId zone) {
        StringBuilder b = new StringBuilder(128);
        b.append(TIME.format(Instant.ofEpochMilli(e.getTimeUnixMs()).atZone(zone))).append(' ').append(e.getTag());
        Iterator<Map.Entry<String, JsonNode>> fields = data(e).fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            b.append(' ').append(f.getKey()).append('=').append(word(f.getValue()));
        }
        return b.toString();
    }

    private static ObjectNode data(Event e) {
        try {
            return JSON.valueToTree(Structs.map(e.getData()));
        } catch (IllegalArgumentException ex) {
            ObjectNode o = JSON.createObjectNode();
            o.put("unreadable", ex.getMessage());
            return o;
        }
    }

    /** A value as one word: lists joined by commas, text quoted when it holds a space or is empty. */
    private static String word(JsonNode v) {
        if (v.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode x : v) {
                if (b.length() > 0) b.append(',');
                b.append(x.isValueNode() ? x.asText() : x.toString());
            }
            return b.toString();
        }
        if (v.isTextual()) {
            String s = v.asText();
            return s.isEmpty() || s.chars().anyMatch(c -> c == ' ' || c == '"' || c == '\t' || c == '\n') ? JSON.valueToTree(s).toString() : s;
        }
        return v.toString();
    }
}
