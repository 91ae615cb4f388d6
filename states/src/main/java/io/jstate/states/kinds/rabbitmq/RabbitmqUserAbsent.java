package io.jstate.states.kinds.rabbitmq;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import io.jstate.states.kinds.rabbitmq.Rabbitmqctl.Call;

/** {@code rabbitmq_user.absent}: a user does not exist (the usual target: {@code guest}). */
public final class RabbitmqUserAbsent implements State<RabbitmqUserAbsent.Spec> {

    @StateDoc(summary = "A RabbitMQ user does not exist (the usual target: `guest`).",
            example = """
                no-guest:
                  rabbitmq_user.absent:
                    - name: guest
                """)
    public record Spec(
            @ArgDoc("the user") String name,
            @ArgDoc("the node rabbitmqctl talks to (`-n`); rabbitmqctl's default when not given") String node) {
        public Spec {
            Rabbitmqctl.required("name", name);
            node = Rabbitmqctl.node(node);
        }
    }

    private final Env env;

    public RabbitmqUserAbsent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        return Rabbitmqctl.of(env, spec.node()).definitions().user(spec.name()).isPresent()
                ? Drift.of(Change.of("user", spec.name(), null))
                : Drift.NONE;
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        Rabbitmqctl.of(env, spec.node()).change(Call.of("delete_user", spec.name()));
        return Applied.NONE;
    }
}
