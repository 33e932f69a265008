package io.werken.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.BrokerHealthCheck;
import io.werken.broker.BrokerTopology;
import io.werken.broker.ConfirmedPublisher;
import io.werken.broker.QueueType;
import io.werken.dispatch.ActionPlanner;
import io.werken.dispatch.DispatchRetryLogger;
import io.werken.http.HttpErrorPages;
import io.werken.http.ProblemResponder;
import io.werken.http.WebhookHttpEngine;
import io.werken.http.WebhookHttpServer;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookHeaderFilterStrategy;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.InvalidWorkflowsException;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowCatalogHealthCheck;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Werken's beans, built from the {@code werken.*} keys of {@code application.properties}. Routes refer to them by
 * the names given here.
 * <p>
 * Camel binds these methods in an order of its own: methods without parameters first, then those whose parameters
 * no other parameterised method returns. A bean may therefore depend on beans of the first two kinds only; one
 * that needs another dependent bean looks it up when used (see {@code BrokerHealthCheck}).
 */
@Configuration
public class WerkenConfiguration implements CamelConfiguration {

    @BindToRegistry
    public Clock clock() {
        return Clock.systemUTC();
    }

    @BindToRegistry
    public ObjectMapper werkenJson() {
        return WerkenJson.mapper();
    }

    @BindToRegistry
    public WorkflowCatalog workflowCatalog(@PropertyInject("werken.workflows") String location, CamelContext context) {
        String uri = location.contains(":") && !location.matches("^[A-Za-z]:\\\\.*") ? location : "file:" + location;
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource(uri);
        if (resource == null || !resource.exists()) {
            throw new InvalidWorkflowsException("Workflows file " + location + " does not exist (set WERKEN_WORKFLOWS)");
        }
        try (InputStream in = resource.getInputStream()) {
            return WorkflowCatalog.load(location, in);
        } catch (IOException e) {
            throw new InvalidWorkflowsException("Cannot read workflows file " + location + ": " + e.getMessage(), e);
        }
    }

    @BindToRegistry
    public WorkflowCatalogHealthCheck workflowsHealthCheck(WorkflowCatalog workflowCatalog) {
        return new WorkflowCatalogHealthCheck(workflowCatalog);
    }

    // ---- RabbitMQ ------------------------------------------------------------------------------

    @BindToRegistry(destroyMethod = "destroy")
    public CachingConnectionFactory rabbitConnectionFactory(
            @PropertyInject("werken.rabbitmq.uri") String uri,
            @PropertyInject("werken.rabbitmq.channel-cache-size") int channelCacheSize,
            @PropertyInject("werken.rabbitmq.connection-timeout-ms") int connectionTimeoutMs) {
        CachingConnectionFactory factory = new CachingConnectionFactory(URI.create(uri));
        // Correlated confirms and returns: a publish counts only once the broker confirmed and routed it.
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        factory.setChannelCacheSize(channelCacheSize);
        factory.setConnectionTimeout(connectionTimeoutMs);
        factory.setConnectionNameStrategy(cf -> "werken");
        return factory;
    }

    @BindToRegistry
    public BrokerTopology brokerTopology(
            CachingConnectionFactory rabbitConnectionFactory,
            @PropertyInject("werken.queue.received") String receivedQueue,
            @PropertyInject("werken.queue.actions") String actionsQueue,
            @PropertyInject("werken.queue.dead-letter-exchange") String deadLetterExchange,
            @PropertyInject("werken.queue.type") String queueType) {
        BrokerTopology topology = new BrokerTopology(rabbitConnectionFactory, receivedQueue, actionsQueue,
                deadLetterExchange, QueueType.parse(queueType));
        topology.declareAtStartup(rabbitConnectionFactory);
        return topology;
    }

    @BindToRegistry
    public ConfirmedPublisher confirmedPublisher(
            CachingConnectionFactory rabbitConnectionFactory,
            @PropertyInject("werken.rabbitmq.confirm-timeout-ms") long confirmTimeoutMs) {
        return new ConfirmedPublisher(rabbitConnectionFactory, Duration.ofMillis(confirmTimeoutMs));
    }

    @BindToRegistry
    public BrokerHealthCheck brokerHealthCheck(CachingConnectionFactory rabbitConnectionFactory) {
        return new BrokerHealthCheck(rabbitConnectionFactory);
    }

    @BindToRegistry
    public AmqpMessages amqpMessages(ObjectMapper werkenJson, Clock clock) {
        return new AmqpMessages(werkenJson, clock);
    }

    // ---- Ingest (HTTP) -------------------------------------------------------------------------

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
            CamelContext context) throws Exception {
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(host);
        configuration.setBindPort(port);
        configuration.setMaxBodySize(maxBodyBytes);
        // Webhooks are JSON: never store uploads (HttpErrorPages also refuses form bodies before the body handler).
        configuration.getBodyHandler().setHandleFileUploads(false);
        WebhookHttpServer server = new WebhookHttpServer(configuration,
                new WebhookHttpServer.Limits(maxRequestLineBytes, maxHeaderBytes, idleTimeoutSeconds), WerkenJson.mapper());
        server.setCamelContext(context);
        context.addService(server, true, false);
        return server;
    }

    /** Bound under the name platform-http looks its engine up by. */
    @BindToRegistry("platform-http-engine")
    public WebhookHttpEngine webhookHttpEngine(@PropertyInject("camel.server.port") int port) {
        return new WebhookHttpEngine(port);
    }

    @BindToRegistry
    public WebhookHeaderFilterStrategy webhookHeaderFilterStrategy(
            @PropertyInject("werken.http.allowed-headers") String allowedHeaders) {
        Set<String> names = Arrays.stream(allowedHeaders.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        return new WebhookHeaderFilterStrategy(names);
    }

    @BindToRegistry
    public WebhookRequestValidator webhookRequestValidator(
            WorkflowCatalog workflowCatalog, @PropertyInject("werken.http.max-json-depth") int maxJsonDepth) {
        return new WebhookRequestValidator(workflowCatalog, maxJsonDepth);
    }

    @BindToRegistry
    public ReceivedWebhookFactory receivedWebhookFactory(Clock clock) {
        return new ReceivedWebhookFactory(clock);
    }

    @BindToRegistry
    public ProblemResponder problemResponder(
            ObjectMapper werkenJson, @PropertyInject("werken.http.retry-after-seconds") int retryAfterSeconds) {
        return new ProblemResponder(werkenJson, retryAfterSeconds);
    }

    @BindToRegistry
    public HttpErrorPages httpErrorPages(
            ObjectMapper werkenJson,
            @PropertyInject("camel.server.max-body-size") long maxBodyBytes,
            @PropertyInject("werken.http.max-header-count") int maxHeaderCount,
            @PropertyInject("werken.http.retry-after-seconds") int retryAfterSeconds) {
        return new HttpErrorPages(werkenJson, maxBodyBytes, maxHeaderCount, retryAfterSeconds);
    }

    // ---- Dispatch ------------------------------------------------------------------------------

    @BindToRegistry
    public DispatchRetryLogger dispatchRetryLogger() {
        return new DispatchRetryLogger();
    }

    @BindToRegistry
    public ActionPlanner actionPlanner(WorkflowCatalog workflowCatalog, ObjectMapper werkenJson) {
        return new ActionPlanner(workflowCatalog, werkenJson);
    }
}
