package io.werken.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.BrokerHealthCheck;
import io.werken.broker.BrokerTopology;
import io.werken.broker.ConfirmedPublisher;
import io.werken.broker.QueueType;
import io.werken.dedupe.DedupeKeys;
import io.werken.dedupe.DedupeStore;
import io.werken.dedupe.DuplicateResponder;
import io.werken.dedupe.MemoryDedupeStore;
import io.werken.dedupe.RedisDedupeStore;
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
import io.vertx.core.VertxOptions;
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
            @PropertyInject("werken.rabbitmq.connection-timeout-ms") int connectionTimeoutMs,
            @PropertyInject("werken.dispatch.consumers") int dispatchConsumers) {
        CachingConnectionFactory factory = new CachingConnectionFactory(URI.create(uri));
        // Correlated confirms and returns: a publish counts only once the broker confirmed and routed it.
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        factory.setConnectionTimeout(connectionTimeoutMs);
        // The dispatch consumers (Spring's direct listener container) run on this pool, and each holds its thread
        // while its event's actions are confirmed: one thread per consumer, or they queue behind each other (the
        // AMQP client's default pool has only twice as many threads as there are cores).
        AtomicInteger threads = new AtomicInteger();
        factory.setExecutor(Executors.newFixedThreadPool(dispatchConsumers, task -> {
            Thread thread = new Thread(task, "werken-dispatch-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }));
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

    @BindToRegistry(destroyMethod = "close")
    public ConfirmedPublisher confirmedPublisher(
            CachingConnectionFactory rabbitConnectionFactory,
            @PropertyInject("werken.rabbitmq.confirm-timeout-ms") long confirmTimeoutMs,
            @PropertyInject("werken.rabbitmq.publisher-channels") int publisherChannels) {
        return new ConfirmedPublisher(rabbitConnectionFactory, Duration.ofMillis(confirmTimeoutMs), publisherChannels);
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

    /** Besides the configured headers, those the signature schemes and deduplication read. */
    @BindToRegistry
    public WebhookHeaderFilterStrategy webhookHeaderFilterStrategy(
            @PropertyInject("werken.http.allowed-headers") String allowedHeaders, WorkflowCatalog workflowCatalog) {
        Set<String> configured = Arrays.stream(allowedHeaders.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        return WebhookHeaderFilterStrategy.forWorkflows(configured, workflowCatalog);
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

    // ---- Dedupe --------------------------------------------------------------------------------

    /** The idempotent repository of the ingest route's idempotentConsumer: in memory, or shared in Redis. */
    @BindToRegistry(value = "dedupeRepository", destroyMethod = "close")
    public DedupeStore dedupeRepository(
            @PropertyInject("werken.dedupe.store") String store,
            @PropertyInject("werken.dedupe.window-seconds") long windowSeconds,
            @PropertyInject("werken.dedupe.pending-seconds") long pendingSeconds,
            @PropertyInject("werken.dedupe.max-entries") long maxEntries,
            @PropertyInject("werken.redis.uri") String redisUri,
            @PropertyInject("werken.dedupe.redis-key-prefix") String redisKeyPrefix,
            @PropertyInject("werken.rabbitmq.confirm-timeout-ms") long confirmTimeoutMs) {
        Duration window = Duration.ofSeconds(windowSeconds);
        Duration pending = Duration.ofSeconds(pendingSeconds);
        if (pending.toMillis() <= confirmTimeoutMs) {
            // A reservation that expires while its publish may still be confirmed would let a repeat make a second event.
            throw new StartupRefusedException("WERKEN_DEDUPE_PENDING_SECONDS (" + pendingSeconds + ") must be longer "
                                              + "than WERKEN_CONFIRM_TIMEOUT_MS (" + confirmTimeoutMs + " ms)");
        }
        return switch (store.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "memory" -> new MemoryDedupeStore(window, pending, maxEntries);
            case "redis" -> {
                try {
                    yield RedisDedupeStore.connect(redisUri, redisKeyPrefix, window, pending);
                } catch (IllegalArgumentException e) {
                    throw new StartupRefusedException(e.getMessage());
                }
            }
            default -> throw new StartupRefusedException(
                    "WERKEN_DEDUPE_STORE is '" + store + "'; it must be memory or redis");
        };
    }

    @BindToRegistry
    public DedupeKeys dedupeKeys() {
        return new DedupeKeys();
    }

    @BindToRegistry
    public DuplicateResponder duplicateResponder(
            DedupeStore dedupeRepository, ObjectMapper werkenJson,
            @PropertyInject("werken.http.retry-after-seconds") int retryAfterSeconds) {
        return new DuplicateResponder(dedupeRepository, werkenJson, retryAfterSeconds);
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
