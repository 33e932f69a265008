package io.werken.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.RandomIds;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.Workflow;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Gives a validated webhook its identity: the event id (a deduplicated delivery's deterministic one, else a new
 * random one) and the time it was received, as the {@link ReceivedWebhook} in {@link ExchangeProperties#EVENT}, with
 * the payload both parsed (the body) and as the bytes the sender wrote ({@link ExchangeProperties#PAYLOAD_BYTES}),
 * which its envelope carries unchanged.
 */
public final class ReceivedWebhookFactory implements Processor {

    private final Clock clock;

    public ReceivedWebhookFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Workflow workflow = exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class);
        ReceivedWebhook event = create(
                workflow,
                exchange.getMessage().getBody(JsonNode.class),
                exchange.getProperty(ExchangeProperties.PAYLOAD_BYTES, byte[].class),
                exchange.getProperty(ExchangeProperties.EVENT_ID, String.class),
                workflowHeaders(workflow, exchange.getMessage()));
        exchange.setProperty(ExchangeProperties.EVENT, event);
        LogContext.event(event.eventId());
    }

    /**
     * With {@code eventId} the id a deduplicated delivery always gets (see DedupeKeys); null for a new time-ordered one
     * ({@link RandomIds#timeOrdered}, of the millisecond it was received).
     * {@code headers} are the request headers the workflow reads, by lower-case name.
     */
    public ReceivedWebhook create(Workflow workflow, JsonNode payload, String eventId, Map<String, String> headers) {
        return create(workflow, payload, null, eventId, headers);
    }

    /**
     * As {@link #create(Workflow, JsonNode, String, Map)}, with {@code payloadBytes} the JSON value of the body exactly
     * as sent, which the envelope then carries instead of writing {@code payload} anew (null: written from the tree).
     */
    public ReceivedWebhook create(
            Workflow workflow, JsonNode payload, byte[] payloadBytes, String eventId, Map<String, String> headers) {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new ReceivedWebhook(
                eventId != null ? eventId : RandomIds.timeOrdered(receivedAt.toEpochMilli()),
                workflow.id(),
                workflow.revision(),
                DateTimeFormatter.ISO_INSTANT.format(receivedAt),
                headers,
                payload,
                null,
                null,
                payloadBytes);
    }

    /**
     * The request headers the workflow lists that the request carried, by lower-case name; a header sent several
     * times is joined with ", " (as HTTP folds it).
     */
    public static Map<String, String> workflowHeaders(Workflow workflow, Message message) {
        if (workflow.headers().isEmpty()) {
            return Map.of();
        }
        Map<String, String> headers = new TreeMap<>();
        for (String name : workflow.headers()) {
            List<String> values = message instanceof HttpMessage http && http.getRequest() != null
                    ? http.getRequest().headers().getAll(name)
                    : valuesOf(message.getHeader(name));
            if (!values.isEmpty()) {
                headers.put(name, String.join(", ", values));
            }
        }
        return headers;
    }

    private static List<String> valuesOf(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Iterable<?> many) {
            List<String> values = new ArrayList<>();
            many.forEach(v -> values.add(String.valueOf(v)));
            return values;
        }
        return List.of(value.toString());
    }
}
