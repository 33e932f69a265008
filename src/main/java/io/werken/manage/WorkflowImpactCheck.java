package io.werken.manage;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.ProblemType;
import io.werken.core.WebhookRejectedException;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.EventQuery;
import io.werken.journal.Journal;
import io.werken.workflow.InvalidWorkflowsException;
import io.werken.expression.ParamsTemplate;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /workflows/{workflow_id}/impact}: what a draft of the workflow (the body: its definition, as it would
 * stand in {@code workflows.json}) would do to the stored events the listing's filters select (at most {@code max},
 * default 1,000): each dry-run with the draft and compared with what was published. Publishes nothing. A draft that is
 * not valid is a 422 with every problem, as {@code validate} reports them.
 */
public final class WorkflowImpactCheck implements Processor {

    static final int DEFAULT_MAX = 1000;
    static final int MAX = 100_000;
    private static final Set<String> PARAMETERS = JournalRequests.parameters(Set.of("workflow", "where"), "max");

    private final Journal journal;
    private final WebhookRequestValidator bodyReader;
    private final WorkflowCatalog.Settings settings;
    private final ObjectMapper json;

    public WorkflowImpactCheck(Journal journal, WebhookRequestValidator bodyReader, WorkflowCatalog.Settings settings,
                               ObjectMapper json) {
        this.journal = journal;
        this.bodyReader = bodyReader;
        this.settings = settings;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        Map<String, String> parameters = ManagementRequests.query(in, PARAMETERS);
        int max = (int) ManagementRequests.wholeNumber(parameters, "max", 1, MAX).orElse(DEFAULT_MAX);
        String workflowId = in.getHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, String.class);
        EventQuery query = JournalRequests.query(parameters);
        query = new EventQuery(workflowId, query.outcome(), query.since(), query.until(), query.actionType(),
                query.queue(), query.replayOf(), EventQuery.MAX_LIMIT, query.cursor());
        JsonNode draft = bodyReader.readJson(in, in.getBody(byte[].class));
        Workflow workflow = compile(workflowId, draft);
        EventQuery selected = query;
        ObjectNode report = JournalRequests.call(() -> journal.impact().run(workflow, journal.store(), selected, max));
        ManagementRequests.answer(in, json, report);
    }

    /** The draft as a workflow, checked as {@code validate} checks a file; a 422 with every problem otherwise. */
    private Workflow compile(String workflowId, JsonNode draft) {
        if (!draft.isObject()) {
            throw new WebhookRejectedException(ProblemType.DRAFT_INVALID, "The body must be the workflow's definition: "
                    + "a JSON object with \"actions\", as it would stand in workflows.json.");
        }
        ObjectNode file = json.createObjectNode();
        file.set(workflowId, draft);
        String prefix = "/" + ParamsTemplate.escape(workflowId);
        try {
            return WorkflowCatalog.load("draft of workflow '" + workflowId + "'",
                    file.toString().getBytes(StandardCharsets.UTF_8), settings).find(workflowId).orElseThrow();
        } catch (InvalidWorkflowsException e) {
            throw new WebhookRejectedException(ProblemType.DRAFT_INVALID, "The draft of workflow '"
                    + WebhookRequestValidator.abbreviate(workflowId) + "' has " + e.problems().size()
                    + " problem(s); each is listed with its place in the draft.",
                    e.problems().stream().map(p -> WorkflowReload.error(p.startsWith(prefix + "/")
                            ? p.substring(prefix.length()) : p.startsWith(prefix + ":") ? "/" + p.substring(prefix.length()) : p))
                            .toList());
        }
    }
}
