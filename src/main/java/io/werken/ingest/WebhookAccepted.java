package io.werken.ingest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.vertx.core.buffer.Buffer;
import io.werken.core.ReceivedWebhook;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The answer to a webhook that was accepted: 202 {@code accepted} once the broker confirmed its event, or 200
 * {@code duplicate} for a repeat of a delivery accepted before. Both are written by {@link #answer}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"event_id", "workflow_id", "status"})
public record WebhookAccepted(String eventId, String workflowId, String status) {

    public static WebhookAccepted accepted(ReceivedWebhook event) {
        return new WebhookAccepted(event.eventId(), event.workflowId(), "accepted");
    }

    public static WebhookAccepted duplicate(String eventId, String workflowId) {
        return new WebhookAccepted(eventId, workflowId, "duplicate");
    }

    /** Makes {@code message} the HTTP answer: this record as JSON, and no header but Content-Type and the status. */
    public void answer(Message message, ObjectMapper json, int httpStatus) throws JsonProcessingException {
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, httpStatus);
        // A Vert.x Buffer is written as it is; platform-http streams a byte[] through an InputStream pump instead.
        message.setBody(Buffer.buffer(json.writeValueAsBytes(this)));
    }
}
