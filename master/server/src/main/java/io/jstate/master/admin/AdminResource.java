package io.jstate.master.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jstate.master.Master;
import io.jstate.master.MasterBean;
import io.jstate.master.events.EventBus;
import io.jstate.master.events.EventForm;
import io.jstate.master.jobs.Jids;
import io.jstate.master.store.Quarantine;
import io.jstate.proto.v1.Event;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobList;
import io.jstate.proto.v1.JobRecord;
import io.jstate.proto.v1.JobRequest;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.KeyList;
import io.jstate.proto.v1.MinionList;
import io.jstate.proto.v1.OrchestrateEvent;
import io.jstate.proto.v1.OrchestrateRequest;
import io.jstate.proto.v1.Quarantined;
import io.jstate.common.target.Target;
import io.jstate.common.wire.Structs;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The admin API (paths and messages documented in admin.proto). Each method maps the request to one
 * call on the master and the answer back to a message; errors become {@link AdminErrors}.
 */
@Path("/admin/v1")
@Produces(AdminResource.PROTOBUF)
@Blocking
public class AdminResource {
    public static final String PROTOBUF = "application/x-protobuf";

    @Inject
    MasterBean bean;

    @GET
    @Path("/keys")
    public byte[] keys() {
        KeyList.Builder b = KeyList.newBuilder().addAllKeys(master().keys().list());
        for (Quarantine.Entry e : master().quarantine().entries()) {
            b.addQuarantined(Quarantined.newBuilder().setFile(e.file() == null ? "" : e.file().toString())
                    .setMovedTo(e.movedTo() == null ? "" : e.movedTo().toString()).setReason(e.reason()));
        }
        return b.build().toByteArray();
    }

    /** An empty body accepts the key; a {@link Key} body with roles also assigns them. */
    @POST
    @Path("/keys/{id}/accept")
    public byte[] accept(@PathParam("id") String id, byte[] body) throws InvalidProtocolBufferException {
        return keyList(master().keys().accept(id, Key.parseFrom(body == null ? new byte[0] : body).getRolesList()));
    }

    /** The key's roles become the {@link Key} body's roles (none clears them). */
    @POST
    @Path("/keys/{id}/roles")
    public byte[] roles(@PathParam("id") String id, byte[] body) throws InvalidProtocolBufferException {
        return keyList(master().keys().setRoles(id, Key.parseFrom(body == null ? new byte[0] : body).getRolesList()));
    }

    @POST
    @Path("/keys/accept-all")
    public byte[] acceptAll() {
        return keyList(master().keys().acceptAll());
    }

    @POST
    @Path("/keys/{id}/reject")
    public byte[] reject(@PathParam("id") String id) {
        return keyList(master().keys().reject(id));
    }

    @DELETE
    @Path("/keys/{id}")
    public byte[] delete(@PathParam("id") String id) {
        return keyList(master().keys().delete(id));
    }

    @GET
    @Path("/minions")
    public byte[] minions(@QueryParam("target") String target) {
        Master m = master();
        List<String> ids = target == null || target.isBlank() ? m.keys().accepted() : m.jobs().match(target);
        MinionList.Builder b = MinionList.newBuilder();
        for (String id : ids) b.addMinions(m.connections().describe(id));
        return b.build().toByteArray();
    }

    /** The body is a JobRequest whatever Content-Type the client names (protobuf, or octet-stream). */
    @POST
    @Path("/jobs")
    public StreamingOutput submit(byte[] body) throws InvalidProtocolBufferException {
        JobRequest request = JobRequest.parseFrom(body);
        BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
        master().jobs().submit(request, events::add);
        return out -> stream(events, out, JobEvent.getDefaultInstance(), e -> e.getType() == JobEvent.Type.JOB_DONE || e.getType() == JobEvent.Type.JOB_FAILED);
    }

