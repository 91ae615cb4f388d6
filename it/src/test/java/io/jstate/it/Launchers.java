package io.jstate.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The checkout's launchers in packaging/bin, run as an operator runs them. */
record Launchers(Path repo) {

    /** The checkout the build names in {@code jstate.repo} (the parent folder by default). */
    static Launchers ofCheckout() {
        return new Launchers(Path.of(System.getProperty("jstate.repo", "..")).toAbsolutePath().normalize());
    }

    /** The launcher's path: {@code jstate}, {@code jstate-master} or {@code jstate-minion}. */
    String path(String name) {
        return repo.resolve("packaging/bin").resolve(name).toString();
    }

    /** {@code jstate --config MASTER_CONFIG ARGS...}. */
    List<String> cli(Path masterConfig, String... args) {
        List<String> cmd = new ArrayList<>(List.of(path("jstate"), "--config", masterConfig.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
