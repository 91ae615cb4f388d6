package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.kinds.rabbitmq.Rabbitmqctl.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code rabbitmq_policy.present}: a policy exists in a vhost with its pattern, definition,
 * priority and target. The definition is compared as a JSON value by its canonical text, so key
 * order does not matter, numbers compare by value whatever their Java type (the Integer YAML gives
 * equals the same number read back from the broker), and {@code ha-params: 2} stays the integer 2
 * (never "2" or 2.0).
 */
public final class RabbitmqPolicyPresent implements State<RabbitmqPolicyPresent.Spec> {

    @StateDoc(summary = "A policy exists in a vhost with its pattern, definition, priority and target. The definition is compared as JSON by its canonical text, so key order and number types do not matter.",
            example = """
                ha-all:
                  rabbitmq_policy.present:
                    - pattern: "^(?!amq\\\\.).*"
                    - definition: {ha-mode: exactly, ha-params: 2, ha-sync-mode: automatic}
                    - vhost: openstack
                """)
    public record Spec(
            @ArgDoc("the policy") String name,
            @ArgDoc("the regular expression of queue and exchange names it applies to") String pattern,
            @ArgDoc("the policy's keys, e.g. `{ha-mode: exactly, ha-params: 2}`") Map<String, Object> definition,
            @ArgDoc("higher wins when several policies match") Integer priority,
            @ArgDoc("`all`, `queues` or `exchanges`") String applyTo,
            @ArgDoc("the virtual host") String vhost,
            @ArgDoc("the node rabbitmqctl talks to (`-n`); rabbitmqctl's default when not given") String node) {
        public Spec {
            Rabbitmqctl.required("name", name);
            Rabbitmqctl.required("pattern", pattern);
            if (definition == null || definition.isEmpty()) throw new IllegalArgumentException("definition is required (a mapping of policy keys)");
            definition = Map.copyOf(definition);
            priority = priority == null ? 0 : priority;
            applyTo = applyTo == null ? "all" : applyTo;
            Rabbitmqctl.required("apply_to", applyTo);
            vhost = vhost == null ? "/" : vhost;
            Rabbitmqctl.required("vhost", vhost);
            node = Rabbitmqctl.node(node);
        }

        String definitionJson() {
            return Rabbitmqctl.canonical(definition);
        }
    }

    private final Env env;

    public RabbitmqPolicyPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        Optional<Definitions.Policy> have = Rabbitmqctl.of(env, spec.node()).definitions().policy(spec.vhost(), spec.name());
        if (have.isEmpty()) {
            return Drift.of(Change.of("policy", null, "pattern=" + spec.pattern() + " definition=" + spec.definitionJson()
                    + " priority=" + spec.priority() + " apply_to=" + spec.applyTo() + " vhost=" + spec.vhost()));
        }
        Definitions.Policy row = have.get();
        List<Change> changes = new ArrayList<>();
        String pattern = row.pattern();
        if (!pattern.equals(spec.pattern())) changes.add(Change.of("pattern", pattern, spec.pattern()));
        String definition = canonical(row.definition());
        if (!definition.equals(spec.definitionJson())) changes.add(Change.of("definition", definition, spec.definitionJson()));
        String priority = String.valueOf(row.priority());
        if (!priority.equals(String.valueOf(spec.priority()))) changes.add(Change.of("priority", priority, spec.priority()));
        String applyTo = row.applyTo();
        if (!applyTo.equals(spec.applyTo())) changes.add(Change.of("apply_to", applyTo, spec.applyTo()));
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        // set_policy replaces the whole policy, so every field is sent whichever one drifted.
        Rabbitmqctl.of(env, spec.node()).change(Call.of("set_policy", spec.name(), spec.pattern(), spec.definitionJson())
                .options("-p", spec.vhost(), "--priority", String.valueOf(spec.priority()), "--apply-to", spec.applyTo()));
        return Applied.NONE;
    }

    /** rabbitmqctl prints the definition as a JSON document inside a JSON string; older output had it as an object. */
    private static String canonical(Object definition) {
        return Rabbitmqctl.canonical(definition instanceof String s ? Rabbitmqctl.json(s) : definition);
    }
}
