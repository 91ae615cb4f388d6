package io.jstate.master;

import io.jstate.master.config.MasterConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code jstate-master [--config FILE]}: reads the configuration, makes the data dir and, at first
 * start, the PKI, then runs Quarkus (admin API) with the gateway bean.
 */
@QuarkusMain
public final class Main {
    private Main() {}

    public static void main(String... args) {
        Path config = MasterConfig.DEFAULT_FILE;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                config = Path.of(a.substring("--config=".length()));
            } else if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: jstate-master [--config FILE]   (default " + MasterConfig.DEFAULT_FILE + ")");
                return;
            } else {
                System.err.println("jstate-master: unknown argument '" + a + "'; usage: jstate-master [--config FILE]");
                System.exit(2);
            }
        }
        Map<String, String> props;
        try {
            props = Bootstrap.prepare(config, System.out);
        } catch (RuntimeException e) {
            System.err.println("jstate-master: " + e.getMessage());
            System.exit(1);
            return;
        }
        props.forEach(System::setProperty);
        Quarkus.run(args);
    }
}
