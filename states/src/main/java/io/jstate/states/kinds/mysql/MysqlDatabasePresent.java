package io.jstate.states.kinds.mysql;

import io.jstate.states.engine.Applied;
import io.jstate.states.engine.ArgDoc;
import io.jstate.states.engine.Change;
import io.jstate.states.engine.Drift;
import io.jstate.states.engine.Env;
import io.jstate.states.engine.State;
import io.jstate.states.engine.StateDoc;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * mysql_database.present: a database exists with the wanted default character set and collation.
 * With neither given it is utf8mb4 with utf8mb4_general_ci; with one given, the other is whatever
 * the server pairs with it and is not compared.
 */
public final class MysqlDatabasePresent implements State<MysqlDatabasePresent.Spec> {

    @StateDoc(summary = "A database exists with the wanted default character set and collation. With neither given it is utf8mb4 with utf8mb4_general_ci; with one given, the other is whatever the server pairs with it and is not compared.",
            example = """
                nova-db:
                  mysql_database.present:
                    - name: nova
                """)
    public record Spec(
            @ArgDoc("the database") String name,
            @ArgDoc("its default character set") String characterSet,
            @ArgDoc("its default collation") String collate,
            MysqlConnection connection) {
        public Spec {
            Sql.require("name", name, Sql.DATABASE, "letters, digits and _ $ -, at most 64");
            if (characterSet == null && collate == null) {
                characterSet = "utf8mb4";
                collate = "utf8mb4_general_ci";
            }
            if (characterSet != null) Sql.require("character_set", characterSet, Sql.CHARSET, "a character set name");
            if (collate != null) Sql.require("collate", collate, Sql.CHARSET, "a collation name");
        }
    }

    private final Env env;

    public MysqlDatabasePresent(Env env) {
        this.env = env;
    }

    @Override
    public Drift check(Spec spec) {
        List<List<String>> rows = spec.connection().query(env.host(),
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA"
                        + " WHERE SCHEMA_NAME = BINARY " + Sql.literal(spec.name()) + ";\n");
        if (rows.isEmpty()) return Drift.of(Change.of("database", null, "created"));
        String charset = rows.get(0).get(0);
        String collation = rows.get(0).size() > 1 ? rows.get(0).get(1) : "";
        List<Change> changes = new ArrayList<>();
        if (spec.characterSet() != null && !normalize(charset).equals(normalize(spec.characterSet()))) {
            changes.add(Change.of("character_set", charset, spec.characterSet()));
        }
        if (spec.collate() != null && !normalize(collation).equals(normalize(spec.collate()))) {
            changes.add(Change.of("collate", collation, spec.collate()));
        }
        return new Drift(changes);
    }

    @Override
    public Applied apply(Spec spec, Drift drift) {
        String verb = drift.has("database") ? "CREATE DATABASE " : "ALTER DATABASE ";
        spec.connection().execute(env.host(), verb + Sql.ident(spec.name()) + options(spec) + ";\n");
        return Applied.NONE;
    }

    private static String options(Spec spec) {
        StringBuilder sb = new StringBuilder();
        if (spec.characterSet() != null) sb.append(" CHARACTER SET ").append(spec.characterSet());
        if (spec.collate() != null) sb.append(" COLLATE ").append(spec.collate());
        return sb.toString();
    }

    /**
     * MariaDB reports the old "utf8" as utf8mb3 (and its collations as utf8mb3_*), so a spec saying
     * utf8, as much OpenStack configuration does, must not look like drift forever.
     */
    static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("utf8")) return "utf8mb3";
        if (n.startsWith("utf8_")) return "utf8mb3_" + n.substring(5);
        return n;
    }
}
