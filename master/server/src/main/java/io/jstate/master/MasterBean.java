package io.jstate.master;

import io.jstate.master.config.MasterConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Holds the master for Quarkus: opened and its gateway started at startup, closed at shutdown. */
@ApplicationScoped
public class MasterBean {
    @ConfigProperty(name = "jstate.config")
    String configFile;

    private volatile Master master;

    void start(@Observes StartupEvent e) {
        Master m = Master.open(MasterConfig.load(Path.of(configFile)), Clock.systemUTC(), Master.Timings.DEFAULT);
        m.startGateway();
        master = m;
    }

    void stop(@Observes ShutdownEvent e) {
        Master m = master;
        if (m != null) m.close();
    }

    /**
     * The master's Prometheus metrics, for whoever serves them (the web listener's /metrics). A
     * producer rather than a bean of its own: the metrics belong to the master, which exists only
     * once started.
     */
    @jakarta.enterprise.inject.Produces
    @jakarta.enterprise.context.Dependent
    public io.jstate.master.metrics.Metrics metrics() {
        return master().metrics();
    }

    public Master master() {
        Master m = master;
        if (m == null) throw new IllegalStateException("the master is not started");
        return m;
    }
}
