package io.jstate.cli;

import io.jstate.minion.cli.ExitCodes;
import io.jstate.proto.v1.Key;
import io.jstate.proto.v1.KeyList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jstate keys list | accept ID | accept --all | reject ID | delete ID}: the minions' keys. */
@Command(name = "keys", sortOptions = false, usageHelpAutoWidth = true,
        description = "List, accept, reject or delete minion keys.", commandListHeading = "%nCommands:%n")
final class KeysCommand implements Callable<Integer> {
    private static final String KEYS = "/admin/v1/keys";
    // Pending keys wait for the operator, so they come first.
    private static final Comparator<Key> ORDER = Comparator
            .comparingInt((Key k) -> k.getState() == Key.State.PENDING ? 0 : k.getState() == Key.State.ACCEPTED ? 1 : 2)
            .thenComparing(Key::getMinionId);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Main main;
    private final Context ctx;

    KeysCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return Main.subcommandRequired(spec, ctx.err());
    }

    @Command(name = "list", description = "List every key: pending, accepted and rejected.")
    int list() throws CliException {
        List<Key> keys = main.client().get(KEYS, KeyList::parseFrom).getKeysList().stream().sorted(ORDER).toList();
        if (keys.isEmpty()) {
            ctx.out().println("No minion keys.");
            return ExitCodes.OK;
        }
        Table t = new Table("MINION", "STATE", "REQUESTED", "CHANGED", "FINGERPRINT");
        for (Key k : keys) {
            t.row(k.getMinionId(), state(k.getState()), Table.time(ctx.clock(), k.getRequestedUnixMs()),
                    Table.time(ctx.clock(), k.getChangedUnixMs()), k.getFingerprint());
        }
        ctx.out().print(t);
        return ExitCodes.OK;
    }

    @Command(name = "accept", description = "Accept a pending (or rejected) key, or every pending key with --all.")
    int accept(@Parameters(paramLabel = "ID", arity = "0..1", description = "The minion whose key to accept.") String id,
               @Option(names = "--all", description = "Accept every pending key.") boolean all) throws CliException {
        if (all == (id != null)) {
            ctx.err().println("jstate keys accept: give either a minion ID or --all");
            return ExitCodes.CANNOT_START;
        }
        if (all) {
            KeyList changed = main.client().post(KEYS + "/accept-all", KeyList.getDefaultInstance(), KeyList::parseFrom);
            if (changed.getKeysCount() == 0) {
                ctx.out().println("No pending keys.");
                return ExitCodes.OK;
            }
            return report("Accepted", changed);
        }
        return report("Accepted", main.client().post(KEYS + "/" + AdminClient.encode(id) + "/accept",
                KeyList.getDefaultInstance(), KeyList::parseFrom));
    }

    @Command(name = "reject", description = "Reject a key; a connected minion with it is cut off at once.")
    int reject(@Parameters(paramLabel = "ID", description = "The minion whose key to reject.") String id) throws CliException {
        return report("Rejected", main.client().post(KEYS + "/" + AdminClient.encode(id) + "/reject",
                KeyList.getDefaultInstance(), KeyList::parseFrom));
    }

    @Command(name = "delete", description = "Delete a key; a connected minion with it is cut off at once and must enroll again.")
    int delete(@Parameters(paramLabel = "ID", description = "The minion whose key to delete.") String id) throws CliException {
        return report("Deleted", main.client().delete(KEYS + "/" + AdminClient.encode(id), KeyList::parseFrom));
    }

    private int report(String verb, KeyList changed) {
        for (Key k : changed.getKeysList()) {
            ctx.out().println(verb + " the key of " + k.getMinionId()
                    + (k.getFingerprint().isEmpty() ? "" : " (" + k.getFingerprint() + ")"));
        }
        if (changed.getKeysCount() == 0) ctx.out().println("No key changed.");
        return ExitCodes.OK;
    }

    static String state(Key.State s) {
        return s == Key.State.STATE_UNSPECIFIED || s == Key.State.UNRECOGNIZED ? "unknown" : s.name().toLowerCase(Locale.ROOT);
    }
}
