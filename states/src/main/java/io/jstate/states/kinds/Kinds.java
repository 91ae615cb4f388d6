package io.jstate.states.kinds;

import io.jstate.states.engine.StateRegistry;
import io.jstate.states.kinds.cmd.CmdRun;
import io.jstate.states.kinds.file.FileAbsent;
import io.jstate.states.kinds.file.FileDirectory;
import io.jstate.states.kinds.file.FileManaged;
import io.jstate.states.kinds.file.FileSymlink;
import io.jstate.states.kinds.ini.IniOptionsAbsent;
import io.jstate.states.kinds.ini.IniOptionsPresent;
import io.jstate.states.kinds.mysql.MysqlDatabaseAbsent;
import io.jstate.states.kinds.mysql.MysqlDatabasePresent;
import io.jstate.states.kinds.mysql.MysqlGrantsPresent;
import io.jstate.states.kinds.mysql.MysqlUserPresent;
import io.jstate.states.kinds.pkg.PkgInstalled;
import io.jstate.states.kinds.pkg.PkgRemoved;
import io.jstate.states.kinds.rabbitmq.RabbitmqClusterJoined;
import io.jstate.states.kinds.rabbitmq.RabbitmqPolicyPresent;
import io.jstate.states.kinds.rabbitmq.RabbitmqUserAbsent;
import io.jstate.states.kinds.rabbitmq.RabbitmqUserPresent;
import io.jstate.states.kinds.rabbitmq.RabbitmqVhostPresent;
import io.jstate.states.kinds.service.ServiceDead;
import io.jstate.states.kinds.service.ServiceEnabled;
import io.jstate.states.kinds.service.ServiceRunning;
import io.jstate.states.kinds.system.GroupPresent;
import io.jstate.states.kinds.system.HostPresent;
import io.jstate.states.kinds.system.SysctlPresent;
import io.jstate.states.kinds.system.UserPresent;
import io.jstate.states.kinds.wait.WaitFor;

/**
 * Every state kind jstate ships, by SLS name: the one place kinds are registered. It lives beside
 * the kinds, not in the engine: the engine knows the {@code State} contract and a registry, never
 * a kind.
 */
public final class Kinds {
    private Kinds() {}

    /** A registry of every kind jstate ships; a reader finds any state's class here by its name. */
    public static StateRegistry registry() {
        return register(StateRegistry.builder()).build();
    }

    /** Adds every kind jstate ships to {@code r}, for a registry that also holds kinds of its own. */
    public static StateRegistry.Builder register(StateRegistry.Builder r) {
        return r
                .register("file.managed", FileManaged.Spec.class, FileManaged::new)
                .register("file.directory", FileDirectory.Spec.class, FileDirectory::new)
                .register("file.absent", FileAbsent.Spec.class, FileAbsent::new)
                .register("file.symlink", FileSymlink.Spec.class, FileSymlink::new)
                .register("ini.options_present", IniOptionsPresent.Spec.class, IniOptionsPresent::new)
                .register("ini.options_absent", IniOptionsAbsent.Spec.class, IniOptionsAbsent::new)
                .register("pkg.installed", PkgInstalled.Spec.class, PkgInstalled::new)
                .register("pkg.removed", PkgRemoved.Spec.class, PkgRemoved::new)
                .register("service.running", ServiceRunning.Spec.class, ServiceRunning::new)
                .register("service.dead", ServiceDead.Spec.class, ServiceDead::new)
                .register("service.enabled", ServiceEnabled.Spec.class, ServiceEnabled::new)
                .register("cmd.run", CmdRun.Spec.class, CmdRun::new)
                .register("user.present", UserPresent.Spec.class, UserPresent::new)
                .register("group.present", GroupPresent.Spec.class, GroupPresent::new)
                .register("host.present", HostPresent.Spec.class, HostPresent::new)
                .register("sysctl.present", SysctlPresent.Spec.class, SysctlPresent::new)
                .register("wait.for", WaitFor.Spec.class, WaitFor::new)
                .register("mysql_database.present", MysqlDatabasePresent.Spec.class, MysqlDatabasePresent::new)
                .register("mysql_database.absent", MysqlDatabaseAbsent.Spec.class, MysqlDatabaseAbsent::new)
                .register("mysql_user.present", MysqlUserPresent.Spec.class, MysqlUserPresent::new)
                .register("mysql_grants.present", MysqlGrantsPresent.Spec.class, MysqlGrantsPresent::new)
                .register("rabbitmq_vhost.present", RabbitmqVhostPresent.Spec.class, RabbitmqVhostPresent::new)
                .register("rabbitmq_user.present", RabbitmqUserPresent.Spec.class, RabbitmqUserPresent::new)
                .register("rabbitmq_user.absent", RabbitmqUserAbsent.Spec.class, RabbitmqUserAbsent::new)
                .register("rabbitmq_policy.present", RabbitmqPolicyPresent.Spec.class, RabbitmqPolicyPresent::new)
                .register("rabbitmq_cluster.joined", RabbitmqClusterJoined.Spec.class, RabbitmqClusterJoined::new);
    }
}
