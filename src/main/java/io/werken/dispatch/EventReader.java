package io.werken.dispatch;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Reads the event envelope consumed from {@code received_webhooks} (the body, as bytes) back into the
 * {@link ReceivedWebhook} ingest wrote, kept in {@link ExchangeProperties#EVENT} (the body stays the envelope).
 * An envelope that is not one cannot be dispatched by any retry: {@link UndispatchableEventException}.
 */
public final class EventReader implements Processor {

    private final ObjectMapper json;

    public EventReader(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        ReceivedWebhook event = read(exchange.getMessage().getBody(byte[].class));
        exchange.setProperty(ExchangeProperties.EVENT, event);
    }

    private ReceivedWebhook read(byte[] envelope) {
        JsonNode event;
        try {
            event = json.readTree(envelope);
        } catch (IOException e) {
            throw new UndispatchableEventException("Envelope is not valid JSON: " + e.getMessage());
        }
        if (event == null || !event.isObject()) {
            throw new UndispatchableEventException("Envelope is not a JSON object");
        }
        String eventId = requiredText(event, "event_id");
        String workflowId = requiredText(event, "workflow_id");
        String receivedAt = requiredText(event, "received_at");
        JsonNode payload = event.get("payload");
        if (payload == null) {
            throw new UndispatchableEventException("Envelope " + eventId + " has no \"payload\"");
        }
        return new ReceivedWebhook(eventId, workflowId, receivedAt, headers(event, eventId), payload);
    }

    /** The headers the workflow read; an event without them (written before they existed) has none. */
    private static Map<String, String> headers(JsonNode event, String eventId) {
        JsonNode headers = event.get("headers");
        if (headers == null || headers.isNull() || headers.isEmpty()) {
            return Map.of();
        }
        if (!headers.isObject()) {
            throw new UndispatchableEventException("Envelope " + eventId + " has \"headers\" that are not an object");
        }
        Map<String, String> values = new TreeMap<>();
        for (Map.Entry<String, JsonNode> header : headers.properties()) {
            if (!header.getValue().isTextual()) {
                throw new UndispatchableEventException("Envelope " + eventId + " has a header that is not a string");
            }
            values.put(header.getKey(), header.getValue().textValue());
        }
        return values;
    }

    private static String requiredText(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new UndispatchableEventException("Envelope has no \"" + field + "\" string");
        }
        return value.asText();
    }
}
