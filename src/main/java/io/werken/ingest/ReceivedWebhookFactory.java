package io.werken.ingest;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.Workflow;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Gives a validated webhook its identity: the event id (a deduplicated delivery's deterministic one, else a new
 * random one) and the time it was received, as the {@link ReceivedWebhook} in {@link ExchangeProperties#EVENT}.
 */
public final class ReceivedWebhookFactory implements Processor {

    private final Clock clock;

    public ReceivedWebhookFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        ReceivedWebhook event = create(exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class),
                exchange.getMessage().getBody(JsonNode.class),
                exchange.getProperty(ExchangeProperties.EVENT_ID, String.class));
        exchange.setProperty(ExchangeProperties.EVENT, event);
    }

    /** With {@code eventId} the id a deduplicated delivery always gets (see DedupeKeys); null for a new random one. */
    public ReceivedWebhook create(Workflow workflow, JsonNode payload, String eventId) {
        return new ReceivedWebhook(eventId != null ? eventId : UUID.randomUUID().toString(), workflow.id(),
                DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)), payload);
    }
}
