package io.werken.journal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * What the journal keeps of one event that dispatch finished: published to the journal queue and confirmed before its
 * event is acknowledged (alone or with other events' records, {@link JournalPacker}; a dead-lettered event's in the
 * same confirmed batch as its dead letter), and written from there to the journal's database.
 *
 * @param eventId          the event's id
 * @param workflowId       the workflow the webhook named
 * @param workflowRevision the revision of the workflows file whose definition dispatched it (null if none was found)
 * @param receivedAt       when Werken accepted the webhook, ISO-8601 UTC
 * @param dispatchedAt     when dispatch finished it, ISO-8601 UTC
 * @param outcome          {@link #DISPATCHED} or {@link #DEAD_LETTERED}
 * @param reason           why it was dead-lettered ({@code <reason label>: <detail>}); null when dispatched
 * @param replayOf         the event this one replays; null for a webhook
 * @param traceparent      the event's W3C trace context, as it arrived on the event
 * @param journal          {@link #FULL} or {@link #METADATA} (the workflow's {@code journal} setting)
 * @param payload          the payload's JSON bytes exactly as the event carried them; null in {@code metadata}
 * @param headers          the request headers the workflow reads, by lower-case name; null in {@code metadata}
 * @param actions          one per action of the definition, in order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "event_id",
    "workflow_id",
    "workflow_revision",
    "received_at",
    "dispatched_at",
    "outcome",
    "reason",
    "replay_of",
    "traceparent",
    "journal",
    "payload",
    "headers",
    "actions"
})
public record JournalRecord(
        String eventId,
        String workflowId,
        String workflowRevision,
        String receivedAt,
        String dispatchedAt,
        String outcome,
        String reason,
        String replayOf,
        String traceparent,
        String journal,
        byte[] payload,
        Map<String, String> headers,
        List<JournalAction> actions) {

    public static final String DISPATCHED = "dispatched";
    public static final String DEAD_LETTERED = "dead_lettered";
    public static final String FULL = "full";
    public static final String METADATA = "metadata";
    public static final String OFF = "off";

    public JournalRecord {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    /** The event as the listing shows it. */
    public EventSummary summary() {
        return new EventSummary(
                eventId, workflowId, receivedAt, outcome, workflowRevision, actionsPublished(), replayOf);
    }

    /** How many of its actions were published. */
    public int actionsPublished() {
        int n = 0;
        for (JournalAction action : actions) {
            if (JournalAction.PUBLISHED.equals(action.outcome())) {
                n++;
            }
        }
        return n;
    }
}
