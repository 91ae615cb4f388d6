package io.jstate.states.kinds.system;

import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small user and group database on a FakeHost: getent and id answer from it; useradd, usermod,
 * groupadd and groupmod change it, so tests can check again after apply.
 */
final class FakeAccounts {
    /** name -> passwd fields after the name: x, uid, gid, gecos, home, shell. */
    final Map<String, List<String>> users = new LinkedHashMap<>();
    /** name -> gid */
    final Map<String, String> groups = new LinkedHashMap<>();
    /** group name -> members */
    final Map<String, List<String>> members = new LinkedHashMap<>();

    FakeAccounts(FakeHost host) {
        host.on(List.of("getent", "passwd"), e -> {
            List<String> u = users.get(e.argv().get(2));
            return u == null ? ExecResult.fail(2, "") : ExecResult.ok(e.argv().get(2) + ":" + String.join(":", u) + "\n");
        });
        host.on(List.of("getent", "group"), e -> {
            String gid = groups.get(e.argv().get(2));
            return gid == null ? ExecResult.fail(2, "")
                    : ExecResult.ok(e.argv().get(2) + ":x:" + gid + ":" + String.join(",", members.getOrDefault(e.argv().get(2), List.of())) + "\n");
        });
        host.on(List.of("id", "-nG"), e -> {
            String user = e.argv().get(2);
            List<String> names = new ArrayList<>();
            String gid = users.get(user).get(2);
            groups.forEach((g, id) -> {
                if (id.equals(gid)) names.add(g);
            });
            members.forEach((g, m) -> {
                if (m.contains(user) && !names.contains(g)) names.add(g);
            });
            return ExecResult.ok(String.join(" ", names) + "\n");
        });
        host.on(List.of("groupadd"), e -> {
            String name = e.argv().get(e.argv().size() - 1);
            int g = e.argv().indexOf("-g");
            groups.put(name, g < 0 ? "1001" : e.argv().get(g + 1));
            return ExecResult.ok("");
        });
        host.on(List.of("groupmod"), e -> {
            groups.put(e.argv().get(e.argv().size() - 1), e.argv().get(2));
            return ExecResult.ok("");
        });
        host.on(List.of("useradd"), e -> {
            String name = e.argv().get(e.argv().size() - 1);
            users.put(name, new ArrayList<>(List.of("x", "1001", "1001", "", "/home/" + name, "/bin/sh")));
            return usermod(e.argv(), name);
        });
        host.on(List.of("usermod"), e -> usermod(e.argv(), e.argv().get(e.argv().size() - 1)));
    }

    private ExecResult usermod(List<String> argv, String name) {
        List<String> u = users.get(name);
        for (int i = 1; i < argv.size() - 1; i++) {
            switch (argv.get(i)) {
                case "-u" -> u.set(1, argv.get(++i));
                case "-g" -> {
                    String g = argv.get(++i);
                    String gid = groups.get(g);
                    if (gid == null && !g.matches("\\d+")) return ExecResult.fail(6, "usermod: group '" + g + "' does not exist");
                    u.set(2, gid != null ? gid : g);
                }
                case "-G" -> {
                    for (String g : argv.get(++i).split(",")) members.computeIfAbsent(g, k -> new ArrayList<>()).add(name);
                }
                case "-d" -> u.set(4, argv.get(++i));
                case "-s" -> u.set(5, argv.get(++i));
                default -> { }
            }
        }
        return ExecResult.ok("");
    }
}
