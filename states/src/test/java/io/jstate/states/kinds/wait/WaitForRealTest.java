package io.jstate.states.kinds.wait;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.Step;
import io.jstate.states.host.LocalHost;
import io.jstate.states.kinds.TestEnv;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real probes against listeners this test opens on loopback. */
@Tag("real")
@Timeout(30)
class WaitForRealTest {

    final WaitFor state = new WaitFor(TestEnv.readOnly(TestEnv.debian(LocalHost.system())));

    static WaitFor.Spec spec(Map<String, Object> args) {
        return SpecBinder.bind(WaitFor.Spec.class, "gate", args);
    }

    @Test
    void tcpToAnOpenAndAClosedPort() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(state.check(spec(Map.of("tcp", "127.0.0.1:" + s.getLocalPort()))).inSync());
            closed = s.getLocalPort();
        }
        var spec = spec(Map.of("tcp", "127.0.0.1:" + closed, "attempts", 3, "interval", 0.1, "probe_timeout", 0.5));
        Drift d = state.check(spec);
        assertFalse(d.inSync());
        // The kind's apply waits for nothing: the engine checks again, as settle says, and fails the state.
        state.apply(spec, d);
        assertFalse(state.check(spec).inSync());
        assertEquals(new Step.Retry(3, Duration.ofMillis(100)), state.settle(spec));
    }

    @Test
    void httpStatusFromALoopbackServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/ready") ? 200 : 503, -1);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertTrue(state.check(spec(Map.of("http", base + "/ready"))).inSync());
            assertTrue(state.check(spec(Map.of("http", base + "/other", "status", 503))).inSync());
            assertFalse(state.check(spec(Map.of("http", base + "/other", "attempts", 2, "interval", 0.1))).inSync());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void commandExitStatus() throws Exception {
        assertTrue(state.check(spec(Map.of("command", "test -d /"))).inSync());
        assertFalse(state.check(spec(Map.of("command", "exit 1", "attempts", 2, "interval", 0.1))).inSync());
    }
}
