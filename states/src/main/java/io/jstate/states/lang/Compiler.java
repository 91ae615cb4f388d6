package io.jstate.states.lang;

import io.jstate.common.text.Names;
import io.jstate.states.engine.Plan;
import io.jstate.states.engine.PlanException;
import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.SpecBinder;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.engine.Step;
import io.jstate.states.engine.UsesTemplates;
import io.jstate.common.target.Facts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a state tree into a {@link io.jstate.states.engine.Plan}: pillar, top file, includes,
 * Mustache, YAML, kinds and arguments, requisites and ordering. Every user error is a
 * {@link io.jstate.states.engine.PlanException} naming file, line and id, raised before anything runs.
 */
public final class Compiler {
    /** The target that stands for the top file's choice of SLS files. */
    public static final String HIGHSTATE = "highstate";

    /** The engine options every state takes ({@code order}, {@code failhard}, {@code retry}, {@code timeout}); they never bind to a spec. */
    public static final List<String> ENGINE_OPTIONS = SlsLoader.ENGINE_OPTIONS;

    private final StateRegistry registry;
    private final Set<Path> refused;

    public Compiler(StateRegistry registry) {
        this(registry, Set.of());
    }

    /**
     * @param refused folders no tree file may be in, links resolved: the master gives its data
     *                folder, so that no state, pillar or template file can read its keys
     */
    public Compiler(StateRegistry registry, Set<Path> refused) {
        this.registry = registry;
        this.refused = Set.copyOf(refused);
    }

    public Compiled compile(CompileRequest request) {
        Map<String, Object> minion = minion(request.minionId(), request.roles());

        PillarData pillar = request.pillarData() != null ? request.pillarData()
                : request.pillarRoot() != null ? localPillar(request)
                : PillarData.EMPTY;

        Secrets secrets = new Secrets(pillar.secrets());
        try {
            return compile(request, minion, pillar, secrets);
        } catch (PlanException e) {
            // An error past this point may quote rendered text or an argument's value, and so a secret.
            throw e.redacted(secrets);
        }
    }

    /** A state as written in an SLS file: its id, kind and the arguments that bind to the kind's spec. */
    public record Declared(String id, String kind, Map<String, Object> args) {}

