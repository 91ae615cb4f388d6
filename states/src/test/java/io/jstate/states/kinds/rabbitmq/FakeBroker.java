package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.engine.Env;
import io.jstate.states.engine.Templates;
import io.jstate.states.host.Exec;
import io.jstate.states.host.ExecResult;
import io.jstate.states.host.FakeHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A broker behind a FakeHost: answers rabbitmqctl command lines from in-memory users, vhosts,
 * permissions and policies, printing the JSON shapes rabbitmqctl 3.10.8 printed when these
 * tests' fixtures were captured. It lets a test apply and then check again, to prove a state
 * converges; fixture tests pin the exact real output.
 */
final class FakeBroker {

    record User(String password, List<String> tags) {}

    final FakeHost host = new FakeHost();
    final Map<String, User> users = new LinkedHashMap<>();
    final LinkedHashSet<String> vhosts = new LinkedHashSet<>(List.of("/"));
    /** vhost -> user -> [configure, write, read]. */
    final Map<String, Map<String, List<String>>> perms = new LinkedHashMap<>();
    /** vhost -> name -> row as list_policies prints it. */
    final Map<String, Map<String, Map<String, Object>>> policies = new LinkedHashMap<>();

    FakeBroker() {
        users.put("guest", new User("guest", List.of("administrator")));
        host.on(e -> e.argv().get(0).equals("rabbitmqctl"), this::answer);
    }

    Env env() {
        return env(host);
    }

    static Env env(io.jstate.states.host.Host h) {
        return new Env(h, Map.of(), Templates.NONE);
    }

