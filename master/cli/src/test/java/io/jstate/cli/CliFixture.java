package io.jstate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobList;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.ApplyRequest;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.KeyList;
import io.jstate.proto.v1.MinionStateEvent;
import io.jstate.proto.v1.Refusal;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A fake admin API over real mutual TLS, and the CLI run in-process against it. */
abstract class CliFixture {
    @TempDir
    Path tmp;

    TestPki pki;
    TestPki.Identity admin;
    Path pkiDir;
    FakeMaster master;
    final CountDownLatch release = new CountDownLatch(1);

    record Result(int code, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        pki = new TestPki("jstate master CA");
        admin = pki.client("admin");
        pkiDir = pki.write(tmp.resolve("pki"), admin, false);
        master = new FakeMaster(pki, pki.server(), admin.cert());
    }

    @AfterEach
    void stop() {
        release.countDown();
        master.close();
    }

    Result run(String... args) {
        return run(Map.of("JSTATE_MASTER", master.url(), "JSTATE_PKI", pkiDir.toString()), Duration.ofSeconds(5), args);
    }

    static Result run(Map<String, String> env, Duration margin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Clock clock = Clock.fixed(Instant.ofEpochMilli(Canned.T0), ZoneOffset.UTC);
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, clock, false, margin, false);
        int code = Main.run(args, ctx);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

}
