package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.Journal;
import io.werken.journal.WorkflowRevision;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /workflows/revisions/{revision}}: one revision of the workflows file as the journal keeps it: when Werken
 * first loaded it and the file as written ({@code source}, a string; secrets only as their {@code env:}/{@code file:}
 * references). Unknown revision: 404 {@code not-found}. Journal off: 404 {@code journal-off}.
 */
public final class ShowWorkflowRevision implements Processor {

    /** The path parameter. */
    static final String REVISION = "revision";

    private final Journal journal;
    private final ObjectMapper json;

    public ShowWorkflowRevision(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        // GET only: the route restricts the method (httpMethodRestrict), see ManagementRequests.requireMethod.
        ManagementRequests.query(in, Set.of());
        String revision = in.getHeader(REVISION, String.class);
        WorkflowRevision found = JournalRequests.call(() -> journal.store().revision(revision))
                .orElseThrow(() -> new ProblemException(
                        ProblemType.NOT_FOUND,
                        "The journal holds no revision '"
                                + WebhookRequestValidator.abbreviate(revision)
                                + "' of the workflows file (never loaded, or "
                                + "removed by retention once no stored event referred to it)."));
        ManagementRequests.answer(in, json, found);
    }
}
