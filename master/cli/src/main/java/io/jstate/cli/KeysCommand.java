package io.jstate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.common.output.ExitCodes;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.KeyList;
import io.jstate.proto.v1.Quarantined;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code jstate keys list [--json] | accept ID [--role R] | accept --all | roles ID R | reject ID | delete ID}:
 * the minions' keys. The JSON document of {@code keys list} (every key always present):
 *
 * <pre>
 * {keys: [{minion, state, roles: [...], requested, changed, fingerprint}],
 *  quarantined: [{file, moved_to, reason}]}
 * </pre>
 *
 * keys pending first, then by minion; {@code state} is pending, accepted, rejected or unknown; times
 * are ISO-8601 instants or null; {@code quarantined} lists the store files the master moved aside
 * ({@code file} or {@code moved_to} null when unknown).
 */
final class KeysCommand {
    private static final String KEYS = "/admin/v1/keys";
    // Pending keys wait for the operator, so they come first.
    private static final Comparator<Key> ORDER = Comparator
            .comparingInt((Key k) -> k.getState() == Key.State.PENDING ? 0 : k.getState() == Key.State.ACCEPTED ? 1 : 2)
            .thenComparing(Key::getMinionId);

    private final Main main;
    private final Context ctx;

    KeysCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    int list(boolean json) throws CliException {
        KeyList list = main.client().get(KEYS, KeyList::parseFrom);
        List<Key> keys = list.getKeysList().stream().sorted(ORDER).toList();
        if (json) {
            CliJson.print(ctx.out(), json(keys, list.getQuarantinedList()));
            return ExitCodes.OK;
        }
        if (keys.isEmpty()) {
            ctx.out().println("No minion keys.");
        } else {
            Table t = new Table("MINION", "STATE", "ROLES", "REQUESTED", "CHANGED", "FINGERPRINT");
            for (Key k : keys) {
                t.row(k.getMinionId(), state(k.getState()), roles(k), Table.time(ctx.clock(), k.getRequestedUnixMs()),
                        Table.time(ctx.clock(), k.getChangedUnixMs()), k.getFingerprint());
            }
            ctx.out().print(t);
        }
        if (list.getQuarantinedCount() > 0) {
            ctx.out().println();
            ctx.out().println("Needs attention: the master could not read these store files and moved them aside; restore or delete them:");
            for (Quarantined q : list.getQuarantinedList()) {
                String where = q.getMovedTo().isEmpty() ? q.getFile() : q.getMovedTo();
                ctx.out().println("  " + where + ": " + (q.getFile().isEmpty() || q.getMovedTo().isEmpty() ? "" : "was " + q.getFile() + ", ")
                        + q.getReason());
            }
        }
        return ExitCodes.OK;
    }

    private static ObjectNode json(List<Key> keys, List<Quarantined> quarantined) {
        ObjectNode doc = CliJson.object();
        ArrayNode list = doc.putArray("keys");
        for (Key k : keys) {
            ObjectNode o = list.addObject();
            o.put("minion", k.getMinionId());
            o.put("state", state(k.getState()));
            CliJson.putWords(o, "roles", k.getRolesList());
            CliJson.putTime(o, "requested", k.getRequestedUnixMs());
            CliJson.putTime(o, "changed", k.getChangedUnixMs());
            CliJson.putText(o, "fingerprint", k.getFingerprint());
        }
        ArrayNode moved = doc.putArray("quarantined");
        for (Quarantined q : quarantined) {
            ObjectNode o = moved.addObject();
            CliJson.putText(o, "file", q.getFile());
            CliJson.putText(o, "moved_to", q.getMovedTo());
            o.put("reason", q.getReason());
        }
        return doc;
    }

    int accept(String id, boolean all, String roles) throws CliException, Args.UsageException {
        if (all == (id != null)) throw new Args.UsageException("keys accept", "give either a minion ID or --all");
        if (all && roles != null) throw new Args.UsageException("keys accept", "--role needs a minion ID, not --all");
        if (all) {
            KeyList changed = main.client().post(KEYS + "/accept-all", KeyList.getDefaultInstance(), KeyList::parseFrom);
            if (changed.getKeysCount() == 0) {
                ctx.out().println("No pending keys.");
                return ExitCodes.OK;
            }
            return report("Accepted", changed);
        }
        return report("Accepted", main.client().post(KEYS + "/" + AdminClient.encode(id) + "/accept",
                withRoles(roles == null ? "" : roles), KeyList::parseFrom));
    }

    int roles(String id, String roles) throws CliException {
        return report("Set roles on", main.client().post(KEYS + "/" + AdminClient.encode(id) + "/roles", withRoles(roles),
                KeyList::parseFrom));
    }

    /** A key naming only roles, from the CLI's comma-separated list. */
    private static Key withRoles(String roles) {
        Key.Builder k = Key.newBuilder();
        for (String r : roles.split(",")) if (!r.isBlank()) k.addRoles(r.trim());
        return k.build();
    }

    private static String roles(Key k) {
        return k.getRolesCount() == 0 ? "-" : String.join(",", k.getRolesList());
    }

    int reject(String id) throws CliException {
        return report("Rejected", main.client().post(KEYS + "/" + AdminClient.encode(id) + "/reject",
                KeyList.getDefaultInstance(), KeyList::parseFrom));
    }

    int delete(String id) throws CliException {
        return report("Deleted", main.client().delete(KEYS + "/" + AdminClient.encode(id), KeyList::parseFrom));
    }

    private int report(String verb, KeyList changed) {
        for (Key k : changed.getKeysList()) {
            ctx.out().println(verb + " the key of " + k.getMinionId()
                    + (k.getFingerprint().isEmpty() ? "" : " (" + k.getFingerprint() + ")")
                    + (k.getRolesCount() == 0 ? "" : ", roles " + roles(k)));
        }
        if (changed.getKeysCount() == 0) ctx.out().println("No key changed.");
        return ExitCodes.OK;
    }

    static String state(Key.State s) {
        return s == Key.State.STATE_UNSPECIFIED || s == Key.State.UNRECOGNIZED ? "unknown" : s.name().toLowerCase(Locale.ROOT);
    }
}
