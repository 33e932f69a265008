package io.werken.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.Journal;
import io.werken.journal.JournalRecord;
import io.werken.journal.JournalStore;
import io.werken.journal.WorkflowRevision;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /events/{event_id}}: everything the journal recorded of an event (the payload exactly as accepted, the
 * headers, each action with its outcome and params), the workflow's definition at the revision that dispatched it,
 * the replays made of it, and the event it replays. Unknown id: 404.
 */
public final class ShowEvent implements Processor {

    /** The path parameter. */
    static final String EVENT_ID = "event_id";

    private final Journal journal;
    private final ObjectMapper json;

    public ShowEvent(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        ManagementRequests.query(in, java.util.Set.of());
        String eventId = in.getHeader(EVENT_ID, String.class);
        ObjectNode answer = JournalRequests.call(() -> {
            JournalStore store = journal.store();
            JournalRecord record = found(store, eventId);
            ObjectNode body = json.createObjectNode();
            body.set("event", event(record));
            body.set("definition", definition(store, record));
            body.set("replays", json.valueToTree(store.replaysOf(record.eventId())));
            if (record.replayOf() != null) {
                body.set(
                        "replay_of",
                        store.find(record.replayOf())
                                .map(r -> (JsonNode) json.valueToTree(r.summary()))
                                .orElse(null));
            }
            return body;
        });
        ManagementRequests.answer(in, json, answer);
    }

    static JournalRecord found(JournalStore store, String eventId) {
        return store.find(eventId)
                .orElseThrow(
                        () -> new ProblemException(
                                ProblemType.NOT_FOUND,
                                "The journal holds no event '" + WebhookRequestValidator.abbreviate(eventId)
                                        + "' (never accepted, not "
                                        + "dispatched yet, removed by retention, or of a workflow whose \"journal\" is \"off\")."));
    }

    private ObjectNode event(JournalRecord record) {
        ObjectNode event = json.valueToTree(new JournalRecord(
                record.eventId(),
                record.workflowId(),
                record.workflowRevision(),
                record.receivedAt(),
                record.dispatchedAt(),
                record.outcome(),
                record.reason(),
                record.replayOf(),
                record.traceparent(),
                record.journal(),
                null,
                record.headers(),
                record.actions()));
        event.put("actions_published", record.actionsPublished());
        if (record.payload() != null) {
            // The payload exactly as it was accepted, not re-serialised.
            event.putRawValue("payload", new RawValue(new String(record.payload(), StandardCharsets.UTF_8)));
        }
        return event;
    }

    /** The workflow's definition in the revision that dispatched the event; null if the journal does not hold it. */
    private JsonNode definition(JournalStore store, JournalRecord record) {
        if (record.workflowRevision() == null) {
            return null;
        }
        return store.revision(record.workflowRevision())
                .map(revision -> definitionIn(revision, record.workflowId()))
                .orElse(null);
    }

    private JsonNode definitionIn(WorkflowRevision revision, String workflowId) {
        try {
            JsonNode file = json.readTree(revision.source());
            return file == null ? null : file.get(workflowId);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
