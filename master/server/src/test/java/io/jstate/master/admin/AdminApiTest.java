package io.jstate.master.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.jstate.common.wire.Structs;
import io.jstate.master.FakeMinion;
import io.jstate.proto.v1.StateProgress;
import io.jstate.master.Master;
import io.jstate.master.MasterBean;
import io.jstate.master.TlsClients;
import io.jstate.master.pki.Pem;
import io.jstate.master.pki.Pki;
import io.jstate.proto.v1.AdminError;
import io.jstate.proto.v1.EnrollReply;
import io.jstate.proto.v1.FunctionRequest;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.Hello;
import io.jstate.proto.v1.Job;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobList;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.KeyList;
import io.jstate.proto.v1.MasterMessage;
import io.jstate.proto.v1.MinionGatewayGrpc;
import io.jstate.proto.v1.MinionList;
import io.jstate.proto.v1.MinionMessage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin API as the CLI reaches it: HTTPS with exactly the admin client certificate. */
@QuarkusTest
@TestProfile(AdminProfile.class)
class AdminApiTest {
    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @Inject
    MasterBean bean;

    HttpClient client(X509Certificate cert, PrivateKey key) throws Exception {
        return TlsClients.client(bean.master().pki().ca(), cert, key);
    }

    HttpClient admin() throws Exception {
        Master m = bean.master();
        return client(m.pki().admin(), Pem.readPrivateKey(m.pki().adminKey(), "EC"));
    }

    HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path)).timeout(Duration.ofSeconds(30));
    }

    @Test
    void withoutTheAdminCertificateNothingIsServed() throws Exception {
        HttpClient anonymous = client(null, null);
        assertThrows(IOException.class, () -> anonymous.send(req("/admin/v1/keys").build(), HttpResponse.BodyHandlers.ofByteArray()));
        // A minion's certificate comes from the same CA, and still opens nothing here.
        var pair = Pki.ecKeyPair();
        X509Certificate minion = bean.master().pki().issueMinion("sneaky", pair.getPublic());
        HttpClient asMinion = client(minion, pair.getPrivate());
        AdminError refused = AdminError.parseFrom(send(asMinion, req("/admin/v1/keys"), 403));
        assertTrue(refused.getMessage().contains("admin certificate"), refused.getMessage());
        assertEquals(403, asMinion.send(req("/admin/v1/keys/x").DELETE().build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
    }

    @Test
    void keysMinionsAndJobsOverTheAdminApi() throws Exception {
        HttpClient http = admin();
        Master m = bean.master();
        FakeMinion minion = new FakeMinion("adm1");
        ManagedChannel anonymous = NettyChannelBuilder.forAddress("127.0.0.1", m.gatewayPort())
                .sslContext(GrpcSslContexts.forClient().trustManager(m.pki().ca()).build()).build();
        ManagedChannel mutual = null;
        try {
            assertEquals(EnrollReply.Status.PENDING, minion.enroll(anonymous, "").getStatus());
            java.nio.file.Path broken = java.nio.file.Files.writeString(m.config().dataDir().resolve("minions/broken.pb"), "x");
            m.quarantine().moveAside(broken, "is not a minion record");
            KeyList keys = KeyList.parseFrom(get(http, "/admin/v1/keys", 200));
            assertEquals("adm1", keys.getKeys(0).getMinionId());
            assertEquals(broken.toAbsolutePath().normalize().toString(), keys.getQuarantined(0).getFile());
            assertEquals("is not a minion record", keys.getQuarantined(0).getReason());
            assertEquals(Key.State.PENDING, keys.getKeys(0).getState());

            byte[] asDb = Key.newBuilder().addRoles("db").build().toByteArray();
            KeyList accepted = KeyList.parseFrom(send(http, req("/admin/v1/keys/adm1/accept").POST(HttpRequest.BodyPublishers.ofByteArray(asDb)), 200));
            assertEquals(Key.State.ACCEPTED, accepted.getKeys(0).getState());
            assertEquals(List.of("db"), accepted.getKeys(0).getRolesList());
            byte[] bad = Key.newBuilder().addRoles("db; rm").build().toByteArray();
            AdminError badRole = AdminError.parseFrom(send(http, req("/admin/v1/keys/adm1/roles").POST(HttpRequest.BodyPublishers.ofByteArray(bad)), 400));
            assertTrue(badRole.getMessage().startsWith("bad role name 'db; rm'"), badRole.getMessage());
            assertEquals(EnrollReply.Status.ACCEPTED, minion.enroll(anonymous, "").getStatus());
            AdminError missing = AdminError.parseFrom(send(http, req("/admin/v1/keys/nobody/accept").POST(HttpRequest.BodyPublishers.noBody()), 404));
            assertTrue(missing.getMessage().contains("nobody"), missing.getMessage());

            mutual = NettyChannelBuilder.forAddress("127.0.0.1", m.gatewayPort()).sslContext(GrpcSslContexts.forClient()
                    .trustManager(m.pki().ca()).keyManager(minion.key.getPrivate(), minion.cert).build()).build();
            BlockingQueue<MasterMessage> down = new LinkedBlockingQueue<>();
            StreamObserver<MinionMessage> up = MinionGatewayGrpc.newStub(mutual).connect(new StreamObserver<>() {
                @Override
                public void onNext(MasterMessage value) {
                    down.add(value);
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            });
            up.onNext(MinionMessage.newBuilder().setHello(Hello.newBuilder().setGrains(FakeMinion.grains("{\"roles\": [\"controller\"]}"))).build());
            for (int i = 0; i < 500 && !m.connections().connected("adm1"); i++) Thread.sleep(10);

            MinionList minions = MinionList.parseFrom(get(http, "/admin/v1/minions?target=G@roles:controller", 200));
            assertEquals(1, minions.getMinionsCount());
            assertTrue(minions.getMinions(0).getConnected());
            assertEquals(0, MinionList.parseFrom(get(http, "/admin/v1/minions?target=G@roles:web", 200)).getMinionsCount());
            assertEquals(400, http.send(req("/admin/v1/minions?target=G@(").build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
            MinionList byRole = MinionList.parseFrom(get(http, "/admin/v1/minions?target=R@db", 200));
            assertEquals(List.of("db"), byRole.getMinions(0).getRolesList(), "the master's roles, not the roles grain");
            byte[] none = Key.getDefaultInstance().toByteArray();
            assertEquals(0, KeyList.parseFrom(send(http, req("/admin/v1/keys/adm1/roles").POST(HttpRequest.BodyPublishers.ofByteArray(none)), 200))
                    .getKeys(0).getRolesCount());
            assertEquals(0, MinionList.parseFrom(get(http, "/admin/v1/minions?target=R@db", 200)).getMinionsCount());

            // The job stream: the first event must arrive while the minion has not answered yet.
            JobRequest ping = JobRequest.newBuilder().setTarget("adm1").setFunction(FunctionRequest.newBuilder().setName("test.ping")).build();
            HttpResponse<InputStream> stream = http.send(req("/admin/v1/jobs").header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ping.toByteArray())).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            InputStream in = stream.body();
            // A keepalive answers at once, before the job's first event.
            assertEquals(JobEvent.getDefaultInstance(), JobEvent.parseDelimitedFrom(in));
            JobEvent started = JobEvent.parseDelimitedFrom(in);
            assertEquals(JobEvent.Type.JOB_STARTED, started.getType());
            MasterMessage env;
            do {
                env = down.poll(10, TimeUnit.SECONDS);
            } while (env != null && !env.hasJob());
            Job job = Job.parseFrom(env.getJob().getJob());
            // While it runs, the stream carries the state the minion runs, and the job's record has it.
            StateProgress running = StateProgress.newBuilder().setJid(job.getJid()).setId("ping-wait").setKind("wait.for").setRunningMs(5000)
                    .setWaiting("check 2 of 5 in 1s").build();
            up.onNext(MinionMessage.newBuilder().setProgress(running).build());
            JobEvent progress = JobEvent.parseDelimitedFrom(in);
            assertEquals(JobEvent.Type.STATE_PROGRESS, progress.getType());
            assertEquals("adm1", progress.getMinionId());
            assertEquals("check 2 of 5 in 1s", progress.getProgress().getWaiting());
            JobRecord whileRunning = JobRecord.parseFrom(get(http, "/admin/v1/jobs/" + started.getJid(), 200));
            assertEquals("ping-wait", whileRunning.getRunningOrThrow("adm1").getId());
            assertTrue(whileRunning.getRunningOrThrow("adm1").getRunningMs() >= 5000, whileRunning::toString);
            up.onNext(MinionMessage.newBuilder().setResult(JobResult.newBuilder().setJid(job.getJid())
                    .setFunction(FunctionReturn.newBuilder().setSuccess(true).setValue(Structs.value(true)))).build());
            JobEvent done = JobEvent.parseDelimitedFrom(in);
            assertEquals(JobEvent.Type.MINION_DONE, done.getType());
            assertEquals(true, Structs.plain(done.getResult().getFunction().getValue()));
            assertEquals(JobEvent.Type.JOB_DONE, JobEvent.parseDelimitedFrom(in).getType());
            in.close();

            JobList list = JobList.parseFrom(get(http, "/admin/v1/jobs?limit=5", 200));
            assertEquals(started.getJid(), list.getJobs(0).getJid());
            JobRecord rec = JobRecord.parseFrom(get(http, "/admin/v1/jobs/" + started.getJid(), 200));
            assertEquals(1, rec.getResultsCount());
            assertEquals(0, rec.getRunningCount(), "a job that ended runs nothing");
            assertEquals(404, http.send(req("/admin/v1/jobs/20990101000000000123").build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());

            HttpResponse<InputStream> failed = http.send(req("/admin/v1/jobs").header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ping.toBuilder().setTarget("nothing-matches").build().toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(JobEvent.Type.TYPE_UNSPECIFIED, JobEvent.parseDelimitedFrom(failed.body()).getType());
            JobEvent fail = JobEvent.parseDelimitedFrom(failed.body());
            assertEquals(JobEvent.Type.JOB_FAILED, fail.getType());

            KeyList deleted = KeyList.parseFrom(send(http, req("/admin/v1/keys/adm1").DELETE(), 200));
            assertEquals("adm1", deleted.getKeys(0).getMinionId());
            for (int i = 0; i < 500 && m.connections().connected("adm1"); i++) Thread.sleep(10);
            assertTrue(!m.connections().connected("adm1"), "deleting the key cut the stream");
        } finally {
            anonymous.shutdownNow();
            if (mutual != null) mutual.shutdownNow();
        }
    }

    @Inject
    io.jstate.master.metrics.Metrics metrics;

    /** The event stream: keepalive first, then only the events the pattern matches, as JSON data. */
    @Test
    void eventsStreamOverTheAdminApiAndTheMetricsAreInjectable() throws Exception {
        HttpClient http = admin();
        Master m = bean.master();
        var pair = Pki.ecKeyPair();
        HttpClient asMinion = client(m.pki().issueMinion("evtsneaky", pair.getPublic()), pair.getPrivate());
        assertEquals(403, asMinion.send(req("/admin/v1/events").build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());

        HttpResponse<InputStream> stream = http.send(req("/admin/v1/events?tag=jstate/key/request/*").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        InputStream in = stream.body();
        io.jstate.proto.v1.Event keepalive = io.jstate.proto.v1.Event.parseDelimitedFrom(in);
        assertEquals("", keepalive.getTag());
        ManagedChannel anonymous = NettyChannelBuilder.forAddress("127.0.0.1", m.gatewayPort())
                .sslContext(GrpcSslContexts.forClient().trustManager(m.pki().ca()).build()).build();
        try {
            m.events().publish(new io.jstate.master.events.Event.MinionUp("not-matched", "", java.util.List.of(), false));
            FakeMinion minion = new FakeMinion("evt1");
            assertEquals(EnrollReply.Status.PENDING, minion.enroll(anonymous, "").getStatus());
            io.jstate.proto.v1.Event e = io.jstate.proto.v1.Event.parseDelimitedFrom(in);
            assertEquals("jstate/key/request/evt1", e.getTag());
            assertTrue(Math.abs(System.currentTimeMillis() - e.getTimeUnixMs()) < 60_000, e::toString);
            var data = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Structs.map(e.getData()));
            assertEquals("evt1", data.get("id").asText());
            assertEquals(false, data.get("auto_accept").asBoolean());
        } finally {
            in.close();
            anonymous.shutdownNow();
        }
        String text = metrics.scrape();
        assertTrue(text.contains("# TYPE jstate_keys gauge\n"), text);
        assertTrue(text.matches("(?s).*\njstate_keys\\{state=\"pending\"\\} [1-9].*"), text);
    }

    byte[] get(HttpClient http, String path, int status) throws Exception {
        return send(http, req(path).GET(), status);
    }

    byte[] send(HttpClient http, HttpRequest.Builder r, int status) throws Exception {
        HttpResponse<byte[]> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(status, resp.statusCode(), () -> new String(resp.body()));
        return resp.body();
    }
}
