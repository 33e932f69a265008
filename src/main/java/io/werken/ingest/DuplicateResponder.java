package io.werken.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.dedupe.DedupeStore;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.Workflow;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a repeated delivery, which publishes nothing: 200 with the original event id and status {@code duplicate}
 * once the original was accepted; 409 with {@code Retry-After} while the original is still being confirmed (it may
 * yet fail, and then the sender's retry must go through).
 */
public final class DuplicateResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateResponder.class);

    private final DedupeStore store;
    private final ObjectMapper json;
    private final int retryAfterSeconds;

    private final WerkenMetrics metrics;

    public DuplicateResponder(DedupeStore store, ObjectMapper json, int retryAfterSeconds, WerkenMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        String key = exchange.getProperty(ExchangeProperties.DEDUPE_KEY, String.class);
        String eventId = exchange.getProperty(ExchangeProperties.EVENT_ID, String.class);
        Workflow workflow = exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class);
        LogContext.event(eventId);
        if (!store.isConfirmed(key)) {
            throw new ProblemException(
                    ProblemType.DELIVERY_IN_PROGRESS,
                    "Event " + eventId + " for this delivery is still being accepted; retry after " + retryAfterSeconds
                            + " seconds.",
                    Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
        }
        LOG.info(
                "Duplicate delivery of event {} for workflow '{}' answered, nothing published", eventId, workflow.id());
        WebhookAccepted.duplicate(eventId, workflow.id()).answer(exchange.getMessage(), json, 200);
        metrics.webhook(workflow.id(), WerkenMetrics.DUPLICATE);
        LogContext.clear();
    }
}
