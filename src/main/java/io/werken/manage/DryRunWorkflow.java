package io.werken.manage;

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
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /workflows/{workflow_id}/dry-run}: what dispatch would publish for this body (and the headers the
 * workflow reads) now, action by action, with each action planned on its own so that every failure shows. The body
 * is read as ingest reads it and checked against the payload schema (the same 422); no signature is needed, nothing is
 * published, no dedupe key is taken.
 */
public final class DryRunWorkflow implements Processor {

    /** The overall outcome: what dispatch would do with the event. */
    public static final String PUBLISH = "publish";
    /** The overall outcome when an action fails: dispatch would dead-letter the event and publish none of its actions. */
    public static final String DEAD_LETTER = "dead_letter";
    /** An action that would publish on its own, held back because another action of the event failed. */
    public static final String NOT_PUBLISHED = "not_published";

    /**
     * The answer.
     *
     * @param outcome      {@value #PUBLISH} (dispatch would publish the {@code would_publish} action messages, 0 when
     *                     every action is skipped) or {@value #DEAD_LETTER} (an action failed: dispatch would publish
     *                     none and dead-letter the event)
     * @param reason       for {@value #DEAD_LETTER}: the reason dispatch would give, as the metric and journal label
     *                     ({@code action-evaluation-failed}); absent for {@value #PUBLISH}
     * @param detail       for {@value #DEAD_LETTER}: the first failing action's reason, the words dispatch would put in the
     *                     dead letter's {@code x-werken-dead-letter-reason}; absent for {@value #PUBLISH}
     * @param wouldPublish how many action messages dispatch would publish (0 for {@value #DEAD_LETTER})
     * @param actions      each action's own outcome: publish, skipped, failed, or {@value #NOT_PUBLISHED} (it would
     *                     publish, but another action failed, so none is published)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"workflow_id", "outcome", "reason", "detail", "would_publish", "actions"})
    public record Result(
            String workflowId, String outcome, String reason, String detail, int wouldPublish, List<Action> actions) {}

    /** One action's outcome: publish (with the params it would carry), skipped, failed or not_published (with the reason). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"index", "type", "queue", "outcome", "params", "reason"})
    public record Action(int index, String type, String queue, String outcome, ObjectNode params, String reason) {}

    private final CurrentWorkflows workflows;
    private final WebhookRequestValidator bodyReader;
    private final DryRunPlanner planner;
    private final ObjectMapper json;

    public DryRunWorkflow(
            CurrentWorkflows workflows,
            WebhookRequestValidator bodyReader,
            ActionPlanner planner,
            ObjectMapper json,
            ReceivedWebhookFactory events,
            String actionsQueue) {
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
