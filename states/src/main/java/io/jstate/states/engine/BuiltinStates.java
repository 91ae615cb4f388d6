package io.jstate.states.engine;

import io.jstate.states.kinds.mysql.MysqlDatabaseAbsent;
import io.jstate.states.kinds.mysql.MysqlDatabasePresent;
import io.jstate.states.kinds.mysql.MysqlGrantsPresent;
import io.jstate.states.kinds.mysql.MysqlUserPresent;

/** Every state kind jstate ships, by SLS name: the one place kinds are registered. */
final class BuiltinStates {
    private BuiltinStates() {}

    static StateRegistry.Builder register(StateRegistry.Builder r) {
        return r
                .register("mysql_database.present", MysqlDatabasePresent.Spec.class, MysqlDatabasePresent::new)
                .register("mysql_database.absent", MysqlDatabaseAbsent.Spec.class, MysqlDatabaseAbsent::new)
                .register("mysql_user.present", MysqlUserPresent.Spec.class, MysqlUserPresent::new)
                .register("mysql_grants.present", MysqlGrantsPresent.Spec.class, MysqlGrantsPresent::new);
    }
}
