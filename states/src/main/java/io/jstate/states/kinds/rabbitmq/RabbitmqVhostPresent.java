package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.kinds.rabbitmq.Rabbitmqctl.Call;

/** {@code rabbitmq_vhost.present}: a virtual host exists. */
public final class RabbitmqVhostPresent implements State<RabbitmqVhostPresent.Spec> {

    @StateDoc(summary = "A RabbitMQ virtual host exists.",
            example = """
                openstack-vhost:
                  rabbitmq_vhost.present:
                    - name: openstack
                """)
    public record Spec(
            @ArgDoc("the virtual host") String name,
            @ArgDoc("the node rabbitmqctl talks to (`-n`); rabbitmqctl's default when not given") String node) {
        public Spec {
            Rabbitmqctl.required("name", name);
            node = Rabbitmqctl.node(node);
        }
    }

    private final Env env;

    public RabbitmqVhostPresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        return Rabbitmqctl.of(env, spec.node()).definitions().hasVhost(spec.name()) ? Drift.NONE : Drift.of(Change.of("vhost", null, spec.name()));
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        Rabbitmqctl.of(env, spec.node()).change(Call.of("add_vhost", spec.name()));
        return Applied.NONE;
    }
}
