package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.VertxOptions;
import io.werken.dedupe.DedupeStore;
import io.werken.http.ConnectionGuards;
import io.werken.http.HttpErrorPages;
import io.werken.http.InflightBodies;
import io.werken.http.ProblemResponder;
import io.werken.http.WebhookHttpEngine;
import io.werken.http.WebhookHttpServer;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import io.werken.workflow.CurrentWorkflows;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

/** The webhook port: its Vert.x server with Werken's limits, the edge's problem pages, and the HTTP routes' errors. */
@Configuration
public class HttpConfiguration implements CamelConfiguration {

    /**
     * The Vert.x behind the HTTP servers. platform-http runs each request's route on a Vert.x worker thread, which
     * waits there for the broker's confirm: the pool must hold every request in flight (Vert.x's default is 20).
     */
    @BindToRegistry
    public VertxOptions vertxOptions(Settings settings) {
        int workerThreads = settings.http().workerThreads();
        return new VertxOptions().setWorkerPoolSize(workerThreads);
    }

    /**
     * The webhook port's server, in place of camel-platform-http-main's (camel.server.enabled=false) so that its
     * connection limits can be set; it reads the same camel.server.* keys.
     */
    @BindToRegistry
    public WebhookHttpServer webhookHttpServer(
            Settings settings,
            ObjectMapper werkenJson,
            WerkenMetrics werkenMetrics,
            RecentRefusals recentRefusals,
            CamelContext context)
            throws Exception {
        String host = settings.http().host();
        int port = settings.http().port();
        long maxBodyBytes = settings.http().maxBodyBytes();
        int maxRequestLineBytes = settings.http().maxRequestLineBytes();
        int maxHeaderBytes = settings.http().maxHeaderBytes();
        int idleTimeoutSeconds = settings.http().idleTimeoutSeconds();
        int maxConnections = settings.http().maxConnections();
        int maxManagementConnections = settings.management().maxConnections();
        long maxInflightBodyBytes = settings.http().maxInflightBodyBytes();
        int requestTimeoutSeconds = settings.http().requestTimeoutSeconds();
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        // One body budget for both ports, as they share one heap; each port counts its own connections. Made here
        // rather than as beans of their own, which this server would depend on in an order Camel does not promise.
        InflightBodies bodies = new InflightBodies(maxInflightBodyBytes, maxConnections);
        ConnectionGuards guards = new ConnectionGuards(
                "webhook",
                maxConnections,
                maxBodyBytes,
                requestTimeoutSeconds,
                retryAfterSeconds,
                bodies,
                werkenJson,
                werkenMetrics,
                recentRefusals);
        // The management port's guards: the same limits (a dry run takes a webhook's body), found by its server.
        ConnectionGuards management = new ConnectionGuards(
                "management",
                maxManagementConnections,
                maxBodyBytes,
                requestTimeoutSeconds,
                retryAfterSeconds,
                bodies,
                werkenJson,
                null,
                null);
        context.getRegistry().bind(ConnectionGuards.MANAGEMENT, management);
        Gauge.builder("werken.http.inflight.body.bytes", bodies, InflightBodies::reserved)
                .description(
                        "Request-body bytes reserved by unfinished requests (limit: WERKEN_MAX_INFLIGHT_BODY_BYTES)")
                .register(werkenMetrics.registry());
        Gauge.builder("werken.http.connections", guards, ConnectionGuards::openConnections)
                .tag("port", "webhook")
                .description("Connections open, by port")
                .register(werkenMetrics.registry());
        Gauge.builder("werken.http.connections", management, ConnectionGuards::openConnections)
                .tag("port", "management")
                .description("Connections open, by port")
                .register(werkenMetrics.registry());
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(host);
        configuration.setBindPort(port);
        configuration.setMaxBodySize(maxBodyBytes);
        // Webhooks are JSON: never store uploads (HttpErrorPages also refuses form bodies before the body handler).
        configuration.getBodyHandler().setHandleFileUploads(false);
        // A body of known length up to 64 KiB gets a buffer of its size at once, rather than one that doubles to it.
        configuration.getBodyHandler().setPreallocateBodyBuffer(true);
        WebhookHttpServer server = new WebhookHttpServer(
                configuration,
                new WebhookHttpServer.Limits(maxRequestLineBytes, maxHeaderBytes, idleTimeoutSeconds),
                werkenJson,
                guards,
                recentRefusals);
        server.setCamelContext(context);
        context.addService(server, true, false);
        return server;
    }

    /** Bound under the name platform-http looks its engine up by, not after its class. */
    @BindToRegistry("platform-http-engine")
    public WebhookHttpEngine webhookHttpEngine(
            Settings settings, DedupeStore dedupeStore, CurrentWorkflows currentWorkflows) {
        int port = settings.http().port();
        // Only a webhook whose workflow deduplicates with a remote store waits on the network before its publish.
        return new WebhookHttpEngine(
                port,
                request -> dedupeStore.isRemote()
                        && currentWorkflows
                                .find(request.pathParam(WebhookRequestValidator.WORKFLOW_ID_HEADER))
                                .map(workflow -> workflow.dedupe() != null)
                                .orElse(false));
    }

    @BindToRegistry
    public HttpErrorPages httpErrorPages(
            Settings settings, ObjectMapper werkenJson, WerkenMetrics werkenMetrics, RecentRefusals recentRefusals) {
        long maxBodyBytes = settings.http().maxBodyBytes();
        int maxHeaderCount = settings.http().maxHeaderCount();
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new HttpErrorPages(
                werkenJson, maxBodyBytes, maxHeaderCount, retryAfterSeconds, werkenMetrics, recentRefusals);
    }

    @BindToRegistry
    public ProblemResponder problemResponder(
            Settings settings, ObjectMapper werkenJson, WerkenMetrics werkenMetrics, RecentRefusals recentRefusals) {
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new ProblemResponder(werkenJson, retryAfterSeconds, werkenMetrics, recentRefusals);
    }
}
