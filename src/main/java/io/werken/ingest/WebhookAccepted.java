package io.werken.ingest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The 202 answer to a webhook whose event the broker has confirmed. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({ "event_id", "workflow_id", "status" })
public record WebhookAccepted(String eventId, String workflowId, String status) {

    public static WebhookAccepted of(ReceivedWebhook event) {
        return new WebhookAccepted(event.eventId(), event.workflowId(), "accepted");
    }
}
