package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.journal.Journal;
import io.werken.journal.JournalStore;
import io.werken.journal.RevisionSummary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /workflows/revisions[?limit=N]}: the revisions of the workflows file the journal holds (every one loaded
 * that a stored event or the revision in use still refers to), newest first by when Werken first loaded it, at most
 * {@code N} (default 100, at most 500). The path's one fixed name: {@code show-workflow}'s route hands it here, so a
 * workflow named {@code revisions} is not shown at {@code GET /workflows/revisions}. Journal off: 404.
 *
 * <p>Called by the route {@code show-workflow}, whose own processor is {@link ShowWorkflow}: named for the endpoint it
 * serves, not for a route of its own.
 */
public final class ListWorkflowRevisions implements Processor {

    /** The path parameter's value that means this listing rather than a workflow. */
    public static final String PATH_NAME = "revisions";

    static final int DEFAULT_LIMIT = 100;

    /** The answer. */
    public record Listing(List<RevisionSummary> revisions) {}

    private final Journal journal;
    private final ObjectMapper json;

    public ListWorkflowRevisions(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        Map<String, String> query = ManagementRequests.query(in, Set.of("limit"));
        int limit = (int) ManagementRequests.wholeNumber(query, "limit", 1, JournalStore.MAX_REVISIONS)
                .orElse(DEFAULT_LIMIT);
        List<RevisionSummary> revisions =
                JournalRequests.call(() -> journal.store().revisions(limit));
        ManagementRequests.answer(in, json, new Listing(revisions));
    }
}
