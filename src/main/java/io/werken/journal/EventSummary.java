package io.werken.journal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** An event as the listing shows it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
    "event_id",
    "workflow_id",
    "received_at",
    "outcome",
    "workflow_revision",
    "actions_published",
    "replay_of"
})
public record EventSummary(
        String eventId,
        String workflowId,
        String receivedAt,
        String outcome,
        String workflowRevision,
        int actionsPublished,
        String replayOf) {}