    /** A captured rabbitmqctl output from src/test/resources. */
    static String fixture(String name) {
        try (InputStream in = FakeBroker.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ExecResult answer(Exec e) {
        List<String> argv = e.argv();
        int i = 1;
        if (argv.get(i).equals("-n")) i += 2;
        if (!argv.get(i).equals("-q")) return ExecResult.fail(64, "fake broker: expected -q at " + i + " in " + argv);
        String cmd = argv.get(++i);
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        for (i++; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                args.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (a.equals("--ram")) opts.put(a, "true");
            else opts.put(a, argv.get(++i));
        }
        boolean json = "json".equals(opts.get("--formatter"));
        String vhost = opts.getOrDefault("-p", "/");
        String stdinPassword = e.stdin() == null ? null : e.stdin().strip();
        switch (cmd) {
            case "list_vhosts": {
                List<Object> rows = new ArrayList<>();
                for (String v : vhosts) rows.add(Map.of("name", v));
                return rows(json, rows);
            }
            case "add_vhost":
                vhosts.add(args.get(0));
                return ExecResult.ok("");
            case "list_users": {
                List<Object> rows = new ArrayList<>();
                users.forEach((n, u) -> rows.add(ordered("user", n, "tags", u.tags())));
                return rows(json, rows);
            }
            case "add_user": {
                if (users.containsKey(args.get(0))) return ExecResult.fail(70, "Error:\nuser_already_exists: " + args.get(0));
                String pw = args.size() > 1 ? args.get(1) : stdinPassword;
                if (pw == null) return ExecResult.fail(65, "Error:\nPassword is not provided via argument or stdin");
                users.put(args.get(0), new User(pw, List.of()));
                return ExecResult.ok("");
            }
            case "change_password": {
                User u = users.get(args.get(0));
                if (u == null) return noUser(args.get(0));
                String pw = args.size() > 1 ? args.get(1) : stdinPassword;
                users.put(args.get(0), new User(pw, u.tags()));
                return ExecResult.ok("");
            }
            case "authenticate_user": {
                User u = users.get(args.get(0));
                String pw = args.size() > 1 ? args.get(1) : stdinPassword;
                if (u != null && !pw.isEmpty() && pw.equals(u.password())) return ExecResult.ok("Success\n");
                return ExecResult.fail(65, "Error:\nError: failed to authenticate user \"" + args.get(0) + "\"\nuser '"
                        + args.get(0) + "' - invalid credentials\n");
            }
            case "set_user_tags": {
                User u = users.get(args.get(0));
                if (u == null) return noUser(args.get(0));
                users.put(args.get(0), new User(u.password(), List.copyOf(args.subList(1, args.size()))));
                return ExecResult.ok("");
            }
            case "delete_user":
                if (users.remove(args.get(0)) == null) return noUser(args.get(0));
                perms.values().forEach(m -> m.remove(args.get(0)));
                return ExecResult.ok("");
            case "list_user_permissions": {
                if (!users.containsKey(args.get(0))) return ExecResult.fail(69, "Error:\n{:no_such_user, \"" + args.get(0) + "\"}");
                List<Object> rows = new ArrayList<>();
                perms.forEach((v, byUser) -> {
                    List<String> p = byUser.get(args.get(0));
                    if (p != null) rows.add(ordered("vhost", v, "configure", p.get(0), "write", p.get(1), "read", p.get(2)));
                });
                return rows(json, rows);
            }
            case "set_permissions":
                if (!vhosts.contains(vhost)) return ExecResult.fail(69, "Error:\nVirtual host " + vhost + " does not exist");
                if (!users.containsKey(args.get(0))) return noUser(args.get(0));
                perms.computeIfAbsent(vhost, v -> new LinkedHashMap<>()).put(args.get(0), List.copyOf(args.subList(1, 4)));
                return ExecResult.ok("");
            case "list_policies": {
                if (!vhosts.contains(vhost)) return ExecResult.fail(65, "Error:\nVirtual host '" + vhost + "' does not exist");
                return rows(json, new ArrayList<>(policies.getOrDefault(vhost, Map.of()).values()));
            }
            case "set_policy": {
                if (!vhosts.contains(vhost)) return ExecResult.fail(65, "Error:\nVirtual host '" + vhost + "' does not exist");
                // Like the real broker, keep the definition as the JSON text it was given.
                Map<String, Object> row = ordered("vhost", vhost, "name", args.get(0), "pattern", args.get(1),
                        "apply-to", opts.getOrDefault("--apply-to", "all"), "definition", args.get(2),
                        "priority", Long.parseLong(opts.getOrDefault("--priority", "0")));
                policies.computeIfAbsent(vhost, v -> new LinkedHashMap<>()).put(args.get(0), row);
                return ExecResult.ok("");
            }
            case "export_definitions":
                if (!args.equals(List.of("-"))) return ExecResult.fail(64, "fake broker: export_definitions only to stdout (-)");
                return ExecResult.ok(definitions());
            default:
                return ExecResult.fail(64, "fake broker: unknown command " + cmd);
        }
    }

    /** export_definitions' JSON (the parts the kinds read), hashes made as rabbit_password makes them. */
    private String definitions() {
        List<Object> vs = new ArrayList<>();
        for (String v : vhosts) vs.add(ordered("name", v, "limits", List.of(), "metadata", Map.of("description", "", "tags", List.of())));
        List<Object> us = new ArrayList<>();
        byte[] salt = {1, 2, 3, 4};
        users.forEach((n, u) -> us.add(ordered("hashing_algorithm", "rabbit_password_hashing_sha256", "limits", Map.of(), "name", n,
                "password_hash", u.password().isEmpty() ? "" : Base64.getEncoder().encodeToString(Definitions.hash("SHA-256", salt, u.password())),
                "tags", u.tags())));
        List<Object> ps = new ArrayList<>();
        perms.forEach((v, byUser) -> byUser.forEach((user, p) ->
                ps.add(ordered("configure", p.get(0), "read", p.get(2), "user", user, "vhost", v, "write", p.get(1)))));
        List<Object> pols = new ArrayList<>();
        policies.values().forEach(byName -> byName.values().forEach(row -> {
            Map<String, Object> out = new LinkedHashMap<>(row);
            out.put("definition", Rabbitmqctl.json(String.valueOf(row.get("definition"))));
            pols.add(out);
        }));
        return Rabbitmqctl.canonical(ordered("bindings", List.of(), "exchanges", List.of(), "global_parameters", List.of(),
                "parameters", List.of(), "permissions", ps, "policies", pols, "queues", List.of(), "rabbit_version", "3.10.8",
                "rabbitmq_version", "3.10.8", "topic_permissions", List.of(), "users", us, "vhosts", vs)) + "\n";
    }

    private static ExecResult noUser(String name) {
        return ExecResult.fail(67, "Error:\nUser \"" + name + "\" does not exist\n");
    }

    /** rabbitmqctl's JSON listing layout: one object per line, commas leading. */
    private static ExecResult rows(boolean json, List<Object> rows) {
        if (!json) return ExecResult.fail(64, "fake broker: only --formatter json is scripted");
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(Rabbitmqctl.canonical(rows.get(i))).append('\n');
        }
        return ExecResult.ok(sb.append("]\n").toString());
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
