package io.jstate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstate.common.output.ExitCodes;
import io.jstate.proto.v1.Minion;
import io.jstate.proto.v1.MinionList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code jstate minions [-t TARGET] [--json]}: the accepted minions a target matches, and whether
 * they are connected. The JSON document (every key always present):
 *
 * <pre>
 * {minions: [{id, connected, last_seen, roles: [...], addresses: [...]}], summary: {total, connected}}
 * </pre>
 *
 * sorted by id; {@code last_seen} is an ISO-8601 instant, null when the minion was never seen.
 */
final class MinionsCommand {
    private final Main main;
    private final Context ctx;

    MinionsCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    int call(String target, boolean json) throws CliException {
        String path = "/admin/v1/minions" + (target == null ? "" : "?target=" + AdminClient.encode(target));
        List<Minion> minions = main.client().get(path, MinionList::parseFrom).getMinionsList().stream()
                .sorted(Comparator.comparing(Minion::getId)).toList();
        int connected = (int) minions.stream().filter(Minion::getConnected).count();
        if (json) {
            CliJson.print(ctx.out(), json(minions, connected));
            return ExitCodes.OK;
        }
        if (minions.isEmpty()) {
            ctx.out().println(target == null ? "No minions." : "No minion matches '" + target + "'.");
            return ExitCodes.OK;
        }
        Table t = new Table("MINION", "CONNECTED", "LAST SEEN", "ROLES", "ADDRESSES");
        for (Minion m : minions) {
            String seen = m.getLastSeenUnixMs() <= 0 ? "never"
                    : Table.time(ctx.clock(), m.getLastSeenUnixMs()) + " (" + Table.ago(ctx.clock(), m.getLastSeenUnixMs()) + ")";
            t.row(m.getId(), m.getConnected() ? "yes" : "no", seen,
                    m.getRolesCount() == 0 ? "-" : String.join(",", m.getRolesList()),
                    m.getAddressesCount() == 0 ? "-" : String.join(",", m.getAddressesList()));
        }
        ctx.out().print(t);
        ctx.out().println(minions.size() + (minions.size() == 1 ? " minion, " : " minions, ") + connected + " connected");
        return ExitCodes.OK;
    }

    private static ObjectNode json(List<Minion> minions, int connected) {
        ObjectNode doc = CliJson.object();
        ArrayNode list = doc.putArray("minions");
        for (Minion m : minions) {
            ObjectNode o = list.addObject();
            o.put("id", m.getId());
            o.put("connected", m.getConnected());
            CliJson.putTime(o, "last_seen", m.getLastSeenUnixMs());
            CliJson.putWords(o, "roles", m.getRolesList());
            CliJson.putWords(o, "addresses", m.getAddressesList());
        }
        doc.putObject("summary").put("total", minions.size()).put("connected", connected);
        return doc;
    }
}
