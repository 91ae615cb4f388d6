package io.jstate.minion.output;

import io.jstate.common.output.HumanOutput;
import io.jstate.common.output.JsonOutput;

import static io.jstate.minion.output.HumanOutputTest.T0;
import static io.jstate.minion.output.HumanOutputTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.Outcome.Skipped;
import io.jstate.states.engine.Outcome.Unchanged;
import io.jstate.states.engine.Outcome.WouldChange;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonOutputTest {

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void everyOutcomeRoundTripsWithAStableSchema() throws Exception {
        RunReport report = new RunReport(List.of(
                result("motd", "file.managed", "/etc/motd", new Unchanged("in sync")),
                result("conf", "file.managed", "/etc/nginx.conf", new Changed(
                        List.of(Change.of("mode", "0644", "0600"), Change.diff("content", "-a\n+b\n")), "wrote it", Map.of("z", "1", "a", "2"))),
                result("nginx", "pkg.installed", "nginx", new WouldChange(List.of(Change.of("version", null, "1.22")), null)),
                result("db", "cmd.run", "db", new Failed("exited 1", List.of(), Map.of("stderr", "boom"))),
                result("site", "file.managed", "/srv", new Skipped("requisite failed: cmd.run db", true))),
                Duration.ofNanos(1_234_567_891), false);
        String text = new JsonOutput().document("ctl1", T0, ProtoResults.report(report, Secrets.NONE));
        JsonNode root = new ObjectMapper().readTree(text);

        assertEquals(List.of("minion", "test", "started", "duration_ms", "summary", "states"), keys(root));
        assertEquals("ctl1", root.get("minion").asText());
        assertFalse(root.get("test").asBoolean());
        assertEquals("2026-03-01T10:15:30.123Z", root.get("started").asText());
        assertEquals(1234.567, root.get("duration_ms").asDouble());
        JsonNode summary = root.get("summary");
        assertEquals(List.of("succeeded", "changed", "failed", "total"), keys(summary));
        assertEquals(List.of(3, 2, 2, 5), List.of(summary.get("succeeded").asInt(), summary.get("changed").asInt(),
                summary.get("failed").asInt(), summary.get("total").asInt()));

        JsonNode states = root.get("states");
        assertEquals(5, states.size());
        for (JsonNode s : states) {
            assertEquals(List.of("id", "kind", "name", "sls", "file", "line", "result", "comment", "changes", "data", "started", "duration_ms"),
                    keys(s));
            assertEquals("web.nginx", s.get("sls").asText());
            assertEquals("web/nginx.sls", s.get("file").asText());
            assertEquals(7, s.get("line").asInt());
            assertEquals(12.345, s.get("duration_ms").asDouble());
        }
        assertEquals(List.of("unchanged", "changed", "would_change", "failed", "skipped"),
                List.of(states.get(0).get("result").asText(), states.get(1).get("result").asText(), states.get(2).get("result").asText(),
                        states.get(3).get("result").asText(), states.get(4).get("result").asText()));

        JsonNode changed = states.get(1);
        assertEquals("/etc/nginx.conf", changed.get("name").asText());
        assertEquals("wrote it", changed.get("comment").asText());
        JsonNode mode = changed.get("changes").get(0);
        assertEquals(List.of("attribute", "before", "after", "diff"), keys(mode));
        assertEquals("0644", mode.get("before").asText());
        assertEquals("0600", mode.get("after").asText());
        assertTrue(mode.get("diff").isNull());
        assertEquals("-a\n+b\n", changed.get("changes").get(1).get("diff").asText());
        assertEquals(List.of("a", "z"), keys(changed.get("data")), "data keys sorted");

        assertTrue(states.get(0).get("changes").isEmpty());
        assertEquals("in sync", states.get(0).get("comment").asText());
        assertTrue(states.get(2).get("comment").isNull());
        assertTrue(states.get(2).get("changes").get(0).get("before").isNull());
        assertEquals("exited 1", states.get(3).get("comment").asText());
        assertEquals("boom", states.get(3).get("data").get("stderr").asText());
        assertEquals("requisite failed: cmd.run db", states.get(4).get("comment").asText());
        assertEquals("2026-03-01T10:15:30.123Z", states.get(4).get("started").asText());
    }

    @Test
    void aDryRunSaysSo() throws Exception {
        RunReport report = new RunReport(List.of(), Duration.ZERO, true);
        JsonNode root = new ObjectMapper().readTree(new JsonOutput().document("m", T0, ProtoResults.report(report, Secrets.NONE)));
        assertTrue(root.get("test").asBoolean());
        assertEquals(0, root.get("summary").get("total").asInt());
        assertTrue(root.get("states").isArray());
    }
}
