package io.werken.dispatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.BundledWorkflows;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dispatch steps one by one: an event envelope read back, its workflow looked up, its ordered action messages,
 * and the envelopes that cannot be dispatched.
 */
class DispatchStepsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final EventReader reader = new EventReader(json);
    private final WorkflowLookup lookup = new WorkflowLookup(new CurrentWorkflows(BundledWorkflows.catalog()));
    private final ActionMessageFactory factory = new ActionMessageFactory(new ActionPlanner(json, 262_144), "required_actions",
            WerkenMetrics.none());

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
        return ((List<io.werken.dispatch.QueuedAction>) exchange.getMessage().getBody(List.class)).stream().map(io.werken.dispatch.QueuedAction::message).toList();
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
        assertThat(actions).extracting(ActionMessage::workflowRevision).containsOnly(
                BundledWorkflows.catalog().revision());

        JsonNode serialized = json.readTree(json.writeValueAsBytes(first));
        assertThat(serialized.fieldNames()).toIterable().containsExactly(
                "action_id", "event_id", "workflow_id", "workflow_revision", "index", "count", "type", "params",
                "payload", "received_at", "headers");
    }

    @Test
    void planningTheSameEventTwiceGivesTheSameActionIds() {
        byte[] envelope = bytes("""
                {"event_id":"e-2","workflow_id":"blog-nuevo-post","received_at":"2026-11-26T10:00:00Z","payload":[]}""");
        assertThat(plan(envelope)).extracting(ActionMessage::actionId)
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

        assertThat(exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class).workflowId()).isEqualTo("gone");
        assertThatThrownBy(() -> lookup.process(exchange))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessageContaining("'gone'");
    }
}
