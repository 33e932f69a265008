package io.werken.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import io.werken.core.RandomIds;
import io.werken.core.ReceivedWebhook;
import io.werken.core.TraceContext;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.amqp.core.Message;

/**
 * Replays a stored event: puts a copy of it on the received queue as a new event ({@code replay_of} naming the
 * original), confirmed before it answers, so that dispatch and the workers see it as any other event. No dedupe and no
 * signature check: the stored payload was checked when it arrived. On the {@link Revision#CURRENT} revision dispatch
 * uses the workflows in use; on the {@link Revision#ORIGINAL} one the event carries that revision's definition of its
 * workflow, which dispatch uses even if the workflow has changed or left the file since.
 */
public final class Replayer {

    /** Which definition a replay is dispatched with. */
    public enum Revision {
        CURRENT,
        ORIGINAL;

        /** {@code current} or {@code original}; anything else is an IllegalArgumentException. */
        public static Revision parse(String text) {
            return switch (text) {
                case "current" -> CURRENT;
                case "original" -> ORIGINAL;
                default ->
                    throw new IllegalArgumentException("revision must be current or original, not '" + text + "'");
            };
        }
    }

    private final JournalStore store;
    private final MessagePublisher publisher;
    private final CurrentWorkflows workflows;
    private final ObjectMapper json;
    private final Clock clock;
    private final String receivedQueue;

    public Replayer(
            JournalStore store,
            MessagePublisher publisher,
            CurrentWorkflows workflows,
            ObjectMapper json,
            Clock clock,
            String receivedQueue) {
        this.store = store;
        this.publisher = publisher;
        this.workflows = workflows;
        this.json = json;
        this.clock = clock;
        this.receivedQueue = receivedQueue;
    }

    /**
     * Replays {@code original} as a new event with a new time-ordered id; answers that id once the broker confirmed it.
     */
    public String replay(JournalRecord original, Revision revision) {
        return replay(original, revision, RandomIds.timeOrdered(clock.millis()));
    }

    /**
     * Replays {@code original} as the event {@code eventId}. A bulk replay passes an id made from its own id and the
     * original's, so that an event it publishes again after a restart is recognised as the same replay.
     */
    public String replay(JournalRecord original, Revision revision, String eventId) {
        publisher.publishAll(List.of(message(event(original, revision, eventId), original.traceparent())));
        return eventId;
    }

    /** The id a bulk replay gives its replay of {@code originalId}: the same every time. */
    public static String replayId(String jobId, String originalId) {
        return UUID.nameUUIDFromBytes((jobId + ":" + originalId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    ReceivedWebhook event(JournalRecord original, Revision revision, String eventId) {
        if (original.payload() == null) {
            throw new ReplayRefusedException("Event " + original.eventId() + " was journaled as metadata only (its "
                    + "workflow's \"journal\" is \"metadata\"): without its payload it cannot be replayed.");
        }
        JsonNode payload;
        try {
            payload = json.readTree(original.payload());
        } catch (IOException e) {
            throw new ReplayRefusedException(
                    "Event " + original.eventId() + " has a stored payload that is not JSON: " + e.getMessage());
        }
        String receivedAt = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        Map<String, String> headers = original.headers() == null ? Map.of() : original.headers();
        if (revision == Revision.CURRENT) {
            WorkflowCatalog catalog = workflows.catalog();
            if (catalog.find(original.workflowId()).isEmpty()) {
                throw new ReplayRefusedException("Workflow '" + original.workflowId() + "' of event "
                        + original.eventId() + " is not in the workflows in use (revision " + catalog.revision()
                        + "): replay it with revision=original.");
            }
            return new ReceivedWebhook(
                    eventId,
                    original.workflowId(),
                    catalog.revision(),
                    receivedAt,
                    headers,
                    payload,
                    original.eventId(),
                    null,
                    original.payload());
        }
        return new ReceivedWebhook(
                eventId,
                original.workflowId(),
                original.workflowRevision(),
                receivedAt,
                headers,
                payload,
                original.eventId(),
                definition(original),
                original.payload());
    }

    /** The original revision's definition of the event's workflow, from the journal. */
    private JsonNode definition(JournalRecord original) {
        String revision = original.workflowRevision();
        if (revision == null) {
            throw new ReplayRefusedException("Event " + original.eventId() + " names no workflows revision: replay it "
                    + "with revision=current.");
        }
        WorkflowRevision stored = store.revision(revision)
                .orElseThrow(() -> new ReplayRefusedException("The journal does not hold workflows revision " + revision
                        + " of event " + original.eventId() + ": replay it with revision=current."));
        JsonNode file;
        try {
            file = json.readTree(stored.source());
        } catch (IOException e) {
            throw new ReplayRefusedException(
                    "Workflows revision " + revision + " in the journal is not JSON: " + e.getMessage());
        }
        JsonNode definition = file == null ? null : file.get(original.workflowId());
        if (definition == null || !definition.isObject()) {
            throw new ReplayRefusedException("Workflows revision " + revision + " does not define workflow '"
                    + original.workflowId() + "' of event " + original.eventId() + ".");
        }
        return definition;
    }

    private Outbound message(ReceivedWebhook event, String originalTraceparent) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the replay of event " + event.replayOf(), e);
        }
        Message message = AmqpMessages.persistentJson(body, event.eventId(), ReceivedWebhook.AMQP_TYPE, clock);
        // The replay goes on in the original's trace, as a span of its own: both are found by that trace id.
        message.getMessageProperties()
                .setHeader(
                        TraceContext.HEADER,
                        TraceContext.continueOrStart(originalTraceparent).traceparent());
        return new Outbound(receivedQueue, message);
    }
}
