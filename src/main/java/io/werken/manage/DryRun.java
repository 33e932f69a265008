package io.werken.manage;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.Workflow;
import io.werken.workflow.CurrentWorkflows;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /workflows/{workflow_id}/dry-run}: what dispatch would publish for this body (and the headers the
 * workflow reads) now, action by action, with each action planned on its own so that every failure shows. The body
 * is read as ingest reads it and checked against the payload schema (the same 422); no signature is needed, nothing is
 * published, no dedupe key is taken.
 */
public final class DryRun implements Processor {

    /** The answer. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({ "workflow_id", "actions" })
    public record Result(String workflowId, List<Action> actions) {
    }

    /** One action's outcome: publish (with the params it would carry), skipped or failed (with the reason). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({ "index", "type", "queue", "outcome", "params", "reason" })
    public record Action(int index, String type, String queue, String outcome, ObjectNode params, String reason) {
    }

    private final CurrentWorkflows workflows;
    private final WebhookRequestValidator bodyReader;
    private final DryRunPlanner planner;
    private final ObjectMapper json;

    public DryRun(CurrentWorkflows workflows, WebhookRequestValidator bodyReader, ActionPlanner planner, ObjectMapper json,
                  ReceivedWebhookFactory events, String actionsQueue) {
        this.workflows = workflows;
        this.bodyReader = bodyReader;
        this.planner = new DryRunPlanner(planner, events, actionsQueue);
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        Workflow workflow = ManagementRequests.workflow(workflows, in);
        JsonNode payload = bodyReader.readJson(in, in.getBody(byte[].class));
        Map<String, String> headers = ReceivedWebhookFactory.workflowHeaders(workflow, in);
        ManagementRequests.answer(in, json, planner.plan(workflow, payload, headers));
    }
}
