package io.werken.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Map;

/**
 * The event envelope Werken puts on {@code received_webhooks} for each accepted webhook (documented in the README):
 * the contract between the two paths, written by ingest ({@code ReceivedWebhookFactory}) and read back by dispatch
 * ({@code EventReader}). Jackson writes it with {@link ReceivedWebhookSerializer}: the payload as
 * {@code payloadBytes} when the event has them.
 *
 * @param eventId    unique id of this accepted webhook; also the AMQP {@code message_id}
 * @param workflowId the workflow named in the URL
 * @param workflowRevision the revision of the workflows file the webhook was accepted under (its signature, dedupe
 *                   rule, headers and payload schema); null in events written before revisions existed
 * @param receivedAt when Werken accepted it, ISO-8601 UTC
 * @param headers    the request headers the workflow lists ({@code "headers"}), by lower-case name; only those the
 *                   request carried
 * @param payload    the webhook body, parsed
 * @param replayOf   for a replay, the event it replays (absent otherwise)
 * @param workflowDefinition for a replay on its original revision, that revision's definition of the workflow, which
 *                   dispatch then uses instead of the workflows in use (absent otherwise)
 * @param payloadBytes the payload's JSON bytes exactly as accepted: the body the sender wrote (without a UTF-8 byte
 *                   order mark or the whitespace around its value) at ingest, the envelope's {@code "payload"} when
 *                   dispatch read it, the journal's bytes for a replay; null where none are known (the envelope then
 *                   carries {@code payload} written from the tree). Never a separate field of the envelope: they are
 *                   its {@code "payload"}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonSerialize(using = ReceivedWebhookSerializer.class)
public record ReceivedWebhook(
        String eventId,
        String workflowId,
        String workflowRevision,
        String receivedAt,
        Map<String, String> headers,
        JsonNode payload,
        String replayOf,
        JsonNode workflowDefinition,
        @JsonIgnore byte[] payloadBytes) {

    /** The AMQP {@code type} of an event on the received queue. */
    public static final String AMQP_TYPE = "webhook.received";

    public ReceivedWebhook {
        headers = headers == null ? Map.of() : headers;
    }

    /** A webhook's event, its payload written from the tree. */
    public ReceivedWebhook(
            String eventId,
            String workflowId,
            String workflowRevision,
            String receivedAt,
            Map<String, String> headers,
            JsonNode payload) {
        this(eventId, workflowId, workflowRevision, receivedAt, headers, payload, null, null, null);
    }

    /** An event of a workflow that reads no headers. */
    public ReceivedWebhook(
            String eventId, String workflowId, String workflowRevision, String receivedAt, JsonNode payload) {
        this(eventId, workflowId, workflowRevision, receivedAt, Map.of(), payload);
    }
}
