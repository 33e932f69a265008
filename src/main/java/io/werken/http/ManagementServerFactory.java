package io.werken.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.werken.core.Ports;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.main.MainHttpServerFactory;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel main's management server, with the {@link ManagementAccessGuard} as the first handler of its router. camel-main
 * looks its server factory up in the registry before it falls back to platform-http-main's, but does so before it
 * loads Werken's configuration classes: {@code WerkenApplication.newMain()} binds this factory, and the server finds
 * the guard (bound by the configuration) when it starts. The guard goes on before Camel adds health, Jolokia or any
 * console, and before any platform-http route exists, so no request reaches them unguarded (until then the router
 * answers nothing but 404); without a guard in the registry the server refuses to start. Before the guard, each
 * connection gets its {@link ConnectionGuard} (body limit 413, body budget, request deadline, close after refusals).
 * After it, the web console ({@link ConsoleHandler}) at {@code /console/}.
 */
public final class ManagementServerFactory implements MainHttpServerFactory, CamelContextAware {

    /** The name {@code WerkenApplication} binds it under. */
    public static final String NAME = "managementServerFactory";

    private final DefaultMainHttpServerFactory camelDefaults = new DefaultMainHttpServerFactory();

    @Override
    public Service newHttpServer(CamelContext camelContext, HttpServerConfigurationProperties configuration) {
        return camelDefaults.newHttpServer(camelContext, configuration);
    }

    @Override
    public Service newHttpManagementServer(
            CamelContext camelContext, HttpManagementServerConfigurationProperties configuration) {
        // Camel's own set-up (bind address, SSL, authentication), carried over to the guarded server.
        ManagementHttpServer stock =
                (ManagementHttpServer) camelDefaults.newHttpManagementServer(camelContext, configuration);
        GuardedManagementHttpServer server = new GuardedManagementHttpServer();
        server.setCamelContext(camelContext);
        server.setConfiguration(stock.getConfiguration());
        server.setInfoEnabled(configuration.isInfoEnabled());
        server.setDevConsoleEnabled(configuration.isDevConsoleEnabled());
        server.setHealthCheckEnabled(configuration.isHealthCheckEnabled());
        server.setHealthPath(configuration.getHealthPath());
        server.setInfoPath(configuration.getInfoPath());
        server.setJolokiaEnabled(configuration.isJolokiaEnabled());
        server.setJolokiaPath(configuration.getJolokiaPath());
        server.setMetricsEnabled(configuration.isMetricsEnabled());
        server.setUploadEnabled(configuration.isUploadEnabled());
        server.setUploadSourceDir(configuration.getUploadSourceDir());
        server.setDownloadEnabled(configuration.isDownloadEnabled());
        server.setSendEnabled(configuration.isSendEnabled());
        // The webhook port's body limit, for the body handlers of the management routes (a dry run takes a webhook's
        // body); Vert.x's own default is 10 MB. HTTP/1.1 bodies meet it in the ConnectionGuard already.
        server.setMaxBodySize(
                Long.parseLong(camelContext.resolvePropertyPlaceholders("{{camel.server.max-body-size}}")));
        return server;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        camelDefaults.setCamelContext(camelContext);
    }

    @Override
    public CamelContext getCamelContext() {
        return camelDefaults.getCamelContext();
    }

    /** Camel's management server; its router gets the guard first, then Camel's consoles. */
    public static final class GuardedManagementHttpServer extends ManagementHttpServer {

        private static final Logger LOG = LoggerFactory.getLogger(GuardedManagementHttpServer.class);
        private static final String VERTX = "managementPortVertx";

        /**
         * Camel's server starts even when its port cannot be bound: the failed listen is only logged, with a stack
         * trace, on a Vert.x event loop. Its Vert.x is made here instead (with the same options), with a handler that
         * takes that failure, so that a taken port refuses Werken's start in the one line of a port found taken before.
         */
        @Override
        protected void doStart() throws Exception {
            AtomicReference<Throwable> bindFailure = new AtomicReference<>();
            VertxOptions options = CamelContextHelper.findSingleByType(getCamelContext(), VertxOptions.class);
            Vertx vertx = Vertx.vertx(options == null ? new VertxOptions() : options);
            vertx.exceptionHandler(e -> {
                if (Ports.isBindFailure(e)) {
                    bindFailure.set(e);
                } else {
                    LOG.error("Unhandled exception on the management port", e);
                }
            });
            // Camel's server looks its Vert.x up in the registry while it starts (and closes one it did not make when
            // it stops); unbound at once, so that the webhook server keeps a Vert.x of its own.
            getCamelContext().getRegistry().bind(VERTX, Vertx.class, vertx);
            try {
                super.doStart();
            } finally {
                getCamelContext().getRegistry().unbind(VERTX);
            }
            HttpServer listening =
                    getRouter() == null ? null : getRouter().getServer().getServer();
            if (bindFailure.get() != null || listening == null || listening.actualPort() <= 0) {
                throw Ports.inUse("WERKEN_MANAGEMENT_PORT", getHost(), getPort(), null);
            }
        }

        @Override
        protected void setupConsoles() {
            ManagementAccessGuard guard = getCamelContext().getRegistry().findSingleByType(ManagementAccessGuard.class);
            if (guard == null) {
                throw new IllegalStateException("No ManagementAccessGuard is bound: the management port stays closed");
            }
            ConnectionGuards limits = getCamelContext()
                    .getRegistry()
                    .lookupByNameAndType(ConnectionGuards.MANAGEMENT, ConnectionGuards.class);
            if (limits == null) {
                throw new IllegalStateException(
                        "No management ConnectionGuards are bound: the management port stays closed");
            }
            // Camel creates this port's server, so its connections get their guard at their first request: the same
            // body limit, body budget and request deadline as the webhook port, before the access guard or any body
            // handler reads a byte of the body.
            getRouter().route().order(Integer.MIN_VALUE).handler(ctx -> {
                if (limits.admit(ctx.request())) {
                    ctx.next();
                }
            });
            // The console's security headers go on before the guard, so that its refusals carry them too.
            getRouter().route().order(Integer.MIN_VALUE).handler(ConsoleHandler.securityHeaders());
            getRouter().route().order(Integer.MIN_VALUE).handler(guard);
            // A client that left mid-body, or a connection the ConnectionGuard closed: nobody is left to answer.
            getRouter().route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
                if (ConnectionGuard.connectionGone(ctx)) {
                    LOG.debug("Connection closed before the answer event_id=none path={}", ctx.normalizedPath());
                } else {
                    ctx.next();
                }
            });
            // After the guard: the console's session endpoint and files (no console when none is bound).
            ConsoleHandler console = getCamelContext().getRegistry().findSingleByType(ConsoleHandler.class);
            if (console != null) {
                console.mount(getRouter());
            }
            super.setupConsoles();
        }
    }
}
