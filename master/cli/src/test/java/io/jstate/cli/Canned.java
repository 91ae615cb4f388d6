package io.jstate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Value;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.Change;
import io.jstate.proto.v1.Changed;
import io.jstate.proto.v1.Failed;
import io.jstate.proto.v1.FunctionReturn;
import io.jstate.proto.v1.JobEvent;
import io.jstate.proto.v1.JobResult;
import io.jstate.proto.v1.JobSummary;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.KeyList;
import io.jstate.proto.v1.Minion;
import io.jstate.proto.v1.MinionList;
import io.jstate.proto.v1.Refusal;
import io.jstate.proto.v1.RunReport;
import io.jstate.proto.v1.StateResult;
import io.jstate.proto.v1.Unchanged;
import java.util.ArrayList;
import java.util.List;

/** Canned admin API answers: what a master with two controllers would say. */
final class Canned {
    static final String JID = "20261122115530123456";
    static final long T0 = 1_795_000_000_000L;   // 2026-11-18T11:06:40Z

    private Canned() {}

    static StateResult unchanged(String id, String kind) {
        return StateResult.newBuilder().setId(id).setKind(kind).setName(id).setSls("base").setFile("base.sls").setLine(3)
                .setStartedUnixMs(T0).setDurationUs(1500).setUnchanged(Unchanged.newBuilder().setComment("in sync")).build();
    }

    static StateResult changed(String id, String kind) {
        return StateResult.newBuilder().setId(id).setKind(kind).setName(id).setSls("base").setFile("base.sls").setLine(9)
                .setStartedUnixMs(T0).setDurationUs(250_000)
                .setChanged(Changed.newBuilder().setComment("installed")
                        .addChanges(Change.newBuilder().setAttribute("version").setAfter("1.24.0")))
                .build();
    }

    static StateResult failed(String id, String kind) {
        return StateResult.newBuilder().setId(id).setKind(kind).setName(id).setSls("base").setFile("base.sls").setLine(14)
                .setStartedUnixMs(T0).setDurationUs(3000).setFailed(Failed.newBuilder().setError("exit status 1: unit not found"))
                .build();
    }

    static JobEvent started(String... minions) {
        return JobEvent.newBuilder().setType(JobEvent.Type.JOB_STARTED).setJid(JID).addAllMinions(List.of(minions)).build();
    }

    static JobEvent state(String minion, StateResult r) {
        return JobEvent.newBuilder().setType(JobEvent.Type.STATE).setJid(JID).setMinionId(minion).setState(r).build();
    }

    /** A minion runs {@code id} of {@code kind} for {@code runningMs} and, unless {@code waiting} is empty, waits for that. */
    static JobEvent progress(String minion, String id, String kind, long runningMs, String waiting) {
        return JobEvent.newBuilder().setType(JobEvent.Type.STATE_PROGRESS).setJid(JID).setMinionId(minion).setProgress(
                io.jstate.proto.v1.StateProgress.newBuilder().setJid(JID).setId(id).setKind(kind).setName(id).setRunningMs(runningMs)
                        .setWaiting(waiting)).build();
    }

    static JobEvent done(String minion, StateResult... states) {
        return JobEvent.newBuilder().setType(JobEvent.Type.MINION_DONE).setJid(JID).setMinionId(minion)
                .setResult(report(minion, states)).build();
    }

    static JobResult report(String minion, StateResult... states) {
        return JobResult.newBuilder().setJid(JID).setMinionId(minion).setStartedUnixMs(T0).setFinishedUnixMs(T0 + 400)
                .setReport(RunReport.newBuilder().addAllStates(List.of(states)).setDurationUs(400_000)).build();
    }

    static JobResult function(String minion, String json) {
        return JobResult.newBuilder().setJid(JID).setMinionId(minion).setStartedUnixMs(T0).setFinishedUnixMs(T0 + 5)
                .setFunction(FunctionReturn.newBuilder().setSuccess(true).setValue(value(json))).build();
    }

