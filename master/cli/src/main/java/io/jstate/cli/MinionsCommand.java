package io.jstate.cli;

import io.jstate.common.output.ExitCodes;
import io.jstate.proto.v1.Minion;
import io.jstate.proto.v1.MinionList;
import java.util.Comparator;
import java.util.List;

/** {@code jstate minions [-t TARGET]}: the accepted minions a target matches, and whether they are connected. */
final class MinionsCommand {
    private final Main main;
    private final Context ctx;

    MinionsCommand(Main main, Context ctx) {
        this.main = main;
        this.ctx = ctx;
    }

    int call(String target) throws CliException {
        String path = "/admin/v1/minions" + (target == null ? "" : "?target=" + AdminClient.encode(target));
        List<Minion> minions = main.client().get(path, MinionList::parseFrom).getMinionsList().stream()
                .sorted(Comparator.comparing(Minion::getId)).toList();
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
        int connected = (int) minions.stream().filter(Minion::getConnected).count();
        ctx.out().println(minions.size() + (minions.size() == 1 ? " minion, " : " minions, ") + connected + " connected");
        return ExitCodes.OK;
    }
}
