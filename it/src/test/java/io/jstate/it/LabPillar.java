package io.jstate.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of the lab's pillar (packaging/lab/pillar) that a test may change as an operator edits
 * theirs: the lab's master reads it when the lab is made with {@code JLAB_PILLAR} naming it.
 * {@link #addController} adds a controller the way the pillar lists the three of {@code lab up 3}:
 * in cluster.nodes and galera.nodes (in order, after the others), its own node and keepalived
 * files, as a unicast peer of every other controller, and in the top file.
 */
final class LabPillar {
    private LabPillar() {}

    /** Copies packaging/lab/pillar into {@code to} (emptied first). */
    static Path copy(Path to) throws IOException {
        Path from = Lab.REPO.resolve("packaging/lab/pillar");
        if (Files.exists(to)) {
            try (Stream<Path> s = Files.walk(to)) {
                for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) Files.delete(p);
            }
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    /**
     * Turns Keystone off in the pillar at {@code pillar} (keystone.enabled false): for the labs whose
     * tests are about the backend alone, which then spend no time installing and checking Keystone.
     */
    static Path withoutKeystone(Path pillar) throws IOException {
        Path file = pillar.resolve("keystone.sls");
        String text = Files.readString(file);
        if (!text.contains("\n  enabled: true\n")) throw new IllegalStateException(file + " has no \"  enabled: true\" line to turn off:\n" + text);
        Files.writeString(file, text.replace("\n  enabled: true\n", "\n  enabled: false\n"));
        return pillar;
    }

    /** The pillar at {@code pillar} deploys Keystone (keystone.enabled true). */
    static boolean keystone(Path pillar) throws IOException {
        return Files.readString(pillar.resolve("keystone.sls")).contains("\n  enabled: true\n");
    }

    /** The controllers the pillar's cluster.nodes lists, in order. */
    static List<String> controllers(Path pillar) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(pillar.resolve("cluster.sls"))) {
            if (l.trim().startsWith("- {id: ")) out.add(l.trim().substring("- {id: ".length()).split(",")[0]);
        }
        return out;
    }

    /** Adds controller {@code id} (ctlN: address 10.77.0.(10+N), VRRP priority below every other's). */
    static void addController(Path pillar, String id) throws IOException {
        List<String> others = controllers(pillar);
        if (others.contains(id)) throw new IllegalArgumentException(id + " is in the pillar already");
        String addr = Lab.address(id);
        int priority = 150 - 10 * others.size();
        afterLast(pillar.resolve("cluster.sls"), "    - {id: " + id + ", address: " + addr + ", priority: " + priority + "}");
        afterLast(pillar.resolve("galera.sls"), "    - {id: " + id + ", address: " + addr + "}");
        Files.writeString(pillar.resolve("nodes/" + id + ".sls"), """
                # What %1$s is within the cluster: its id, management address and VRRP priority.
                node:
                  id: %1$s
                  address: %2$s
                  priority: %3$d
                  galera: data
                """.formatted(id, addr, priority));
        StringBuilder peers = new StringBuilder("# The other controllers, which " + id + " sends its VRRP adverts to.\nkeepalived:\n  unicast_peers:\n");
        for (String o : others) {
            peers.append("    - {id: ").append(o).append(", address: ").append(Lab.address(o)).append("}\n");
            afterLast(pillar.resolve("keepalived/" + o + ".sls"), "    - {id: " + id + ", address: " + addr + "}");
        }
        Files.writeString(pillar.resolve("keepalived/" + id + ".sls"), peers);
        Files.writeString(pillar.resolve("top.sls"), "  '" + id + "':\n    - nodes." + id + "\n    - keepalived." + id + "\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** Inserts {@code line} after the file's last list entry of the form "    - {id: ...}". */
    private static void afterLast(Path file, String line) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file));
            int last = -1;
            for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("    - {id: ")) last = i;
            if (last < 0) throw new IllegalStateException(file + " lists no node (    - {id: ...})");
            lines.add(last + 1, line);
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