    /**
     * The states of one SLS of a tree and of what it includes, in definition order, with
     * requisites and engine options already taken out of the arguments, as {@link #compile} reads
     * them before binding. The SLS is rendered with empty grains and pillar. The state reference
     * uses this to bind an example's arguments one at a time.
     */
    public static List<Declared> declarations(Path stateRoot, String sls) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("grains", Map.of());
        context.put("pillar", Map.of());
        context.put("minion", Map.of("id", "example"));
        context.put("peers", List.of());
        SlsLoader loader = new SlsLoader(new Renderer(stateRoot, context));
        loader.load(sls, null, null);
        List<Declared> out = new ArrayList<>();
        for (Decl d : loader.decls()) out.add(new Declared(d.id(), d.kind(), Collections.unmodifiableMap(new LinkedHashMap<>(d.args()))));
        return out;
    }

    /**
     * One minion's pillar as the master compiles it from its pillar tree: its top file, Mustache,
     * YAML, deep merge. Only what the master decides chooses and renders it — the minion's id, the
     * roles the master assigns and nodegroups of those — so a minion cannot claim another one's
     * secrets: the grains take no part, and a top file target (or a nodegroup it names) that reads
     * grains or pillar is refused with its file and line. The master sends each minion its own slice only.
     */
    public static PillarData pillar(Path pillarRoot, String minionId, List<String> roles, Map<String, String> nodegroups) {
        return pillar(TreeFiles.of(pillarRoot), minionId, roles, nodegroups);
    }

    /** As {@link #pillar(Path, String, List, Map)}, reading a tree that refuses some folders. */
    public static PillarData pillar(TreeFiles pillarTree, String minionId, List<String> roles, Map<String, String> nodegroups) {
        Map<String, Object> pillarContext = new LinkedHashMap<>();
        pillarContext.put("minion", minion(minionId, roles));
        return Pillar.compile(new Renderer(pillarTree, pillarContext), new Facts(minionId, Map.of(), Map.of(), roles), nodegroups, true);
    }

    /**
     * A masterless minion's pillar ({@code jstate-minion apply --local}): there the operator writes
     * the grains as well as the pillar tree, so grains may render it and its top file may target them.
     */
    private PillarData localPillar(CompileRequest request) {
        Map<String, Object> pillarContext = new LinkedHashMap<>();
        pillarContext.put("grains", request.grains());
        pillarContext.put("minion", minion(request.minionId(), request.roles()));
        // I@ targets in the pillar's own top file see an empty pillar: it is what is being built.
        Facts facts = new Facts(request.minionId(), request.grains(), Map.of(), request.roles());
        return Pillar.compile(new Renderer(new TreeFiles(request.pillarRoot(), refused), pillarContext), facts, request.nodegroups(), false);
    }

    /** The {@code minion} of the render context: its id and the roles the master assigns. */
    private static Map<String, Object> minion(String id, List<String> roles) {
        return Map.of("id", id, "roles", roles);
    }

    private Compiled compile(CompileRequest request, Map<String, Object> minion, PillarData pillar, Secrets secrets) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("grains", request.grains());
        context.put("pillar", pillar.data());
        context.put("minion", minion);
        context.put("peers", request.peers());
        Renderer renderer = new Renderer(new TreeFiles(request.stateRoot(), refused), context, secrets);

        SlsLoader loader = new SlsLoader(renderer);
        Facts facts = new Facts(request.minionId(), request.grains(), pillar.data(), request.roles());
        if (request.targets().isEmpty()) throw new PlanException(null, null, "nothing to apply: give SLS names or " + HIGHSTATE);
        for (String target : request.targets()) {
            if (target.equals(HIGHSTATE)) {
                if (!TopFile.exists(renderer)) {
                    throw new PlanException(null, null, "no " + TopFile.FILE + " in " + renderer.root() + ": highstate needs one");
                }
                List<TopFile.Choice> chosen = TopFile.select(renderer, facts, request.nodegroups(), false);
                if (chosen.isEmpty()) throw TopFile.noMatch(renderer, request.minionId());
                for (TopFile.Choice c : chosen) loader.load(c.sls(), null, c.at());
            } else {
                loader.load(target, null, null);
            }
        }

        List<Decl> decls = loader.decls();
        Map<Decl, Record> specs = new HashMap<>();
        for (Decl d : decls) {
            // An id is shown in every result, event and listing, unredacted by design: one that holds a
            // secret would carry it everywhere, so it is refused (the message itself is redacted).
            if (secrets.appearsIn(d.id())) {
                throw d.doc().error(d.line(), secrets.redact(d.id()), "a state id must not hold a !secret value: ids are shown "
                        + "in every result, event and listing; take the secret out of the id (use it in an argument)");
            }
            Record spec = bind(d);
            prepareTemplates(d, spec, renderer);
            specs.put(d, spec);
        }

        Graph graph = new Graph(decls, families()).resolve(loader.docs().keySet());
        List<Decl> order = graph.order();
        Map<Decl, Integer> index = new HashMap<>();
        for (int i = 0; i < order.size(); i++) index.put(order.get(i), i);
        List<Step> steps = new ArrayList<>(order.size());
        for (Decl d : order) {
            List<Step.Edge> edges = new ArrayList<>();
            for (Graph.Dep dep : graph.deps(d)) edges.add(new Step.Edge(dep.type(), index.get(dep.target())));
            steps.add(new Step(index.get(d), d.id(), d.kind(), specs.get(d), d.at(), edges, d.options()));
        }
        Plan plan = new Plan(steps, secrets);
        return new Compiled(plan, renderer, Collections.unmodifiableMap(pillar.data()), renderer.used());
    }

    /**
     * Reads or renders every template a state names, now, so that a missing template or variable
     * stops the run before its first state rather than in the middle of it.
     */
    private static void prepareTemplates(Decl d, Record spec, Renderer renderer) {
        if (!(spec instanceof UsesTemplates uses)) return;
        for (UsesTemplates.TemplateUse t : uses.templates()) {
            try {
                if (t.render()) renderer.render(t.source(), t.context());
                else renderer.raw(t.source());
            } catch (PlanException e) {
                throw d.doc().error(d.kindLine(), d.id(), d.kind() + " template " + e.getMessage());
            }
        }
    }

    /** Binds a state's arguments to its kind's spec; an argument error points at that argument's line. */
    private Record bind(Decl d) {
        StateRegistry.Kind kind = registry.find(d.kind()).orElseThrow(() -> d.doc().error(d.kindLine(), d.id(),
                "unknown state kind '" + d.kind() + "'" + Names.didYouMean(d.kind(), registry.names())));
        try {
            return SpecBinder.bind(kind.specType(), d.id(), d.args());
        } catch (SpecException e) {
            Integer line = e.argument() == null ? null : d.argLines().get(e.argument());
            throw d.doc().error(line == null ? d.kindLine() : line, d.id(), d.kind() + ": " + e.getMessage());
        }
    }

    private Set<String> families() {
        Set<String> out = new TreeSet<>();
        for (String k : registry.names()) out.add(k.substring(0, k.indexOf('.')));
        return out;
    }
}
