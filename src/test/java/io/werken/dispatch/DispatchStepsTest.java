package io.werken.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.core.WerkenJson;
import io.werken.journal.JournalRecords;
import io.werken.metrics.WerkenMetrics;
import io.werken.routes.RecordingPublisher;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.BundledWorkflows;
import io.werken.workflow.CurrentWorkflows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * The dispatch steps one by one: an event envelope read back, its workflow looked up, its ordered action messages,
 * and the envelopes that cannot be dispatched.
 */
class DispatchStepsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final EventReader reader = new EventReader(json);
    private final WorkflowLookup lookup = new WorkflowLookup(new CurrentWorkflows(BundledWorkflows.catalog()));
    private final ActionMessageFactory factory =
            new ActionMessageFactory(new ActionPlanner(json, 262_144), "required_actions", WerkenMetrics.none());

    /** An exchange as the dispatch route has it once an envelope was consumed. */
    private static Exchange consumed(byte[] envelope) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(envelope);
        return exchange;
    }

    /** What the route's three steps make of an envelope: each of the workflow's actions, in order. */
    @SuppressWarnings("unchecked")
    private List<ActionMessage> plan(byte[] envelope) {
        Exchange exchange = consumed(envelope);
        reader.process(exchange);
        lookup.process(exchange);
        factory.process(exchange);
        return ((List<io.werken.dispatch.QueuedAction>) exchange.getMessage().getBody(List.class))
                .stream().map(io.werken.dispatch.QueuedAction::message).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneActionPerWorkflowStepInOrderWithStableIds() throws IOException {
        String envelope = """
                {"event_id":"e-1","workflow_id":"mi-workflow","received_at":"2026-11-26T10:00:00Z",
                 "payload":{"user_id":123,"data":"some important data"}}""";

        List<ActionMessage> actions = plan(bytes(envelope));

        assertThat(actions).hasSize(2);
        ActionMessage first = actions.get(0);
        assertThat(first.actionId()).isEqualTo("e-1:0");
        assertThat(first.index()).isZero();
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.type()).isEqualTo("enviar_email");
        assertThat(first.params().get("destinatario").asText()).isEqualTo("gaby@example.com");
        assertThat(first.payload().get("user_id").asInt()).isEqualTo(123);
        assertThat(first.receivedAt()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(actions.get(1).actionId()).isEqualTo("e-1:1");
        assertThat(actions.get(1).type()).isEqualTo("log_evento");
        // The revision of the definition that produced them: the bundled file's, for both.
        assertThat(actions)
                .extracting(ActionMessage::workflowRevision)
                .containsOnly(BundledWorkflows.catalog().revision());

        JsonNode serialized = json.readTree(json.writeValueAsBytes(first));
        assertThat(serialized.fieldNames())
                .toIterable()
                .containsExactly(
                        "action_id",
                        "event_id",
                        "workflow_id",
                        "workflow_revision",
                        "index",
                        "count",
                        "type",
                        "params",
                        "payload",
                        "received_at",
                        "headers");
    }

    /** What dispatch publishes for an envelope, with the journal on: each message's queue and body, in order. */
    private static List<java.util.Map.Entry<String, String>> dispatched(byte[] envelope) {
        ObjectMapper werken = WerkenJson.mapper();
        RecordingPublisher published = new RecordingPublisher();
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T10:00:01Z"), ZoneOffset.UTC);
        Exchange exchange = consumed(envelope);
        new EventReader(werken).process(exchange);
        new WorkflowLookup(new CurrentWorkflows(BundledWorkflows.catalog())).process(exchange);
        new ActionMessageFactory(new ActionPlanner(werken, 262_144), "required_actions", WerkenMetrics.none())
                .process(exchange);
        try {
            new ActionPublisher(
                            published,
                            werken,
                            clock,
                            WerkenMetrics.none(),
                            new JournalRecords(werken, clock, "werken.journal", "required_actions"),
                            null,
                            Duration.ZERO)
                    .process(exchange);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return java.util.stream.Stream.of("required_actions", "werken.journal")
                .flatMap(queue -> published.on(queue).stream()
                        .map(m -> java.util.Map.entry(queue, new String(m.getBody(), StandardCharsets.UTF_8))))
                .toList();
    }

    @Test
    void anEnvelopeCarryingTheBodyAsSentDispatchesTheSameActionsAndJournalsTheBodysBytes() throws IOException {
        ObjectMapper werken = WerkenJson.mapper();
        String body = "{\"zeta\": 1.0,\n  \"alpha\" : [1e2, -0, 0.50, 1E-3, 12345678901234567890123],\r\n"
                + "\t\"m\": {\"caf\\u00e9\": \"\u00e9\u2713\ud83d\ude00 \\\"q\\\" \\/\"}, \"n\": null }";
        JsonNode tree = werken.readTree(body);
        // The same event twice: its envelope as ingest writes it now (the body spliced in) and as it did before (the
        // payload written from the tree).
        ReceivedWebhook asSent = new ReceivedWebhook(
                "e-x",
                "mi-workflow",
                BundledWorkflows.catalog().revision(),
                "2026-11-26T10:00:00Z",
                java.util.Map.of(),
                tree,
                null,
                null,
                bytes(body));
        ReceivedWebhook rewritten = new ReceivedWebhook(
                "e-x", "mi-workflow", BundledWorkflows.catalog().revision(), "2026-11-26T10:00:00Z", tree);
        byte[] envelope = werken.writeValueAsBytes(asSent);
        assertThat(new String(envelope, StandardCharsets.UTF_8)).endsWith("\"payload\":" + body + "}");

        var fromAsSent = dispatched(envelope);
        var fromRewritten = dispatched(werken.writeValueAsBytes(rewritten));

        // Workers see exactly the action messages they saw before: the payload parsed and written by Werken.
        List<String> actions = fromAsSent.stream()
                .filter(m -> m.getKey().equals("required_actions"))
                .map(java.util.Map.Entry::getValue)
                .toList();
        assertThat(actions)
                .hasSize(2)
                .isEqualTo(fromRewritten.stream()
                        .filter(m -> m.getKey().equals("required_actions"))
                        .map(java.util.Map.Entry::getValue)
                        .toList());
        for (String action : actions) {
            assertThat(werken.readTree(action).get("payload")).isEqualTo(tree);
        }
        // The journal keeps the payload's bytes as the sender wrote them.
        List<String> records = fromAsSent.stream()
                .filter(m -> m.getKey().equals("werken.journal"))
                .map(java.util.Map.Entry::getValue)
                .toList();
        assertThat(records).hasSize(1);
        assertThat(werken.readTree(records.get(0)).get("payload").binaryValue()).isEqualTo(bytes(body));
    }

    @Test
    void planningTheSameEventTwiceGivesTheSameActionIds() {
        byte[] envelope = bytes("""
                {"event_id":"e-2","workflow_id":"blog-nuevo-post","received_at":"2026-11-26T10:00:00Z","payload":[]}""");
        assertThat(plan(envelope))
                .extracting(ActionMessage::actionId)
                .isEqualTo(plan(envelope).stream().map(ActionMessage::actionId).toList());
    }

    @Test
    void anEnvelopeThatIsNotJsonCannotBeDispatched() {
        assertThatThrownBy(() -> plan(bytes("not json {")))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void anEnvelopeWithoutItsFieldsCannotBeDispatched() {
        assertThatThrownBy(() -> plan(bytes("{\"workflow_id\":\"mi-workflow\",\"payload\":{}}")))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessageContaining("event_id");
    }

    @Test
    void anEventWhoseWorkflowVanishedCannotBeDispatched() {
        byte[] envelope = bytes("""
                {"event_id":"e-3","workflow_id":"gone","received_at":"2026-11-26T10:00:00Z","payload":{}}""");
        Exchange exchange = consumed(envelope);
        reader.process(exchange);

        assertThat(exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class)
                        .workflowId())
                .isEqualTo("gone");
        assertThatThrownBy(() -> lookup.process(exchange))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessageContaining("'gone'");
    }
}
