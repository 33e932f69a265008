package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.MessagePublisher;
import io.werken.dedupe.DedupeStore;
import io.werken.ingest.AcceptedResponder;
import io.werken.ingest.DedupeKeyConfirmer;
import io.werken.ingest.DedupeKeys;
import io.werken.ingest.DuplicateResponder;
import io.werken.ingest.EventPublisher;
import io.werken.ingest.PayloadSchemaCheck;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.TraceContextReader;
import io.werken.ingest.WebhookHeaderFilterStrategy;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import io.werken.workflow.CurrentWorkflows;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/** The ingest-webhook route's steps, in route order. */
@Configuration
public class IngestConfiguration implements CamelConfiguration {

    @BindToRegistry
    public TraceContextReader traceContextReader() {
        return new TraceContextReader();
    }

    /** Besides the configured headers, those the signature schemes and deduplication read. */
    @BindToRegistry
    public WebhookHeaderFilterStrategy webhookHeaderFilterStrategy(
            Settings settings, CurrentWorkflows currentWorkflows) {
        String allowedHeaders = settings.http().allowedHeaders();
        Set<String> configured = Arrays.stream(allowedHeaders.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        return WebhookHeaderFilterStrategy.forWorkflows(configured, currentWorkflows);
    }

    @BindToRegistry
    public WebhookRequestValidator webhookRequestValidator(Settings settings, CurrentWorkflows currentWorkflows) {
        int maxJsonDepth = settings.http().maxJsonDepth();
        int maxJsonNumberExponent = settings.http().maxJsonNumberExponent();
        return new WebhookRequestValidator(currentWorkflows, maxJsonDepth, maxJsonNumberExponent);
    }

    /**
     * Payload schema checks of webhooks whose route runs on the event loop run on these threads, a few, with a bounded
     * queue: a costly check never holds the event loop, and costly bodies can take no more CPU than these threads.
     */
    @BindToRegistry
    public PayloadSchemaCheck payloadSchemaCheck(Settings settings, CamelContext context) {
        int threads = settings.http().payloadCheckThreads();
        int queue = settings.http().payloadCheckQueue();
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder("werken-payload-check")
                .poolSize(threads)
                .maxPoolSize(threads)
                .maxQueueSize(queue)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                .build();
        ExecutorService checkThreads =
                context.getExecutorServiceManager().newThreadPool(this, "PayloadSchemaCheck", profile);
        return new PayloadSchemaCheck(checkThreads, retryAfterSeconds);
    }

    @BindToRegistry
    public DedupeKeys dedupeKeys() {
        return new DedupeKeys();
    }

    @BindToRegistry
    public DuplicateResponder duplicateResponder(
            Settings settings, DedupeStore dedupeStore, ObjectMapper werkenJson, WerkenMetrics werkenMetrics) {
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new DuplicateResponder(dedupeStore, werkenJson, retryAfterSeconds, werkenMetrics);
    }

    @BindToRegistry
    public ReceivedWebhookFactory receivedWebhookFactory(Clock clock) {
        return new ReceivedWebhookFactory(clock);
    }

    @BindToRegistry
    public EventPublisher eventPublisher(
            Settings settings, MessagePublisher publisher, ObjectMapper werkenJson, Clock clock) {
        String receivedQueue = settings.queues().received();
        return new EventPublisher(publisher, werkenJson, clock, receivedQueue);
    }

    @BindToRegistry
    public DedupeKeyConfirmer dedupeKeyConfirmer(DedupeStore dedupeStore) {
        return new DedupeKeyConfirmer(dedupeStore);
    }

    @BindToRegistry
    public AcceptedResponder acceptedResponder(ObjectMapper werkenJson, WerkenMetrics werkenMetrics) {
        return new AcceptedResponder(werkenJson, werkenMetrics);
    }
}
