package io.jstate.master;

import io.jstate.common.config.MasterConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import io.jstate.master.web.WebServer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Holds the master for Quarkus: opened and its gateway started at startup, closed at shutdown. */
@ApplicationScoped
public class MasterBean {
    @ConfigProperty(name = "jstate.config")
    String configFile;

    @Inject
    Vertx vertx;

    private volatile Master master;
    private volatile WebServer web;

    void start(@Observes StartupEvent e) {
        Master m = Master.open(MasterConfig.load(Path.of(configFile)), Clock.systemUTC(), Master.Timings.DEFAULT);
        m.startGateway();
        master = m;
        WebServer w = new WebServer(vertx, m, Clock.systemUTC(), m.metrics()::scrape);
        w.start();
        web = w;
    }

    void stop(@Observes ShutdownEvent e) {
        WebServer w = web;
        if (w != null) w.close();
        Master m = master;
        if (m != null) m.close();
    }

    /** The web dashboard's listener (tests ask for its port). */
    public WebServer web() {
        return web;
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

    /**
     * The admin certificate check, for the admin API's filter. Produced from the started master, as
     * the metrics are, so the filter needs nothing else of this bean.
     */
    @jakarta.enterprise.inject.Produces
    @jakarta.enterprise.context.Dependent
    public io.jstate.master.admin.AdminCertificate adminCertificate() {
        return new io.jstate.master.admin.AdminCertificate(master().pki().admin());
    }

    public Master master() {
        Master m = master;
        if (m == null) throw new IllegalStateException("the master is not started");
        return m;
    }
}