    /** A value written as JSON, as the minion sends it; empty text for none. */
    static Value value(String json) {
        if (json.isEmpty()) return Value.getDefaultInstance();
        try {
            return Structs.value(new ObjectMapper().readValue(json, Object.class));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static JobEvent returned(JobResult r) {
        return JobEvent.newBuilder().setType(JobEvent.Type.MINION_DONE).setJid(JID).setMinionId(r.getMinionId()).setResult(r).build();
    }

    static JobEvent refused(String minion, Refusal.Reason reason, String message) {
        return returned(JobResult.newBuilder().setJid(JID).setMinionId(minion)
                .setRefused(Refusal.newBuilder().setReason(reason).setMessage(message)).build());
    }

    static JobEvent lost(String minion, String message) {
        return JobEvent.newBuilder().setType(JobEvent.Type.MINION_LOST).setJid(JID).setMinionId(minion).setMessage(message).build();
    }

    static JobEvent jobDone(int minions, int returned, int lost, int failed) {
        return JobEvent.newBuilder().setType(JobEvent.Type.JOB_DONE).setJid(JID)
                .setSummary(JobSummary.newBuilder().setMinions(minions).setReturned(returned).setLost(lost).setFailedMinions(failed))
                .build();
    }

    static JobEvent jobFailed(String message) {
        return JobEvent.newBuilder().setType(JobEvent.Type.JOB_FAILED).setMessage(message).build();
    }

    /** Two controllers converge: ctl1 changes one thing, ctl2 is in sync. */
    static List<JobEvent> applyOk() {
        StateResult nginx = changed("nginx", "pkg.installed");
        StateResult conf = unchanged("/etc/nginx/nginx.conf", "file.managed");
        List<JobEvent> events = new ArrayList<>();
        events.add(started("ctl1", "ctl2"));
        events.add(state("ctl1", nginx));
        events.add(state("ctl2", unchanged("nginx", "pkg.installed")));
        events.add(state("ctl1", conf));
        events.add(state("ctl2", conf));
        events.add(done("ctl1", nginx, conf));
        events.add(done("ctl2", unchanged("nginx", "pkg.installed"), conf));
        events.add(jobDone(2, 2, 0, 0));
        return events;
    }

    static MinionList minions() {
        return MinionList.newBuilder()
                .addMinions(Minion.newBuilder().setId("ctl2").setConnected(false).setLastSeenUnixMs(T0 - 300_000)
                        .addRoles("controller").addAddresses("127.0.0.12"))
                .addMinions(Minion.newBuilder().setId("ctl1").setConnected(true).setLastSeenUnixMs(T0 - 4_000)
                        .addRoles("controller").addRoles("db").addAddresses("127.0.0.11").addAddresses("::1"))
                .build();
    }

    static KeyList keys() {
        return KeyList.newBuilder()
                .addKeys(Key.newBuilder().setMinionId("ctl1").setState(Key.State.ACCEPTED).setFingerprint("aa:bb")
                        .addRoles("controller").addRoles("db").setRequestedUnixMs(T0 - 60_000).setChangedUnixMs(T0 - 30_000))
                .addKeys(Key.newBuilder().setMinionId("web9").setState(Key.State.PENDING).setFingerprint("cc:dd")
                        .setRequestedUnixMs(T0 - 10_000))
                .addKeys(Key.newBuilder().setMinionId("evil").setState(Key.State.REJECTED).setFingerprint("ee:ff")
                        .setRequestedUnixMs(T0 - 90_000).setChangedUnixMs(T0 - 80_000))
                .build();
    }

    /** A converged W1 apply on one minion, as bench/w1 runs it: 202 states, all unchanged. */
    static List<JobEvent> w1() {
        List<StateResult> states = new ArrayList<>();
        states.add(unchanged("w1-package", "pkg.installed"));
        states.add(unchanged("w1-once", "cmd.run"));
        for (int i = 1; i <= 200; i++) states.add(unchanged(String.format("/etc/w1/svc%03d.conf", i), "file.managed"));
        List<JobEvent> events = new ArrayList<>();
        events.add(started("ctl1"));
        for (StateResult s : states) events.add(state("ctl1", s));
        events.add(done("ctl1", states.toArray(StateResult[]::new)));
        events.add(jobDone(1, 1, 0, 0));
        return events;
    }

    /** The routes the launcher timing uses. */
    static void install(FakeMaster m) {
        m.reply("GET", "/admin/v1/minions", minions());
        m.reply("GET", "/admin/v1/keys", keys());
        m.stream("POST", "/admin/v1/jobs", w1());
    }
}
