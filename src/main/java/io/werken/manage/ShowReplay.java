package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.Journal;
import io.werken.journal.ReplayJob;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /replays/{replay_id}}: a bulk replay's state and progress; {@code DELETE} cancels it (it stops before its
 * next event).
 */
public final class ShowReplay implements Processor {

    static final String REPLAY_ID = "replay_id";

    private final Journal journal;
    private final ObjectMapper json;

    public ShowReplay(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        boolean cancel = "DELETE".equals(method);
        if (!cancel) {
            ManagementRequests.requireMethod(in, "GET");
        }
        ManagementRequests.query(in, Set.of());
        String id = in.getHeader(REPLAY_ID, String.class);
        ReplayJob job = JournalRequests.call(() ->
                found(cancel ? journal.replays().cancel(id) : journal.replays().find(id), id));
        JournalRequests.answer(in, json, job, cancel ? 202 : 200);
    }

    static ReplayJob found(Optional<ReplayJob> job, String id) {
        return job.orElseThrow(() -> new ProblemException(
                ProblemType.NOT_FOUND, "There is no replay '" + WebhookRequestValidator.abbreviate(id) + "'."));
    }
}
