package io.werken.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.expression.ParamsTemplate;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /workflows/{workflow_id}/draft/dry-run}: the dry run of a payload with a draft of the workflow, for the
 * console's playground. The body is {@code {"definition": {...}, "payload": <any JSON>, "headers": {"name": "value"}}}
 * ({@code headers} optional: the request headers the draft reads, by name); the answer is the dry run's
 * ({@code POST /workflows/{workflow_id}/dry-run}). The draft is compiled as the check and the impact compile it (422
 * {@code draft-invalid} with every problem), the payload checked against its payload schema (422
 * {@code payload-invalid}). The workflow need not exist yet. Publishes nothing, takes no dedupe key.
 */
public final class DryRunWorkflowDraft implements Processor {

    private static final Set<String> FIELDS = Set.of("definition", "payload", "headers");

    private final WebhookRequestValidator bodyReader;
    private final WorkflowDrafts drafts;
    private final DryRunPlanner planner;
    private final ObjectMapper json;

    public DryRunWorkflowDraft(
            WebhookRequestValidator bodyReader,
            WorkflowCatalog.Settings settings,
            ActionPlanner planner,
            ObjectMapper json,
            ReceivedWebhookFactory events,
            String actionsQueue) {
        this.bodyReader = bodyReader;
        this.drafts = new WorkflowDrafts(settings, json);
        this.planner = new DryRunPlanner(planner, events, actionsQueue);
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        ManagementRequests.query(in, Set.of());
        String workflowId = in.getHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, String.class);
        JsonNode body = bodyReader.readJson(in, in.getBody(byte[].class));
        requireShape(body);
        Workflow workflow = drafts.compile(workflowId, body.get("definition"));
        ManagementRequests.answer(in, json, planner.plan(workflow, body.get("payload"), headers(workflow, body)));
    }

    /** A body that is not {"definition", "payload", "headers"}: 422 with every field that is wrong. */
    private static void requireShape(JsonNode body) {
        List<Problem.Error> problems = new ArrayList<>();
        if (!body.isObject()) {
            problems.add(new Problem.Error(
                    "", "must be an object with \"definition\", \"payload\" and, optionally, " + "\"headers\""));
        } else {
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    problems.add(new Problem.Error(
                            "/" + ParamsTemplate.escape(name),
                            "unknown field; the body takes " + "\"definition\", \"payload\" and \"headers\""));
                }
            }
            if (!body.has("definition")) {
                problems.add(new Problem.Error(
                        "/definition", "missing: the draft of the workflow, as it would stand " + "in workflows.json"));
            }
            if (!body.has("payload")) {
                problems.add(new Problem.Error("/payload", "missing: the webhook's body, any JSON value"));
            }
            JsonNode headers = body.get("headers");
            if (headers != null && !headers.isNull()) {
                if (!headers.isObject()) {
                    problems.add(new Problem.Error("/headers", "must be an object of header names and text values"));
                } else {
                    headers.fields().forEachRemaining(header -> {
                        if (!header.getValue().isTextual()) {
                            problems.add(new Problem.Error(
                                    "/headers/" + ParamsTemplate.escape(header.getKey()), "must be text"));
                        }
                    });
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ProblemException(
                    ProblemType.DRAFT_INVALID,
                    "The body must be {\"definition\": {...}, "
                            + "\"payload\": <any JSON>, \"headers\": {...}}; " + problems.size()
                            + " problem(s), each listed "
                            + "with its place in the body.",
                    problems);
        }
    }

    /** The headers the draft reads, by lower-case name, from the body's {@code headers} (names in any case). */
    private static Map<String, String> headers(Workflow workflow, JsonNode body) {
        JsonNode given = body.get("headers");
        if (workflow.headers().isEmpty() || given == null || given.isNull()) {
            return Map.of();
        }
        Map<String, String> byName = new TreeMap<>();
        given.fields()
                .forEachRemaining(header -> byName.put(
                        header.getKey().toLowerCase(Locale.ROOT),
                        header.getValue().asText()));
        Map<String, String> headers = new TreeMap<>();
        for (String name : workflow.headers()) {
            String value = byName.get(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }
}
