package io.jstate.states.engine;

import io.jstate.states.kinds.rabbitmq.RabbitmqClusterJoined;
import io.jstate.states.kinds.rabbitmq.RabbitmqPolicyPresent;
import io.jstate.states.kinds.rabbitmq.RabbitmqUserAbsent;
import io.jstate.states.kinds.rabbitmq.RabbitmqUserPresent;
import io.jstate.states.kinds.rabbitmq.RabbitmqVhostPresent;

/** Every state kind jstate ships, by SLS name: the one place kinds are registered. */
final class BuiltinStates {
    private BuiltinStates() {}

    static StateRegistry.Builder register(StateRegistry.Builder r) {
        return r
                .register("rabbitmq_vhost.present", RabbitmqVhostPresent.Spec.class, RabbitmqVhostPresent::new)
                .register("rabbitmq_user.present", RabbitmqUserPresent.Spec.class, RabbitmqUserPresent::new)
                .register("rabbitmq_user.absent", RabbitmqUserAbsent.Spec.class, RabbitmqUserAbsent::new)
                .register("rabbitmq_policy.present", RabbitmqPolicyPresent.Spec.class, RabbitmqPolicyPresent::new)
                .register("rabbitmq_cluster.joined", RabbitmqClusterJoined.Spec.class, RabbitmqClusterJoined::new);
    }
}
