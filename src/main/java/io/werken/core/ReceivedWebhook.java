package io.werken.core;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The event envelope Werken puts on {@code received_webhooks} for each accepted webhook (documented in the README):
 * the contract between the two paths, written by ingest ({@code ReceivedWebhookFactory}) and read back by dispatch
 * ({@code EventReader}).
 *
 * @param eventId    unique id of this accepted webhook; also the AMQP {@code message_id}
 * @param workflowId the workflow named in the URL
 * @param workflowRevision the revision of the workflows file the webhook was accepted under (its signature, dedupe
 *                   rule, headers and payload schema); null in events written before revisions existed
 * @param receivedAt when Werken accepted it, ISO-8601 UTC
 * @param headers    the request headers the workflow lists ({@code "headers"}), by lower-case name; only those the
 *                   request carried
 * @param payload    the webhook body, as JSON
 * @param replayOf   for a replay, the event it replays (absent otherwise)
 * @param workflowDefinition for a replay on its original revision, that revision's definition of the workflow, which
 *                   dispatch then uses instead of the workflows in use (absent otherwise)
 * @param payloadBytes the payload's JSON bytes exactly as the envelope carried them, when dispatch read them (not part
 *                   of the envelope)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "event_id", "workflow_id", "workflow_revision", "received_at", "replay_of", "headers", "payload",
                     "workflow_definition" })
public record ReceivedWebhook(String eventId, String workflowId, String workflowRevision, String receivedAt,
                              Map<String, String> headers, JsonNode payload, String replayOf,
                              JsonNode workflowDefinition, @JsonIgnore byte[] payloadBytes) {

    /** The AMQP {@code type} of an event on the received queue. */
    public static final String AMQP_TYPE = "webhook.received";

    public ReceivedWebhook {
        headers = headers == null ? Map.of() : headers;
    }

    /** A webhook's event. */
    public ReceivedWebhook(String eventId, String workflowId, String workflowRevision, String receivedAt,
                           Map<String, String> headers, JsonNode payload) {
        this(eventId, workflowId, workflowRevision, receivedAt, headers, payload, null, null, null);
    }

    /** An event of a workflow that reads no headers. */
    public ReceivedWebhook(String eventId, String workflowId, String workflowRevision, String receivedAt,
                           JsonNode payload) {
        this(eventId, workflowId, workflowRevision, receivedAt, Map.of(), payload);
    }
}
