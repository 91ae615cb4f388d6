package io.jstate.master;

import io.jstate.common.config.MasterConfig;
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

    static final String USAGE = """
            Usage: jstate-master [--config FILE] [--init]
            Run the jstate master: the minion gateway, the admin API the jstate CLI speaks, the job
            store and the event bus. The first start creates the data dir and the PKI, and prints the
            CA and signing-key fingerprints that minions pin. Logs go to stdout and stderr.
              --config FILE  the configuration (default: %s)
              --init         make the data dir and the PKI, print the fingerprints minions pin, and
                             exit (the package's postinst runs this; safe to run again)
              -h, --help     show this help

            Examples:
              jstate-master
              jstate-master --config /etc/jstate/master.yaml
              jstate-master --config=/srv/jstate/master.yaml
              jstate-master --init
            """.formatted(MasterConfig.DEFAULT_FILE);

    /** A command line the master cannot run with; the message says why. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** What a command line asks for: the configuration, and whether only to prepare the PKI. */
    record Invocation(Path config, boolean init) {}

    /** What the arguments ask for, or null when they ask for help. */
    static Invocation parse(String... args) throws UsageException {
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
                return null;
            } else {
                throw new UsageException("unknown argument '" + a + "'");
            }
        }
        return new Invocation(config, init);
    }

    public static void main(String... args) {
        Invocation run;
        try {
            run = parse(args);
        } catch (UsageException e) {
            System.err.println("jstate-master: " + e.getMessage() + "; usage: jstate-master [--config FILE] [--init] (see --help)");
            System.exit(2);
            return;
        }
        if (run == null) {
            System.out.print(USAGE);
            return;
        }
        Map<String, String> props;
        try {
            if (run.init()) {
                Bootstrap.init(run.config(), System.out);
                return;
            }
            props = Bootstrap.prepare(run.config(), System.out);
        } catch (RuntimeException e) {
            System.err.println("jstate-master: " + e.getMessage());
            System.exit(1);
            return;
        }
        props.forEach(System::setProperty);
        Quarkus.run(args);
    }
}
