package io.werken.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.werken.core.WerkenJson;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * The dry run's verdict, for the workflow in use and for a draft: {@code publish} with the number of messages dispatch
 * would publish, or {@code dead_letter} with dispatch's reason when any action fails, and then no action reads as
 * published.
 */
class DryRunVerdictTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    private static final WorkflowCatalog.Settings SETTINGS = WorkflowCatalog.Settings.defaults();
    private static final String DEFINITION = """
            {"actions": [
              {"type": "ok", "params": {"id": "{{ payload.id }}"}},
              {"type": "big", "when": "payload.total > 100"},
              {"type": "note", "queue": "notes", "params": {"note": "{{ payload.note }}"}}]}""";
    private static final CurrentWorkflows WORKFLOWS = new CurrentWorkflows(WorkflowCatalog.load(
            "test", ("{\"orders\": " + DEFINITION + "}").getBytes(StandardCharsets.UTF_8), SETTINGS));
    private static final WebhookRequestValidator BODIES = new WebhookRequestValidator(WORKFLOWS, 64, 400);
    private static final ActionPlanner PLANNER = new ActionPlanner(JSON, 262_144);
    private static final ReceivedWebhookFactory EVENTS = new ReceivedWebhookFactory(Clock.systemUTC());

    private final DryRunWorkflow dryRun = new DryRunWorkflow(WORKFLOWS, BODIES, PLANNER, JSON, EVENTS, "actions");
    private final DryRunWorkflowDraft draftDryRun =
            new DryRunWorkflowDraft(BODIES, SETTINGS, PLANNER, JSON, EVENTS, "actions");

    @Test
    void anEventWhoseActionsAllEvaluateIsPublishedWithTheCountOfMessages() throws Exception {
        String payload = "{\"id\": 7, \"total\": 5, \"note\": \"hi\"}";
        JsonNode expected = JSON.readTree("""
                {"workflow_id": "orders", "outcome": "publish", "would_publish": 2, "actions": [
                  {"index": 0, "type": "ok", "queue": "actions", "outcome": "publish", "params": {"id": 7}},
                  {"index": 1, "type": "big", "queue": "actions", "outcome": "skipped",
                   "reason": "when is false: payload.total > 100"},
                  {"index": 2, "type": "note", "queue": "notes", "outcome": "publish", "params": {"note": "hi"}}]}""");

        assertThat(answer(dryRun, request("orders", payload))).isEqualTo(expected);
        assertThat(answer(draftDryRun, request("orders", draft(payload)))).isEqualTo(expected);
    }

    @Test
    void anEventWithAFailingActionIsDeadLetteredAndNoActionReadsAsPublished() throws Exception {
        String payload = "{\"id\": 7, \"total\": 5}";

        for (JsonNode verdict : new JsonNode[] {
            answer(dryRun, request("orders", payload)), answer(draftDryRun, request("orders", draft(payload)))
        }) {
            String failure = verdict.at("/actions/2/reason").asText();
            assertThat(failure).startsWith("workflow 'orders', action 2 (note), params/note: ");
            assertThat(verdict).isEqualTo(JSON.readTree("""
                    {"workflow_id": "orders", "outcome": "dead_letter", "reason": "action-evaluation-failed",
                     "detail": %s, "would_publish": 0, "actions": [
                      {"index": 0, "type": "ok", "queue": "actions", "outcome": "not_published", "params": {"id": 7},
                       "reason": "not published: action 2 (note) failed, and dispatch publishes none of an event's actions then"},
                      {"index": 1, "type": "big", "queue": "actions", "outcome": "skipped",
                       "reason": "when is false: payload.total > 100"},
                      {"index": 2, "type": "note", "queue": "notes", "outcome": "failed", "reason": %s}]}""".formatted(
                            JSON.writeValueAsString(failure), JSON.writeValueAsString(failure))));
        }
    }

    @Test
    void anEventWhoseActionsAreAllSkippedIsPublishedWithNoMessage() throws Exception {
        String definition = "{\"actions\": [{\"type\": \"big\", \"when\": \"payload.total > 100\"}]}";

        JsonNode verdict = answer(
                draftDryRun, request("new-one", "{\"definition\": " + definition + ", \"payload\": {\"total\": 5}}"));

        assertThat(verdict.get("outcome").asText()).isEqualTo("publish");
        assertThat(verdict.get("would_publish").asInt()).isZero();
        assertThat(verdict.has("reason")).isFalse();
    }

    private static String draft(String payload) {
        return "{\"definition\": " + DEFINITION + ", \"payload\": " + payload + "}";
    }

    private static Exchange request(String workflowId, String body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, workflowId);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private static JsonNode answer(Processor processor, Exchange exchange) throws Exception {
        processor.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        return JSON.readTree(exchange.getMessage().getBody(Buffer.class).getBytes());
    }
}
