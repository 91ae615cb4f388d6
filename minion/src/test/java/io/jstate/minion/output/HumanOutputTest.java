package io.jstate.minion.output;

import io.jstate.common.output.HumanOutput;
import io.jstate.common.output.JsonOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.states.engine.Change;
import io.jstate.states.engine.Outcome;
import io.jstate.states.engine.Outcome.Changed;
import io.jstate.states.engine.Outcome.Failed;
import io.jstate.states.engine.Outcome.Skipped;
import io.jstate.states.engine.Outcome.Unchanged;
import io.jstate.states.engine.Outcome.WouldChange;
import io.jstate.states.engine.RunReport;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.StateResult;
import io.jstate.states.engine.Step;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HumanOutputTest {

    record Spec(String name) {}

    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

    static StateResult result(String id, String kind, String name, Outcome o) {
        Step step = new Step(0, id, kind, new Spec(name), new Source("web.nginx", "web/nginx.sls", 7), List.of(), null);
        return new StateResult(step, o, T0, Duration.ofNanos(12_345_678));
    }

    /** Formats engine results the way every caller does: through their protocol messages. */
    record Fmt(HumanOutput out, Secrets secrets) {
        String state(StateResult r) {
            return out.state(ProtoResults.state(r, secrets));
        }

        String summary(String minion, RunReport r) {
            return out.summary(minion, ProtoResults.report(r, secrets));
        }
    }

    private final Fmt plain = new Fmt(new HumanOutput(false, ZoneOffset.UTC), Secrets.NONE);

    @Test
    void unchangedIsOneShortLine() {
        assertEquals("  Name: /etc/motd - Function: file.managed - Result: Unchanged - Started: 10:15:30.123 - Duration: 12.3 ms\n",
                plain.state(result("motd", "file.managed", "/etc/motd", new Unchanged(null))));
    }

    @Test
    void aStateWithNothingToDoIsOneShortLineWithTheReason() {
        assertEquals("  Name: reload - Function: cmd.run - Result: Skipped - Comment: nothing to do: no onchanges requisite changed"
                        + " (file.managed conf) - Started: 10:15:30.123 - Duration: 12.3 ms\n",
                plain.state(result("reload", "cmd.run", "reload",
                        new Skipped("nothing to do: no onchanges requisite changed (file.managed conf)", false))));
    }

    @Test
    void changedIsABlockWithChangesDiffAndData() {
        Changed c = new Changed(List.of(
                Change.of("mode", "0644", "0600"),
                Change.of("owner", null, "www-data"),
                Change.diff("content", "--- /etc/nginx.conf\n+++ /etc/nginx.conf\n@@ -1 +1 @@\n-a\n+b\n")),
                "Wrote /etc/nginx.conf.", Map.of("backup", "/var/backups/nginx.conf"));
        assertEquals("""
                ----------
                          ID: conf
                    Function: file.managed
                        Name: /etc/nginx.conf
                      Source: web/nginx.sls:7
                      Result: Changed
                     Comment: Wrote /etc/nginx.conf.
                     Started: 10:15:30.123
                    Duration: 12.3 ms
                     Changes:
                              mode: 0644 -> 0600
                              owner: (none) -> www-data
                              content
                                  --- /etc/nginx.conf
                                  +++ /etc/nginx.conf
                                  @@ -1 +1 @@
                                  -a
                                  +b
                        Data:
                              backup: /var/backups/nginx.conf
                """, plain.state(result("conf", "file.managed", "/etc/nginx.conf", c)));
    }

    @Test
    void wouldChangeIsABlock() {
        String out = plain.state(result("nginx", "pkg.installed", "nginx", new WouldChange(List.of(Change.of("version", null, "1.22.1")), null)));
        assertTrue(out.contains("      Result: Would change\n"), out);
        assertTrue(out.contains("              version: (none) -> 1.22.1\n"), out);
        assertFalse(out.contains("Comment:"), out);
    }

    @Test
    void failedShowsTheErrorAsCommentAndMultilineOutputIndented() {
        Failed f = new Failed("'apt-get install -y nginx' exited 100", List.of(), Map.of("stderr", "E: Unable to locate package\nE: second line"));
        String out = plain.state(result("nginx", "pkg.installed", "nginx", f));
        assertTrue(out.contains("      Result: Failed\n     Comment: 'apt-get install -y nginx' exited 100\n"), out);
        assertTrue(out.contains("              stderr: \n                  E: Unable to locate package\n                  E: second line\n"), out);
        assertFalse(out.contains("Changes:"), out);
    }

    @Test
    void aBlockedStateIsABlock() {
        String out = plain.state(result("site", "file.managed", "/srv/site", new Skipped("requisite failed: pkg.installed nginx", true)));
        assertTrue(out.startsWith("----------\n"), out);
        assertTrue(out.contains("      Result: Skipped\n     Comment: requisite failed: pkg.installed nginx\n"), out);
    }

    @Test
    void multilineValuesStayOnOneLine() {
        String out = plain.state(result("x", "file.managed", "/x", new Changed(List.of(Change.of("content", "a\nb", "c")), null, null)));
        assertTrue(out.contains("content: a\\nb -> c\n"), out);
    }

    @Test
    void coloursOnlyWhenAsked() {
        Fmt coloured = new Fmt(new HumanOutput(true, ZoneOffset.UTC), Secrets.NONE);
        StateResult failed = result("x", "cmd.run", "x", new Failed("boom", null, null));
        assertTrue(coloured.state(failed).contains("\u001b[31m      Result:\u001b[0m \u001b[31mFailed\u001b[0m"), coloured.state(failed));
        assertFalse(plain.state(failed).contains("\u001b["));
        String diff = coloured.state(result("x", "file.managed", "x", new Changed(List.of(Change.diff("content", "--- a\n+++ b\n-old\n+new\n")), null, null)));
        assertTrue(diff.contains("\u001b[32m+new\u001b[0m") && diff.contains("\u001b[31m-old\u001b[0m") && diff.contains("    --- a\n"), diff);
    }

    @Test
    void summaryCountsAndTotals() {
        RunReport report = new RunReport(List.of(
                result("a", "file.managed", "a", new Unchanged(null)),
                result("b", "file.managed", "b", new Changed(List.of(Change.of("x", 1, 2)), null, null)),
                result("c", "cmd.run", "c", new Failed("no", null, null)),
                result("d", "cmd.run", "d", new Skipped("requisite failed: cmd.run c", true)),
                result("e", "cmd.run", "e", new Skipped("nothing to do", false))), Duration.ofMillis(1234), false);
        assertEquals("""

                Summary for ctl1
                ------------
                Succeeded: 3 (changed=1)
                Failed: 2
                ------------
                Total states run: 5
                Total run time: 1234.0 ms
                """, plain.summary("ctl1", report));
    }

    @Test
    void aDryRunSummarySaysNothingChanged() {
        RunReport report = new RunReport(List.of(result("b", "file.managed", "b", new WouldChange(List.of(Change.of("x", 1, 2)), null))),
                Duration.ofMillis(5), true);
        String out = plain.summary("ctl1", report);
        assertTrue(out.contains("Succeeded: 1 (changed=1)\nFailed: 0\n"), out);
        assertTrue(out.endsWith("Dry run: nothing was changed.\n"), out);
    }

    @Test
    void secretNamesAreMasked() {
        Fmt masked = new Fmt(new HumanOutput(false, ZoneOffset.UTC), new Secrets(List.of("pa55")));
        assertTrue(masked.state(result("u", "mysql.user", "app:pa55", new Unchanged(null))).contains("Name: app:<redacted> -"));
    }
}