    /**
     * Writes events as they come until the job (or orchestration) ends; the job goes on if the client leaves. Each
     * flush sends what has queued up since the last one: an event is never held back, yet a
     * thousand minions returning at once go out in a few TLS records rather than one each. A
     * keepalive ({@code keepalive}: a message with nothing set) goes out at once, which answers the
     * request however long the first event takes, and whenever the stream has been idle for
     * {@link #KEEPALIVE_MS}: the CLI takes a longer silence for a master that stopped.
     */
    private static <T extends com.google.protobuf.MessageLite> void stream(BlockingQueue<T> events, OutputStream out, T keepalive,
            java.util.function.Predicate<T> isLast) throws java.io.IOException {
        keepalive.writeDelimitedTo(out);
        out.flush();
        while (true) {
            T e;
            try {
                e = events.poll(KEEPALIVE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            if (e == null) {
                keepalive.writeDelimitedTo(out);
                out.flush();
                continue;
            }
            boolean last;
            do {
                e.writeDelimitedTo(out);
                last = isLast.test(e);
            } while (!last && (e = events.poll()) != null);
            out.flush();
            if (last) return;
        }
    }

    /**
     * Runs an orchestration (the body is an OrchestrateRequest) and streams its events until it
     * ends. The orchestration runs on its own thread and goes on if the client leaves, as jobs do.
     */
    @POST
    @Path("/orchestrations")
    public StreamingOutput orchestrate(byte[] body) throws InvalidProtocolBufferException {
        OrchestrateRequest request = OrchestrateRequest.parseFrom(body);
        BlockingQueue<OrchestrateEvent> events = new LinkedBlockingQueue<>();
        Thread runner = new Thread(() -> master().orchestrator().run(request, events::add), "jstate-orchestration");
        runner.setDaemon(true);
        runner.start();
        return out -> stream(events, out, OrchestrateEvent.getDefaultInstance(),
                e -> e.getType() == OrchestrateEvent.Type.ORCH_DONE || e.getType() == OrchestrateEvent.Type.ORCH_FAILED);
    }

    /** How often an idle event stream sends a keepalive, which is also how a client that left is noticed. */
    static final long KEEPALIVE_MS = 15_000;

    /**
     * Streams the master's events whose tags match {@code tag} (a glob, default every event) until
     * the client leaves. The subscription is made before the answer starts, so nothing that happens
     * after the request is missed; a keepalive (an Event with no tag) goes out at once and whenever
     * the stream has been idle for {@link #KEEPALIVE_MS}.
     */
    @GET
    @Path("/events")
    public StreamingOutput events(@QueryParam("tag") String tag) {
        String pattern = tag == null || tag.isBlank() ? "*" : tag;
        if (pattern.length() > 512) throw new BadRequestException("the tag pattern is longer than 512 characters");
        EventBus.Subscription sub = master().events().open(pattern, EventForm.matching(pattern));
        return out -> {
            try (sub) {
                Event.getDefaultInstance().writeDelimitedTo(out);
                out.flush();
                long idleSince = System.currentTimeMillis();
                while (!sub.closed()) {
                    EventBus.Published e;
                    try {
                        e = sub.poll(1, TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (e == null) {
                        if (System.currentTimeMillis() - idleSince < KEEPALIVE_MS) continue;
                        Event.getDefaultInstance().writeDelimitedTo(out);
                    } else {
                        // What queued up meanwhile goes out in the same flush.
                        do {
                            Event.newBuilder().setTag(EventForm.tag(e.event())).setTimeUnixMs(e.timeMs())
                                    .setData(Structs.struct(EventForm.data(e.event()))).build().writeDelimitedTo(out);
                        } while ((e = sub.poll()) != null);
                    }
                    out.flush();
                    idleSince = System.currentTimeMillis();
                }
            }
        };
    }

    @GET
    @Path("/jobs")
    public byte[] jobs(@QueryParam("limit") Integer limit) {
        return JobList.newBuilder().addAllJobs(master().store().list(limit == null ? 50 : limit)).build().toByteArray();
    }

    @GET
    @Path("/jobs/{jid}")
    public byte[] job(@PathParam("jid") String jid) {
        if (!Jids.valid(jid)) throw new AdminErrors.NotFound("'" + jid + "' is not a job id");
        JobRecord stored = master().store().load(jid).orElseThrow(() -> new AdminErrors.NotFound("no job " + jid));
        // The store keeps what ended; what runs now is only in the running job.
        return stored.toBuilder().putAllRunning(master().jobs().current(jid)).build().toByteArray();
    }

    private Master master() {
        return bean.master();
    }

    private static byte[] keyList(List<Key> keys) {
        return KeyList.newBuilder().addAllKeys(keys).build().toByteArray();
    }
}
