package io.jstate.states.lang;

import io.jstate.common.text.Names;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Requisite;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * The requisite graph: resolves every requisite to the states it names, then orders the states so
 * each runs after what it depends on, keeping definition order (adjusted by {@code order}) wherever
 * the requisites allow it.
 */
final class Graph {
    /** A resolved requisite: the dependent state waits for {@code target}. */
    record Dep(Requisite type, Decl target) {}

    private final List<Decl> decls;
    private final Set<String> knownFamilies;
    private final Map<String, List<Decl>> byId = new HashMap<>();
    private final Map<String, List<Decl>> bySls = new HashMap<>();
    /** Per family, its states by id and by name, so a requisite is found without a scan of all states. */
    private final Map<String, Map<String, List<Decl>>> byFamilyId = new HashMap<>();
    private final Map<String, Map<String, List<Decl>>> byFamilyName = new HashMap<>();
    private final Map<Decl, Set<Dep>> deps = new LinkedHashMap<>();

    /**
     * @param decls         every state of the run, in definition order
     * @param knownFamilies the families of every registered kind, so a typo in one is told apart
     *                      from a reference to a state that is not in this run
     */
    Graph(List<Decl> decls, Set<String> knownFamilies) {
        this.decls = decls;
        this.knownFamilies = knownFamilies;
        for (Decl d : decls) {
            byId.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d);
            bySls.computeIfAbsent(d.doc().sls(), k -> new ArrayList<>()).add(d);
            index(byFamilyId, d.family(), d.id(), d);
            if (d.name() != null) index(byFamilyName, d.family(), d.name(), d);
            deps.put(d, new LinkedHashSet<>());
        }
    }

    /** Resolves every requisite; an {@code _in} requisite adds the dependency to the state it names. */
    Graph resolve(Set<String> loadedSls) {
        for (Decl d : decls) {
            for (Decl.Req r : d.reqs()) {
                for (Decl t : targets(d, r, loadedSls)) {
                    if (r.in()) deps.get(t).add(new Dep(r.type(), d));
                    else deps.get(d).add(new Dep(r.type(), t));
                }
            }
        }
        return this;
    }

    Set<Dep> deps(Decl d) {
        return deps.get(d);
    }

    private List<Decl> targets(Decl d, Decl.Req r, Set<String> loadedSls) {
        if (r.family() == null) {
            List<Decl> found = without(byId.getOrDefault(r.ref(), List.of()), d);
            if (found.isEmpty()) throw unknown(d, r, r.ref(), byId.keySet(), "no state has the id '" + r.ref() + "'");
            return found;
        }
        if (r.family().equals("sls")) {
            if (!loadedSls.contains(r.ref())) {
                throw unknown(d, r, r.ref(), loadedSls, "SLS '" + r.ref() + "' is not part of this run (include it to depend on it)");
            }
            return without(bySls.getOrDefault(r.ref(), List.of()), d);
        }
        // The states of the family with that id; failing those, the ones with that name.
        List<Decl> byIdInFamily = byFamilyId.getOrDefault(r.family(), Map.of()).get(r.ref());
        if (byIdInFamily != null) return byIdInFamily;
        List<Decl> byName = byFamilyName.getOrDefault(r.family(), Map.of()).get(r.ref());
        if (byName != null) return byName;
        if (!knownFamilies.contains(r.family())) {
            throw unknown(d, r, r.family(), knownFamilies, "'" + r.family() + "' is not a state family");
        }
        Set<String> candidates = new TreeSet<>(byFamilyId.getOrDefault(r.family(), Map.of()).keySet());
        throw unknown(d, r, r.ref(), candidates.isEmpty() ? byId.keySet() : candidates,
                "no " + r.family() + " state has the id or name '" + r.ref() + "'");
    }

    private static void index(Map<String, Map<String, List<Decl>>> index, String family, String key, Decl d) {
        index.computeIfAbsent(family, k -> new HashMap<>()).computeIfAbsent(key, k -> new ArrayList<>()).add(d);
    }

    private static List<Decl> without(List<Decl> list, Decl self) {
        return list.stream().filter(x -> x != self).toList();
    }

    private static PlanException unknown(Decl d, Decl.Req r, String wanted, Set<String> candidates, String why) {
        return d.doc().error(r.line(), d.id(), r.keyword() + " " + r.text() + ": " + why + Names.didYouMean(wanted, candidates));
    }

    /**
     * The run order: states sorted by {@code order} (definition order within a group), then a
     * topological sort that always takes the earliest state whose dependencies have all run, so
     * states move only as far as their requisites force them.
     */
    List<Decl> order() {
        List<Decl> base = new ArrayList<>(decls);
        base.sort(Comparator.comparing(Decl::order)); // List.sort is stable, so definition order breaks ties.
        Map<Decl, Integer> rank = new HashMap<>();
        for (int i = 0; i < base.size(); i++) rank.put(base.get(i), i);
        Map<Decl, Integer> waiting = new HashMap<>();
        Map<Decl, List<Decl>> dependents = new HashMap<>();
        for (Decl d : base) {
            Set<Decl> targets = new LinkedHashSet<>();
            for (Dep dep : deps.get(d)) targets.add(dep.target());
            waiting.put(d, targets.size());
            for (Decl t : targets) dependents.computeIfAbsent(t, k -> new ArrayList<>()).add(d);
        }
        PriorityQueue<Decl> ready = new PriorityQueue<>(Comparator.comparing(rank::get));
        for (Decl d : base) if (waiting.get(d) == 0) ready.add(d);
        List<Decl> out = new ArrayList<>(base.size());
        while (!ready.isEmpty()) {
            Decl d = ready.poll();
            out.add(d);
            for (Decl after : dependents.getOrDefault(d, List.of())) {
                if (waiting.merge(after, -1, Integer::sum) == 0) ready.add(after);
            }
        }
        if (out.size() < base.size()) throw cycle(base, new LinkedHashSet<>(out));
        return out;
    }

    /** Names one cycle among the states that could not be ordered, each with its file and line. */
    private PlanException cycle(List<Decl> base, Set<Decl> done) {
        Decl start = base.stream().filter(d -> !done.contains(d)).findFirst().orElseThrow();
        List<Decl> path = new ArrayList<>();
        Map<Decl, Integer> onPath = new HashMap<>();
        Decl cur = start;
        while (onPath.putIfAbsent(cur, path.size()) == null) {
            path.add(cur);
            Decl next = null;
            for (Dep dep : deps.get(cur)) {
                if (!done.contains(dep.target())) {
                    next = dep.target();
                    break;
                }
            }
            cur = next;
        }
        List<Decl> loop = path.subList(onPath.get(cur), path.size());
        StringBuilder sb = new StringBuilder("requisite cycle: ");
        for (Decl d : loop) sb.append(d.label()).append(" -> ");
        sb.append(loop.get(0).family()).append(' ').append(loop.get(0).id());
        Decl first = loop.get(0);
        return new PlanException(first.at(), first.id(), sb.toString());
    }
}
