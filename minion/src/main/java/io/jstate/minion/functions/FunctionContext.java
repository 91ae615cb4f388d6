package io.jstate.minion.functions;

import io.jstate.minion.bundle.BundleTree;
import io.jstate.proto.v1.Bundle;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.StateRegistry;
import io.jstate.states.host.Host;
import io.jstate.states.lang.Compiled;
import io.jstate.states.lang.Compiler;
import java.util.List;
import java.util.Map;

/**
 * What an execution function may use: this minion's id, grains and host, and the job's bundle
 * and targets (for the functions that compile the state tree).
 */
public record FunctionContext(String minionId, Host host, Map<String, Object> grains, Bundle bundle, List<String> targets,
                              StateRegistry registry) {

    public FunctionContext {
        grains = grains == null ? Map.of() : grains;
        bundle = bundle == null ? Bundle.getDefaultInstance() : bundle;
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** The environment the state backends pick themselves by (no templates: functions render none). */
    Env env() {
        return new Env(host, grains, null);
    }

    /**
     * Compiles the bundle for this minion, as an apply of {@code targets} would.
     *
     * @throws io.jstate.states.engine.PlanException when the tree does not compile
     */
    Compiled compile(List<String> what) {
        try (BundleTree tree = BundleTree.write(bundle)) {
            return new Compiler(registry).compile(tree.request(minionId, grains, what));
        }
    }
}
