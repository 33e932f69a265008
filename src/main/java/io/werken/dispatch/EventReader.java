package io.werken.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.ReceivedWebhook;
import io.werken.core.TraceContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;

/**
 * Keeps what a dead letter of the event needs ({@link ExchangeProperties#MESSAGE_ID},
 * {@link ExchangeProperties#TRACEPARENT}, {@link ExchangeProperties#ENVELOPE}), drops the AMQP headers, and reads the
 * event envelope consumed from {@code received_webhooks} (the body, as bytes) back into the
 * {@link ReceivedWebhook} ingest wrote, kept in {@link ExchangeProperties#EVENT} (the body stays the envelope) with
 * its payload parsed and as the exact bytes the envelope carries ({@link ReceivedWebhook#payloadBytes()}), and
 * continues its trace ({@link ExchangeProperties#TRACE}); from here on the dispatch's log lines carry both ids.
 * An envelope that is not one cannot be dispatched by any retry: {@link UndispatchableEventException}. A redelivered
 * event goes to the {@link DeliveryCounter} first, before anything of it is read: re-queued with its count (the
 * route then stops, and the delivery is acknowledged), or dead-lettered past the delivery limit.
 */
public final class EventReader implements Processor {

    private final ObjectMapper json;
    /** Reads one value at a time from the envelope's parser, leaving the rest of the envelope to read. */
    private final ObjectReader trees;

    private final DeliveryCounter deliveries;

    public EventReader(ObjectMapper json) {
        this(json, DeliveryCounter.off());
    }

    public EventReader(ObjectMapper json, DeliveryCounter deliveries) {
        this.json = json;
        this.trees = json.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.deliveries = deliveries;
    }

    @Override
    public void process(Exchange exchange) {
        // First what a dead letter needs, before anything here can fail: the AMQP message id, the traceparent and the
        // envelope's exact bytes. Then no AMQP header goes further (nor into an action message).
        Message in = exchange.getMessage();
        String messageId = in.getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class);
        String traceparent = in.getHeader(TraceContext.HEADER, String.class);
        exchange.setProperty(ExchangeProperties.MESSAGE_ID, messageId);
        exchange.setProperty(ExchangeProperties.TRACEPARENT, traceparent);
        byte[] envelope = in.getBody(byte[].class);
        exchange.setProperty(ExchangeProperties.ENVELOPE, envelope);

        // The event's trace, continued with the dispatch's span; an event without one (accepted before Werken passed
        // traces on, or put there by hand) starts a new trace.
        TraceContext trace = TraceContext.continueOrStart(traceparent);
        exchange.setProperty(ExchangeProperties.TRACE, trace);
        LogContext.begin(exchange, trace);
        LogContext.event(messageId);
        // A redelivered event may be what killed the last process that read it: counted before it is read.
        if (!deliveries.dispatchNow(in, envelope, messageId, traceparent)) {
            exchange.setRouteStop(true);
            return;
        }
        in.removeHeaders("*");
        in.setBody(envelope);
        ReceivedWebhook event = read(envelope == null ? new byte[0] : envelope);
        exchange.setProperty(ExchangeProperties.EVENT, event);
        LogContext.event(event.eventId());
    }

    ReceivedWebhook read(byte[] envelope) {
        ObjectNode event = json.getNodeFactory().objectNode();
        // Where the last "payload" value lies in the envelope: its bytes exactly as ingest wrote them (the body as the
        // sender wrote it), which the journal keeps.
        int payloadStart = -1;
        int payloadEnd = -1;
        try (JsonParser parser = json.createParser(envelope)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new UndispatchableEventException(DeadLetterReason.INVALID_EVENT, "Envelope is not a JSON object");
            }
            // The envelope read field by field, each value as readTree would read it, with the payload's offsets.
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                boolean payload = "payload".equals(name);
                long start = payload ? parser.currentTokenLocation().getByteOffset() : -1;
                event.set(
                        name,
                        value == JsonToken.VALUE_STRING
                                ? json.getNodeFactory().textNode(parser.getText())
                                : trees.<JsonNode>readTree(parser));
                if (payload) {
                    payloadStart = (int) start;
                    payloadEnd = (int) parser.currentLocation().getByteOffset();
                }
            }
        } catch (IOException e) {
            throw new UndispatchableEventException(
                    DeadLetterReason.INVALID_EVENT, "Envelope is not valid JSON: " + e.getMessage());
        }
        String eventId = requiredText(event, "event_id");
        String workflowId = requiredText(event, "workflow_id");
        String receivedAt = requiredText(event, "received_at");
        JsonNode payload = event.get("payload");
        if (payload == null) {
            throw new UndispatchableEventException(
                    DeadLetterReason.INVALID_EVENT, "Envelope " + eventId + " has no \"payload\"");
        }
        JsonNode revision = event.get("workflow_revision");
        JsonNode replayOf = event.get("replay_of");
        JsonNode definition = event.get("workflow_definition");
        if (definition != null && !definition.isObject()) {
            throw new UndispatchableEventException(
                    DeadLetterReason.INVALID_EVENT,
                    "Envelope " + eventId + " has a \"workflow_definition\" that is not an object");
        }
        return new ReceivedWebhook(
                eventId,
                workflowId,
                revision == null || !revision.isTextual() ? null : revision.asText(),
                receivedAt,
                headers(event, eventId),
                payload,
                replayOf == null || !replayOf.isTextual() ? null : replayOf.asText(),
                definition,
                Arrays.copyOfRange(envelope, payloadStart, payloadEnd));
    }

    /** The headers the workflow read; an event without them (written before they existed) has none. */
    private static Map<String, String> headers(JsonNode event, String eventId) {
        JsonNode headers = event.get("headers");
        if (headers == null || headers.isNull() || headers.isEmpty()) {
            return Map.of();
        }
        if (!headers.isObject()) {
            throw new UndispatchableEventException(
                    DeadLetterReason.INVALID_EVENT, "Envelope " + eventId + " has \"headers\" that are not an object");
        }
        Map<String, String> values = new TreeMap<>();
        for (Map.Entry<String, JsonNode> header : headers.properties()) {
            if (!header.getValue().isTextual()) {
                throw new UndispatchableEventException(
                        DeadLetterReason.INVALID_EVENT, "Envelope " + eventId + " has a header that is not a string");
            }
            values.put(header.getKey(), header.getValue().textValue());
        }
        return values;
    }

    private static String requiredText(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new UndispatchableEventException(
                    DeadLetterReason.INVALID_EVENT, "Envelope has no \"" + field + "\" string");
        }
        return value.asText();
    }
}
