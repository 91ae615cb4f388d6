package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstate.proto.v1.Event;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jstate events} against the fake admin API: the request, both output forms, the ways it ends. */
@Timeout(30)
class EventsCommandTest extends CliFixture {
    static final long T = Instant.parse("2026-03-04T05:06:07.089Z").toEpochMilli();
    static final List<Event> STREAM = List.of(
            Event.getDefaultInstance(),
            Event.newBuilder().setTag("jstate/minion/up/web1").setTimeUnixMs(T)
                    .setData(Canned.value("{\"id\":\"web1\",\"address\":\"10.0.0.5\",\"roles\":[\"web\",\"db\"]}").getStructValue()).build(),
            Event.newBuilder().setTag("jstate/job/20260304050607000001/state/web1").setTimeUnixMs(T + 1)
                    .setData(Canned.value("{\"id\":\"motd file\",\"kind\":\"file.managed\",\"outcome\":\"changed\",\"duration_ms\":12.5,\"sls\":\"\"}").getStructValue()).build());

    @Test
    void humanLinesWithTimeTagAndData() {
        master.stream("GET", "/admin/v1/events?tag=jstate%2F*", STREAM);
        Result r = run("events", "--tag", "jstate/*");
        // The fake's stream ends after its events; the real master's never does.
        assertEquals(1, r.code(), r::toString);
        assertEquals("""
                05:06:07.089 jstate/minion/up/web1 id=web1 address=10.0.0.5 roles=web,db
                05:06:07.090 jstate/job/20260304050607000001/state/web1 id="motd file" kind=file.managed outcome=changed duration_ms=12.5 sls=""
                """, r.out());
        assertTrue(r.err().contains("Following events matching 'jstate/*'"), r::toString);
        assertTrue(r.err().contains("the master ended the event stream"), r::toString);
    }

    @Test
    void jsonLinesAndACountEndTheCommandCleanly() {
        master.stream("GET", "/admin/v1/events?tag=*", STREAM);
        Result r = run("events", "--json", "--count", "1");
        assertEquals(0, r.code(), r::toString);
        assertEquals("{\"tag\":\"jstate/minion/up/web1\",\"time\":\"2026-03-04T05:06:07.089Z\","
                + "\"data\":{\"id\":\"web1\",\"address\":\"10.0.0.5\",\"roles\":[\"web\",\"db\"]}}\n", r.out());
    }

    @Test
    void aTimeoutEndsAQuietStream() throws Exception {
        master.on("GET", "/admin/v1/events?tag=*", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, 0);
            Event.getDefaultInstance().writeDelimitedTo(ex.getResponseBody());
            ex.getResponseBody().flush();
            release.await();
        });
        long start = System.nanoTime();
        Result r = run("events", "--timeout", "1");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out());
        assertTrue(ms >= 900 && ms < 10_000, "took " + ms + " ms");

        Result counted = run("events", "--timeout", "1", "--count", "3");
        assertEquals(2, counted.code(), counted::toString);
        assertTrue(counted.err().contains("0 of 3 events within 1 s"), counted::toString);
    }

    @Test
    void aTimeoutAlsoBoundsTheWaitForTheMastersAnswer() {
        master.on("GET", "/admin/v1/events?tag=*", (ex, body) -> release.await(30, TimeUnit.SECONDS));
        long start = System.nanoTime();
        Result r = run("events", "--timeout", "2", "--count", "1");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("did not answer within the 2 s of --timeout"), r::toString);
        assertTrue(ms >= 1900 && ms < 10_000, "took " + ms + " ms");
    }

    @Test
    void humanLinesUseTheLocalZone() {
        Event e = STREAM.get(1);
        assertTrue(EventsCommand.humanLine(e, ZoneOffset.ofHours(2)).startsWith("07:06:07.089 jstate/minion/up/web1 "));
    }
}
