package io.jstate.it.workload;

import java.util.List;

/**
 * The workload's own SQL database and user and its RabbitMQ vhost and user, made by a setup step
 * on one controller of a converged lab (not by the pillar: the OpenStack formulas stay about
 * OpenStack, and nothing they do removes these). Both are idempotent shell commands for the
 * controller's root: the SQL one through the server's socket (Galera replicates the database, user
 * and table to every node), the RabbitMQ one through {@code rabbitmqctl} (cluster-wide objects).
 */
public final class WorkloadSetup {
    public static final String VIP = "10.77.0.100";
    public static final String DATABASE = "workload";
    public static final String USER = "workload";
    /** The lab's workload credential: letters and digits, as the lab pillar's are. */
    public static final String PASSWORD = "wkLab4c1e9a7d2";
    public static final String VHOST = "workload";
    public static final String QUEUE = "workload-acked";

    private WorkloadSetup() {}

    /** The data nodes and brokers of a 3-controller lab, HOST:PORT. */
    public static List<String> nodes(int port) {
        return List.of("10.77.0.11:" + port, "10.77.0.12:" + port, "10.77.0.13:" + port);
    }

    /** The database, its user (SELECT and INSERT only, from anywhere) and the table. */
    public static String sql() {
        String sql = "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";"
                + " CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                + " ALTER USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                + " GRANT SELECT, INSERT ON " + DATABASE + ".* TO '" + USER + "'@'%';"
                + " CREATE TABLE IF NOT EXISTS " + DATABASE + ".acked (id BIGINT NOT NULL PRIMARY KEY, value VARCHAR(64) NOT NULL,"
                + " written_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB;";
        return "mysql -e \"" + sql + "\"";
    }

    /** The vhost and its user with every permission on it (the queue is declared by the clients). */
    public static String amqp() {
        return "set -e; "
                + "rabbitmqctl -s list_vhosts name | grep -qx " + VHOST + " || rabbitmqctl -q add_vhost " + VHOST + "; "
                + "if rabbitmqctl -s list_users | cut -f1 | grep -qx " + USER + "; then rabbitmqctl -q change_password " + USER + " " + PASSWORD + ";"
                + " else rabbitmqctl -q add_user " + USER + " " + PASSWORD + "; fi; "
                + "rabbitmqctl -q set_permissions -p " + VHOST + " " + USER + " '.*' '.*' '.*'";
    }
}
