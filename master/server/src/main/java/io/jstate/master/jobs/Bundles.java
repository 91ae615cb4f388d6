package io.jstate.master.jobs;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import io.jstate.common.wire.Peers;
import io.jstate.common.wire.Structs;
import io.jstate.proto.v1.Bundle;
import io.jstate.proto.v1.BundleFile;
import io.jstate.proto.v1.Peer;
import io.jstate.states.engine.PlanException;
import io.jstate.states.kinds.Kinds;
import io.jstate.states.lang.CompileRequest;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import io.jstate.states.lang.PillarData;
import io.jstate.states.lang.TreeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles a minion's plan on the master, as the minion will, and packs what that plan uses: the
 * state tree files, the minion's own pillar slice and secrets, its peers and the nodegroups. A tree
 * that does not compile fails here, before anything is sent to anyone.
 */
final class Bundles {
    private final Path states;
    private final Path pillar;
    private final Map<String, String> nodegroups;
    private final Set<Path> refused;
    private final Compiler compiler;

    /** @param dataDir the master's data folder: no file of either tree may be in it, even through a link */
    Bundles(Path states, Path pillar, Map<String, String> nodegroups, Path dataDir) {
        this.states = states;
        this.pillar = pillar;
        this.nodegroups = nodegroups;
        this.refused = dataDir == null ? Set.of() : Set.of(dataDir);
        this.compiler = new Compiler(Kinds.registry(), refused);
    }

    /**
     * The minion's pillar slice, chosen by its id and the roles the master assigns it, never by its
     * grains; empty when the master has no pillar tree.
     */
    PillarData pillar(String minionId, List<String> roles) {
        if (pillar == null || !Files.isDirectory(pillar)) return PillarData.EMPTY;
        return Compiler.pillar(new TreeFiles(pillar, refused), minionId, roles, nodegroups);
    }

    /**
     * Compiles and packs one minion's bundle.
     *
     * @throws PlanException when the tree does not compile for this minion (file, line and id named)
     */
    Bundle bundle(String minionId, Map<String, Object> grains, List<String> roles, List<String> targets, List<Peer> peers,
                  Map<String, Object> overlay) {
        PillarData slice = pillar(minionId, roles);
        if (!overlay.isEmpty()) slice = new PillarData(merge(slice.data(), overlay), slice.secrets());
        Struct sent;
        try {
            sent = Structs.struct(slice.data());
        } catch (IllegalArgumentException e) {
            throw new Jobs.JobException("the pillar of " + minionId + " cannot be sent: " + e.getMessage());
        }
        // Compiled with the pillar as the minion will read it back, so both render alike.
        Compiled compiled = compiler.compile(new CompileRequest(states, null, grains, minionId, Peers.forTemplates(peers), targets, nodegroups,
                new PillarData(Structs.map(sent), slice.secrets()), roles));
        Bundle.Builder b = Bundle.newBuilder().setPillar(sent).addAllSecrets(slice.secrets()).addAllPeers(peers)
                .putAllNodegroups(nodegroups).addAllRoles(roles);
        // The compiler read each of these files through the tree's confinement; they are read
        // again the same way, never by a path of their own.
        for (String f : new TreeSet<>(compiled.files())) {
            b.addFiles(BundleFile.newBuilder().setPath(f).setContent(ByteString.copyFrom(compiled.templates().raw(f))));
        }
        return b.build();
    }

    /** {@code over} merged into {@code base}: maps merge key by key, anything else in {@code over} wins. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            if (v instanceof Map<?, ?> vm && out.get(k) instanceof Map<?, ?> bm) {
                @SuppressWarnings("unchecked")
                Map<String, Object> a = (Map<String, Object>) bm;
                @SuppressWarnings("unchecked")
                Map<String, Object> b = (Map<String, Object>) vm;
                out.put(k, merge(a, b));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
