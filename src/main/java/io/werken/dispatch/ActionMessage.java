package io.werken.dispatch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One action for a worker, as published on {@code required_actions} or the action's own queue (documented field by
 * field in the README).
 *
 * @param actionId   {@code <event_id>:<index>}, stable across redeliveries: workers dedupe on it
 * @param eventId    the webhook event this action comes from
 * @param workflowId the workflow that named the action
 * @param workflowRevision the revision of the workflows file whose definition produced this action (all the actions of
 *                   one event come from one revision)
 * @param index      position of this action in the workflow definition, from 0, whether or not earlier actions were
 *                   skipped by their conditions
 * @param count      how many action messages the event produced: the actions published, after conditions (so an
 *                   {@code index} may be {@code count} or more when an earlier action was skipped)
 * @param type       what the worker must do, e.g. {@code enviar_email}
 * @param params     the action's parameters, templates rendered
 * @param payload    the webhook body
 * @param receivedAt when Werken accepted the webhook, ISO-8601 UTC
 * @param headers    the request headers the workflow reads, by lower-case name (empty for most workflows)
 * @param replayOf   for an action of a replayed event, the event it replays (absent otherwise)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
    "action_id",
    "event_id",
    "workflow_id",
    "workflow_revision",
    "index",
    "count",
    "type",
    "params",
    "payload",
    "received_at",
    "headers",
    "replay_of"
})
public record ActionMessage(
        String actionId,
        String eventId,
        String workflowId,
        String workflowRevision,
        int index,
        int count,
        String type,
        ObjectNode params,
        JsonNode payload,
        String receivedAt,
        Map<String, String> headers,
        @JsonInclude(JsonInclude.Include.NON_NULL) String replayOf) {}
