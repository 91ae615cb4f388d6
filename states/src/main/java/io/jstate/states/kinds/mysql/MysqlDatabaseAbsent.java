package io.jstate.states.kinds.mysql;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.SpecException;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import java.util.Locale;
import java.util.Set;

/** mysql_database.absent: a database does not exist; it is dropped with everything in it. */
public final class MysqlDatabaseAbsent implements State<MysqlDatabaseAbsent.Spec> {

    /** The server's own schemas: dropping one breaks the server, so no spec may name them. */
    static final Set<String> SYSTEM = Set.of("mysql", "information_schema", "performance_schema", "sys");

    @StateDoc(summary = "A database does not exist; it is dropped with everything in it. The server's own schemas (mysql, information_schema, performance_schema, sys) are refused.",
            example = """
                no-test-db:
                  mysql_database.absent:
                    - name: test
                """)
    public record Spec(
            @ArgDoc("the database") String name,
            MysqlConnection connection) {
        public Spec {
            Sql.require("name", name, Sql.DATABASE, "letters, digits and _ $ -, at most 64");
            if (SYSTEM.contains(name.toLowerCase(Locale.ROOT))) {
                throw new SpecException("name", "argument 'name': '" + name + "' is a system database and is never dropped");
            }
        }
    }

    private final Env env;

    public MysqlDatabaseAbsent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        boolean exists = !spec.connection().query(env.host(),
                "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = BINARY " + Sql.literal(spec.name()) + ";\n")
                .isEmpty();
        return exists ? Drift.of(Change.of("database", "present", "removed")) : Drift.NONE;
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        spec.connection().execute(env.host(), "DROP DATABASE " + Sql.ident(spec.name()) + ";\n");
        return Applied.NONE;
    }
}
