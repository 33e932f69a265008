package io.werken.manage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.core.WerkenJson;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.Journal;
import io.werken.metrics.MutableClock;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.StatsSampler;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;

/**
 * The console's endpoints as plain processors: a draft's check, its dry run and the impact compile a draft alike;
 * the queue listing's roles and missing queues; the refusals' and statistics' answers.
 */
class ConsoleEndpointsTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    private static final WorkflowCatalog.Settings SETTINGS = WorkflowCatalog.Settings.defaults();
    private static final CurrentWorkflows WORKFLOWS = new CurrentWorkflows(WorkflowCatalog.load(
            "test", "{\"orders\": {\"actions\": [{\"type\": \"log\"}]}}".getBytes(StandardCharsets.UTF_8), SETTINGS));
    private static final WebhookRequestValidator BODIES = new WebhookRequestValidator(WORKFLOWS, 64, 400);
    private static final String INVALID_DRAFT = """
            {"actions": [{"type": "ok"}, {"type": "x", "when": "payload.("}, {"type": "y", "queue": "amq.nope"}]}""";

    private final CheckWorkflowDraft check = new CheckWorkflowDraft(BODIES, SETTINGS, JSON);
    private final DryRunWorkflowDraft draftDryRun = new DryRunWorkflowDraft(
            BODIES,
            SETTINGS,
            new ActionPlanner(JSON, 262_144),
            JSON,
            new ReceivedWebhookFactory(Clock.systemUTC()),
            "required_actions");

    // --- the draft's check and dry run

    @Test
    void aValidDraftChecksValidWithNoProblems() throws Exception {
        JsonNode answer = answer(
                check,
                request(
                        "POST",
                        "orders",
                        null,
                        "{\"actions\": [{\"type\": \"notify\", \"when\": \"payload.total > 10\"}]}"));

        assertThat(answer).isEqualTo(JSON.readTree("{\"valid\": true, \"problems\": []}"));
    }

    @Test
    void anInvalidDraftsProblemsArePlacedInTheDraftTheSameForTheCheckTheImpactAndTheDraftDryRun() throws Exception {
        JsonNode answer = answer(check, request("POST", "orders", null, INVALID_DRAFT));
        assertThat(answer.get("valid").asBoolean()).isFalse();
        assertThat(answer.get("problems").findValuesAsText("pointer"))
                .containsExactly("/actions/1/when", "/actions/2/queue");
        List<Problem.Error> checked = JSON.convertValue(
                answer.get("problems"), JSON.getTypeFactory().constructCollectionType(List.class, Problem.Error.class));

        ProblemException impact = catchThrowableOfType(
                ProblemException.class,
                () -> new WorkflowImpact(Journal.off(), BODIES, SETTINGS, JSON)
                        .process(request("POST", "orders", null, INVALID_DRAFT)));
        ProblemException dryRun = catchThrowableOfType(
                ProblemException.class,
                () -> draftDryRun.process(
                        request("POST", "orders", null, "{\"definition\": " + INVALID_DRAFT + ", \"payload\": {}}")));

        for (ProblemException refused : List.of(impact, dryRun)) {
            assertThat(refused.problemType()).isEqualTo(ProblemType.DRAFT_INVALID);
            assertThat(refused.errors()).isEqualTo(checked);
        }
    }

    @Test
    void aDraftThatIsNotAnObjectOrLacksActionsIsAProblemOfTheWholeDraft() throws Exception {
        JsonNode array = answer(check, request("POST", "orders", null, "[1, 2]"));
        JsonNode empty = answer(check, request("POST", "orders", null, "{}"));

        assertThat(array.get("valid").asBoolean()).isFalse();
        assertThat(array.get("problems").get(0).get("pointer").asText()).isEmpty();
        assertThat(array.get("problems").get(0).get("message").asText()).isEqualTo(WorkflowDrafts.NOT_A_DEFINITION);
        assertThat(empty.get("valid").asBoolean()).isFalse();
        assertThat(empty.get("problems").findValuesAsText("message"))
                .anySatisfy(m -> assertThat(m).contains("actions"));
    }

    @Test
    void theDraftDryRunPlansThePayloadWithTheDraftAndTheHeadersItReads() throws Exception {
        String definition = """
                {"headers": ["x-tenant"], "actions": [
                  {"type": "big", "when": "payload.total > 100", "queue": "q.big",
                   "params": {"total": "{{ payload.total }}"}},
                  {"type": "tenant", "params": {"t": "{{ headers['x-tenant'] }}"}}]}""";

        JsonNode big = answer(
                draftDryRun,
                request(
                        "POST",
                        "new-one",
                        null,
                        "{\"definition\": " + definition
                                + ", \"payload\": {\"total\": 250}, \"headers\": {\"X-Tenant\": \"acme\", \"x-other\": \"no\"}}"));
        JsonNode small = answer(
                draftDryRun,
                request("POST", "new-one", null, "{\"definition\": " + definition + ", \"payload\": {\"total\": 5}}"));

        assertThat(big.get("workflow_id").asText()).isEqualTo("new-one");
        assertThat(big.get("actions").findValuesAsText("outcome")).containsExactly("publish", "publish");
        assertThat(big.get("actions").findValuesAsText("queue")).containsExactly("q.big", "required_actions");
        assertThat(big.at("/actions/0/params/total").asInt()).isEqualTo(250);
        assertThat(big.at("/actions/1/params/t").asText()).isEqualTo("acme");
        assertThat(small.at("/actions/0/outcome").asText()).isEqualTo("skipped");
        assertThat(small.at("/actions/0/reason").asText()).contains("payload.total > 100");
    }

    @Test
    void theDraftDryRunRefusesABodyOfAnotherShapeAndAPayloadItsSchemaRefuses() {
        ProblemException shape = catchThrowableOfType(
                ProblemException.class,
                () -> draftDryRun.process(request(
                        "POST",
                        "orders",
                        null,
                        "{\"definition\": {\"actions\": []}, \"extra\": 1, \"headers\": {\"a\": 1}}")));
        ProblemException schema = catchThrowableOfType(
                ProblemException.class,
                () -> draftDryRun.process(request(
                        "POST",
                        "orders",
                        null,
                        "{\"definition\": {\"payload_schema\": {\"required\": [\"id\"]},"
                                + " \"actions\": [{\"type\": \"log\"}]}, \"payload\": {}}")));

        assertThat(shape.problemType()).isEqualTo(ProblemType.DRAFT_INVALID);
        assertThat(shape.errors())
                .extracting(Problem.Error::pointer)
                .containsExactlyInAnyOrder("/extra", "/payload", "/headers/a");
        assertThat(schema.problemType()).isEqualTo(ProblemType.PAYLOAD_INVALID);
    }

    // --- queues

    @Test
    void theQueuesAreListedByRoleAndOneNotOnTheBrokerIsMissing() throws Exception {
        CurrentWorkflows named =
                new CurrentWorkflows(WorkflowCatalog.load("test", """
                {"a": {"actions": [{"type": "x", "queue": "q.zeta"}, {"type": "y", "queue": "required_actions"}]},
                 "b": {"actions": [{"type": "z", "queue": "q.alpha"}]}}""".getBytes(StandardCharsets.UTF_8), SETTINGS));
        Map<String, QueueInformation> onBroker = new HashMap<>();
        onBroker.put("received_webhooks", new QueueInformation("received_webhooks", 3, 32));
        onBroker.put("received_webhooks.dlq", new QueueInformation("received_webhooks.dlq", 1, 0));
        onBroker.put("werken.journal", new QueueInformation("werken.journal", 0, 1));
        onBroker.put("required_actions", new QueueInformation("required_actions", 12, 2));
        onBroker.put("q.alpha", new QueueInformation("q.alpha", 0, 0));

        JsonNode answer = answer(
                new ListQueues(
                        admin(onBroker::get),
                        "received_webhooks",
                        "received_webhooks.dlq",
                        "werken.journal",
                        "required_actions",
                        named,
                        JSON,
                        5),
                request("GET", null, null, null));

        assertThat(answer).isEqualTo(JSON.readTree("""
                {"queues": [
                  {"name": "received_webhooks", "role": "received", "messages": 3, "consumers": 32, "missing": false},
                  {"name": "received_webhooks.dlq", "role": "dead_letters", "messages": 1, "consumers": 0, "missing": false},
                  {"name": "werken.journal", "role": "journal", "messages": 0, "consumers": 1, "missing": false},
                  {"name": "required_actions", "role": "actions", "messages": 12, "consumers": 2, "missing": false},
                  {"name": "q.alpha", "role": "actions", "messages": 0, "consumers": 0, "missing": false},
                  {"name": "q.zeta", "role": "actions", "missing": true}]}"""));
        JsonNode journalOff = answer(
                new ListQueues(
                        admin(onBroker::get),
                        "received_webhooks",
                        "received_webhooks.dlq",
                        null,
                        "required_actions",
                        WORKFLOWS,
                        JSON,
                        5),
                request("GET", null, null, null));
        assertThat(journalOff.get("queues").findValuesAsText("role"))
                .containsExactly("received", "dead_letters", "actions");
    }

    @Test
    void aBrokerThatCannotBeUsedIsA503WithRetryAfter() {
        ListQueues listing = new ListQueues(
                admin(name -> {
                    throw new AmqpConnectException(new java.net.ConnectException("Connection refused"));
                }),
                "received_webhooks",
                "received_webhooks.dlq",
                null,
                "required_actions",
                WORKFLOWS,
                JSON,
                7);

        ProblemException refused =
                catchThrowableOfType(ProblemException.class, () -> listing.process(request("GET", null, null, null)));

        assertThat(refused.problemType()).isEqualTo(ProblemType.QUEUES_UNAVAILABLE);
        assertThat(refused.problemType().status()).isEqualTo(503);
        assertThat(refused.getMessage()).contains("received_webhooks").contains("Connection refused");
        assertThat(refused.responseHeaders()).containsEntry("Retry-After", "7");
    }

    // --- refusals and statistics

    @Test
    void theRefusalsAreAnsweredNewestFirstWithEveryField() throws Exception {
        RecentRefusals refusals =
                new RecentRefusals(Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC));
        refusals.record(null, 404, "unknown-workflow", "There is no workflow 'x'.", "10.0.0.8", "/webhook/x");
        refusals.record(
                "orders", 401, "signature-mismatch", "The signature does not match.", "10.0.0.7", "/webhook/orders");

        JsonNode answer = answer(new ListRefusals(refusals, JSON), request("GET", null, null, null));

        assertThat(answer).isEqualTo(JSON.readTree("""
                {"refusals": [
                  {"at": "2026-12-04T10:00:00Z", "workflow_id": "orders", "status": 401, "type": "signature-mismatch",
                   "detail": "The signature does not match.", "remote": "10.0.0.7", "path": "/webhook/orders"},
                  {"at": "2026-12-04T10:00:00Z", "workflow_id": null, "status": 404, "type": "unknown-workflow",
                   "detail": "There is no workflow 'x'.", "remote": "10.0.0.8", "path": "/webhook/x"}]}"""));
    }

    @Test
    void theStatisticsAnswerOneSeriesPerWorkflowAndCheckTheirWindow() throws Exception {
        WerkenMetrics metrics = WerkenMetrics.none();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00.250Z"));
        StatsSampler sampler = new StatsSampler(metrics, () -> List.of("orders"), clock, 10);
        metrics.webhook("orders", WerkenMetrics.ACCEPTED);
        clock.advance(java.time.Duration.ofSeconds(10));
        sampler.sample();
        ShowStats report = new ShowStats(sampler, JSON);

        JsonNode answer = answer(report, request("GET", null, "minutes=5", null));
        ProblemException tooLong = catchThrowableOfType(
                ProblemException.class, () -> report.process(request("GET", null, "minutes=61", null)));

        assertThat(answer.get("interval_seconds").asInt()).isEqualTo(10);
        assertThat(answer.get("workflows")).hasSize(1);
        assertThat(answer.at("/workflows/0/workflow_id").asText()).isEqualTo("orders");
        JsonNode point = answer.at("/workflows/0/points/0");
        assertThat(point.fieldNames())
                .toIterable()
                .containsExactly("t", "accepted_per_s", "refused_per_s", "dispatch_p99_ms", "dispatch_mean_ms");
        assertThat(point.get("t").asText()).as("to the second").isEqualTo("2026-12-04T10:00:10Z");
        assertThat(point.get("accepted_per_s").asDouble()).isEqualTo(0.1);
        assertThat(point.get("dispatch_p99_ms").isNull()).isTrue();
        assertThat(tooLong.problemType()).isEqualTo(ProblemType.INVALID_QUERY);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** An AmqpAdmin that only looks queues up. */
    private static AmqpAdmin admin(java.util.function.Function<String, QueueInformation> lookup) {
        return (AmqpAdmin) Proxy.newProxyInstance(
                AmqpAdmin.class.getClassLoader(), new Class<?>[] {AmqpAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getQueueInfo")) {
                        return lookup.apply((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Exchange request(String method, String workflowId, String query, String body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getMessage().setHeader(Exchange.HTTP_QUERY, query);
        if (workflowId != null) {
            exchange.getMessage().setHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, workflowId);
        }
        if (body != null) {
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        }
        return exchange;
    }

    private static JsonNode answer(Processor processor, Exchange exchange) throws Exception {
        processor.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        return JSON.readTree(exchange.getMessage().getBody(Buffer.class).getBytes());
    }
}
