package io.werken.ingest;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.workflow.Workflow;

/** Gives an accepted webhook its identity: a new event id and the time it was received. */
public final class ReceivedWebhookFactory {

    private final Clock clock;

    public ReceivedWebhookFactory(Clock clock) {
        this.clock = clock;
    }

    public ReceivedWebhook create(Workflow workflow, JsonNode payload) {
        return create(workflow, payload, null);
    }

    /** With {@code eventId} the id a deduplicated delivery always gets (see DedupeKeys); null for a new random one. */
    public ReceivedWebhook create(Workflow workflow, JsonNode payload, String eventId) {
        return new ReceivedWebhook(eventId != null ? eventId : UUID.randomUUID().toString(), workflow.id(),
                DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)), payload);
    }
}
