package io.werken.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.EventQuery;
import io.werken.journal.Journal;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /workflows/{workflow_id}/impact}: what a draft of the workflow (the body: its definition, as it would
 * stand in {@code workflows.json}) would do to the stored events the listing's filters select (at most {@code max},
 * default 1,000): each dry-run with the draft and compared with what was published. Publishes nothing. A draft that is
 * not valid is a 422 with every problem, as {@code validate} reports them.
 *
 * <p>The processor of the route {@code workflow-impact}; the analysis itself is {@link io.werken.journal.DraftImpact}.
 */
public final class WorkflowImpact implements Processor {

    static final int DEFAULT_MAX = 1000;
    static final int MAX = 100_000;
    private static final Set<String> PARAMETERS = JournalRequests.parameters(Set.of("workflow", "where"), "max");

    private final Journal journal;
    private final WebhookRequestValidator bodyReader;
    private final WorkflowDrafts drafts;
    private final ObjectMapper json;

    public WorkflowImpact(
            Journal journal, WebhookRequestValidator bodyReader, WorkflowCatalog.Settings settings, ObjectMapper json) {
        this.journal = journal;
        this.bodyReader = bodyReader;
        this.drafts = new WorkflowDrafts(settings, json);
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        Map<String, String> parameters = ManagementRequests.query(in, PARAMETERS);
        int max =
                (int) ManagementRequests.wholeNumber(parameters, "max", 1, MAX).orElse(DEFAULT_MAX);
        String workflowId = in.getHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, String.class);
        EventQuery query = JournalRequests.query(parameters);
        query = new EventQuery(
                workflowId,
                query.outcome(),
                query.since(),
                query.until(),
                query.actionType(),
                query.queue(),
                query.replayOf(),
                EventQuery.MAX_LIMIT,
                query.cursor());
        JsonNode draft = bodyReader.readJson(in, in.getBody(byte[].class));
        Workflow workflow = drafts.compile(workflowId, draft);
        EventQuery selected = query;
        ObjectNode report = JournalRequests.call(() -> journal.impact().run(workflow, journal.store(), selected, max));
        ManagementRequests.answer(in, json, report);
    }
}
