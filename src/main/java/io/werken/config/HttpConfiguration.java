package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.VertxOptions;
import io.werken.dedupe.DedupeStore;
import io.werken.http.HttpErrorPages;
import io.werken.http.ProblemResponder;
import io.werken.metrics.WerkenMetrics;
import io.werken.http.WebhookHttpEngine;
import io.werken.http.WebhookHttpServer;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.CurrentWorkflows;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

/** The webhook port: its Vert.x server with Werken's limits, the edge's problem pages, and the HTTP routes' errors. */
@Configuration
public class HttpConfiguration implements CamelConfiguration {

    /**
     * The Vert.x behind the HTTP servers. platform-http runs each request's route on a Vert.x worker thread, which
     * waits there for the broker's confirm: the pool must hold every request in flight (Vert.x's default is 20).
     */
    @BindToRegistry
    public VertxOptions vertxOptions(@PropertyInject("werken.http.worker-threads") int workerThreads) {
        return new VertxOptions().setWorkerPoolSize(workerThreads);
    }

    /**
     * The webhook port's server, in place of camel-platform-http-main's (camel.server.enabled=false) so that its
     * connection limits can be set; it reads the same camel.server.* keys.
     */
    @BindToRegistry
    public WebhookHttpServer webhookHttpServer(
            @PropertyInject("camel.server.host") String host,
            @PropertyInject("camel.server.port") int port,
            @PropertyInject("camel.server.max-body-size") long maxBodyBytes,
            @PropertyInject("werken.http.max-request-line-bytes") int maxRequestLineBytes,
            @PropertyInject("werken.http.max-header-bytes") int maxHeaderBytes,
            @PropertyInject("werken.http.idle-timeout-seconds") int idleTimeoutSeconds,
            ObjectMapper werkenJson,
            CamelContext context) throws Exception {
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(host);
        configuration.setBindPort(port);
        configuration.setMaxBodySize(maxBodyBytes);
        // Webhooks are JSON: never store uploads (HttpErrorPages also refuses form bodies before the body handler).
        configuration.getBodyHandler().setHandleFileUploads(false);
        WebhookHttpServer server = new WebhookHttpServer(configuration,
                new WebhookHttpServer.Limits(maxRequestLineBytes, maxHeaderBytes, idleTimeoutSeconds), werkenJson);
        server.setCamelContext(context);
        context.addService(server, true, false);
        return server;
    }

    /** Bound under the name platform-http looks its engine up by, not after its class. */
    @BindToRegistry("platform-http-engine")
    public WebhookHttpEngine webhookHttpEngine(@PropertyInject("camel.server.port") int port, DedupeStore dedupeStore,
                                               CurrentWorkflows currentWorkflows) {
        // Only a webhook whose workflow deduplicates with a remote store waits on the network before its publish.
        return new WebhookHttpEngine(port, request -> dedupeStore.isRemote() && currentWorkflows
                .find(request.pathParam(WebhookRequestValidator.WORKFLOW_ID_HEADER))
                .map(workflow -> workflow.dedupe() != null).orElse(false));
    }

    @BindToRegistry
    public HttpErrorPages httpErrorPages(
            ObjectMapper werkenJson,
            @PropertyInject("camel.server.max-body-size") long maxBodyBytes,
            @PropertyInject("werken.http.max-header-count") int maxHeaderCount,
            @PropertyInject("werken.http.retry-after-seconds") int retryAfterSeconds,
            WerkenMetrics werkenMetrics) {
        return new HttpErrorPages(werkenJson, maxBodyBytes, maxHeaderCount, retryAfterSeconds, werkenMetrics);
    }

    @BindToRegistry
    public ProblemResponder problemResponder(
            ObjectMapper werkenJson, @PropertyInject("werken.http.retry-after-seconds") int retryAfterSeconds,
            WerkenMetrics werkenMetrics) {
        return new ProblemResponder(werkenJson, retryAfterSeconds, werkenMetrics);
    }
}
