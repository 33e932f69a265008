package io.werken.manage;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.Problem;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.WorkflowCatalog;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /workflows/{workflow_id}/check}: whether a draft of the workflow (the body: its definition, as it would
 * stand in {@code workflows.json}) is valid, with every problem at its place in the draft ({@code pointer}, relative to
 * the draft; "" for the draft as a whole): the same checks as {@code validate}, a reload and the impact endpoint's
 * draft. Always 200 for a JSON body; the workflow need not exist yet. Changes nothing.
 */
public final class CheckWorkflowDraft implements Processor {

    /** The answer. */
    @JsonPropertyOrder({"valid", "problems"})
    public record Result(boolean valid, List<Problem.Error> problems) {}

    private final WebhookRequestValidator bodyReader;
    private final WorkflowDrafts drafts;
    private final ObjectMapper json;

    public CheckWorkflowDraft(
            WebhookRequestValidator bodyReader, WorkflowCatalog.Settings settings, ObjectMapper json) {
        this.bodyReader = bodyReader;
        this.drafts = new WorkflowDrafts(settings, json);
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        ManagementRequests.query(in, Set.of());
        String workflowId = in.getHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, String.class);
        JsonNode draft = bodyReader.readJson(in, in.getBody(byte[].class));
        WorkflowDrafts.Checked checked = drafts.check(workflowId, draft);
        ManagementRequests.answer(in, json, new Result(checked.valid(), checked.problems()));
    }
}
