package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.journal.Journal;
import io.werken.journal.JournalRecord;
import io.werken.journal.Replayer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /events/{event_id}/replay?revision=current|original}: puts a copy of the stored event on the received
 * queue as a new event ({@code replay_of} naming it), confirmed before the answer (202 with the new event's id).
 * {@code current} (the default) dispatches it with the workflows in use; {@code original} with the revision that
 * dispatched the original, even if the workflow has changed or left the file since.
 */
public final class ReplayEvent implements Processor {

    private final Journal journal;
    private final ObjectMapper json;

    public ReplayEvent(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        Replayer.Revision revision =
                revision(ManagementRequests.query(in, Set.of("revision")).get("revision"));
        String eventId = in.getHeader(ShowEvent.EVENT_ID, String.class);
        Map<String, Object> answer = JournalRequests.call(() -> {
            JournalRecord original = ShowEvent.found(journal.store(), eventId);
            String replay = journal.replayer().replay(original, revision);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("event_id", replay);
            body.put("replay_of", original.eventId());
            body.put("workflow_id", original.workflowId());
            body.put("revision", revision.name().toLowerCase(java.util.Locale.ROOT));
            return body;
        });
        JournalRequests.answer(in, json, answer, 202);
    }

    static Replayer.Revision revision(String text) {
        if (text == null || text.isEmpty()) {
            return Replayer.Revision.CURRENT;
        }
        try {
            return Replayer.Revision.parse(text);
        } catch (IllegalArgumentException e) {
            throw ManagementRequests.invalidQuery("Query parameter 'revision' must be current or original, not '"
                    + io.werken.ingest.WebhookRequestValidator.abbreviate(text) + "'.");
        }
    }
}
