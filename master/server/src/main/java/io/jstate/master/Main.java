package io.jstate.master;

import io.jstate.master.config.MasterConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code jstate-master [--config FILE] [--init]}: reads the configuration, makes the data dir and, at
 * first start, the PKI, then runs Quarkus (admin API) with the gateway bean. With {@code --init} it
 * stops after the PKI and prints the fingerprints to pin (what a package's postinst runs).
 */
@QuarkusMain
public final class Main {
    private Main() {}

    public static void main(String... args) {
        Path config = MasterConfig.DEFAULT_FILE;
        boolean init = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                config = Path.of(a.substring("--config=".length()));
            } else if (a.equals("--init")) {
                init = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: jstate-master [--config FILE] [--init]   (default " + MasterConfig.DEFAULT_FILE + ")");
                System.out.println("  --init  make the data dir and the PKI, print the fingerprints minions pin, and exit");
                return;
            } else {
                System.err.println("jstate-master: unknown argument '" + a + "'; usage: jstate-master [--config FILE] [--init]");
                System.exit(2);
            }
        }
        if (init) {
            try {
                Bootstrap.init(config, System.out);
            } catch (RuntimeException e) {
                System.err.println("jstate-master: " + e.getMessage());
                System.exit(1);
            }
            return;
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
