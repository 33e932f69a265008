package io.werken.manage;

import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ProblemType;
import io.werken.core.WebhookRejectedException;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.Journal;
import io.werken.journal.ReplayJob;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /replays/{replay_id}}: a bulk replay's state and progress; {@code DELETE} cancels it (it stops before its
 * next event); {@code POST /replays/{replay_id}/resume} goes on with an interrupted or failed one where it stopped.
 */
public final class ReplayStatus implements Processor {

    static final String REPLAY_ID = "replay_id";

    private final Journal journal;
    private final ObjectMapper json;
    private final boolean resume;

    /** With {@code resume}, the resume endpoint; otherwise the replay's own. */
    public ReplayStatus(Journal journal, ObjectMapper json, boolean resume) {
        this.journal = journal;
        this.json = json;
        this.resume = resume;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (resume) {
            ManagementRequests.requireMethod(in, "POST");
        } else if (!"DELETE".equals(method)) {
            ManagementRequests.requireMethod(in, "GET");
        }
        ManagementRequests.query(in, Set.of());
        String id = in.getHeader(REPLAY_ID, String.class);
        ReplayJob job = JournalRequests.call(() -> {
            Optional<ReplayJob> found = resume ? journal.replays().resume(id)
                    : "DELETE".equals(method) ? journal.replays().cancel(id) : journal.replays().find(id);
            return found.orElseThrow(() -> new WebhookRejectedException(ProblemType.NOT_FOUND,
                    "There is no replay '" + WebhookRequestValidator.abbreviate(id) + "'."));
        });
        ManagementRequests.answer(in, json, job);
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, resume || "DELETE".equals(method) ? 202 : 200);
    }
}
