package io.werken.routes;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

import io.werken.broker.AmqpMessages;
import io.werken.broker.PublishFailedException;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dispatch-actions route with its error handling and the dead-letter route, fed from {@code direct:events}
 * instead of RabbitMQ, with the application's wiring and a {@link RecordingPublisher} for the broker.
 */
class DispatchRouteTest extends CamelMainTestSupport {

    private static final String RECEIVED = "test.received_webhooks";
    private static final String ACTIONS = "test.required_actions";
    private static final String DLQ = RECEIVED + ".dlq";

    private final RecordingPublisher publisher = new RecordingPublisher();

    @Override
    protected void doPreSetup() throws Exception {
        replaceRouteFromWith("dispatch-actions", "direct:events");
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        // Only the routes under test.
        properties.put("camel.main.routes-include-pattern", "classpath:routes/dispatch-actions.camel.yaml,classpath:routes/dispatch-errors.camel.yaml,classpath:routes/dead-letter.camel.yaml");
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("camel.server.port", "0");
        properties.put("camel.management.enabled", "false");
        properties.put("werken.queue.received", RECEIVED);
        properties.put("werken.queue.actions", ACTIONS);
        properties.put("werken.dispatch.max-redeliveries", "2");
        properties.put("werken.dispatch.redelivery-delay-ms", "1");
        return properties;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        RouteTestWiring.of(configuration, publisher);
    }

    private void deliver(String messageId, String envelope) {
        template.sendBodyAndHeaders("direct:events", envelope.getBytes(StandardCharsets.UTF_8),
                Map.of("CamelSpringRabbitmqMessageId", messageId, "CamelSpringRabbitmqRoutingOverrideKey", "elsewhere"));
    }

    private static String envelope(String eventId, String workflowId) {
        return "{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"" + workflowId
               + "\",\"received_at\":\"2026-11-26T00:00:00Z\",\"payload\":{\"n\":1}}";
    }

    @Test
    void theEventsTraceIsContinuedOnEveryActionWithTheDispatchsSpan() {
        String sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        template.sendBodyAndHeaders("direct:events", envelope("e-t", "mi-workflow").getBytes(StandardCharsets.UTF_8),
                Map.of("CamelSpringRabbitmqMessageId", "e-t", "traceparent", sent));

        assertThat(publisher.on(ACTIONS)).hasSize(2).allSatisfy(m ->
                assertThat((String) m.getMessageProperties().getHeader("traceparent"))
                        .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").isNotEqualTo(sent));
    }

    @Test
    void anEventBecomesItsActionsInOneConfirmedBatch() {
        deliver("e-1", envelope("e-1", "mi-workflow"));

        assertThat(publisher.attempts(ACTIONS)).isEqualTo(1);
        assertThat(publisher.on(ACTIONS)).extracting(m -> m.getMessageProperties().getMessageId())
                .containsExactly("e-1:0", "e-1:1");
        assertThat(publisher.on(ACTIONS)).extracting(m -> m.getMessageProperties().getCorrelationId())
                .containsOnly("e-1");
        assertThat(publisher.on(ACTIONS)).extracting(m -> m.getMessageProperties().getType())
                .containsExactly("enviar_email", "log_evento");
        assertThat(publisher.on(ACTIONS)).allSatisfy(m -> {
            assertThat(m.getMessageProperties().getAppId()).isEqualTo("werken");
            assertThat(m.getMessageProperties().getContentType()).isEqualTo("application/json");
            // Only the trace context: a new trace, as the event came without one, the same on every action.
            assertThat(m.getMessageProperties().getHeaders()).containsOnlyKeys("traceparent");
            assertThat((String) m.getMessageProperties().getHeader("traceparent"))
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        });
        assertThat(publisher.on(ACTIONS).stream().map(m -> m.getMessageProperties().getHeader("traceparent"))
                .distinct()).hasSize(1);
        assertThat(publisher.on(DLQ)).isEmpty();
    }

    @Test
    void aFailedPublishIsRetriedAndThenSucceeds() {
        publisher.failWith((queue, attempt) -> queue.equals(ACTIONS) && attempt <= 2
                ? new PublishFailedException("no confirm") : null);

        deliver("e-2", envelope("e-2", "mi-workflow"));

        assertThat(publisher.attempts(ACTIONS)).isEqualTo(3);
        assertThat(publisher.on(ACTIONS)).hasSize(2);
        assertThat(publisher.on(DLQ)).isEmpty();
    }

    @Test
    void whenRetriesAreExhaustedTheEventIsDeadLetteredWithTheReason() {
        publisher.failWith((queue, attempt) -> queue.equals(ACTIONS) ? new PublishFailedException("no confirm for e-3") : null);

        deliver("e-3", envelope("e-3", "mi-workflow"));

        assertThat(publisher.attempts(ACTIONS)).isEqualTo(3);
        assertThat(publisher.on(DLQ)).hasSize(1);
        Message dead = publisher.on(DLQ).get(0);
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo(envelope("e-3", "mi-workflow"));
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("e-3");
        assertThat(dead.getMessageProperties().getHeaders())
                .containsEntry(AmqpMessages.DEAD_LETTER_REASON, "no confirm for e-3")
                .containsEntry(AmqpMessages.DEAD_LETTER_EXCEPTION, PublishFailedException.class.getName())
                .containsEntry(AmqpMessages.ORIGINAL_QUEUE, RECEIVED)
                .containsKey(AmqpMessages.DEAD_LETTERED_AT);
        assertThat(dead.getMessageProperties().getType()).isEqualTo("webhook.dead-lettered");
    }

    @Test
    void anUndispatchableEventIsDeadLetteredAtOnceWithoutRetries() {
        deliver("e-4", envelope("e-4", "no-such-workflow"));

        assertThat(publisher.attempts(ACTIONS)).isZero();
        assertThat(publisher.on(DLQ)).hasSize(1);
        assertThat(publisher.on(DLQ).get(0).getMessageProperties().getHeaders().get(AmqpMessages.DEAD_LETTER_REASON))
                .asString().contains("'no-such-workflow'");
    }

    @Test
    void whenEvenTheDeadLetterPublishFailsTheEventFailsForTheBrokerToDeadLetter() {
        publisher.failWith((queue, attempt) -> new PublishFailedException("broker gone"));

        assertThatThrownBy(() -> deliver("e-5", envelope("e-5", "no-such-workflow")))
                .hasStackTraceContaining("Could not dead-letter event e-5: broker gone");
        assertThat(publisher.on(DLQ)).isEmpty();
    }

    /** An event the broker redelivers (its last consumer went away without acknowledging it), as consumed. */
    private void redeliver(String messageId, String envelope, Object count) {
        Map<String, Object> headers = new java.util.HashMap<>(Map.of("CamelSpringRabbitmqMessageId", messageId,
                "CamelSpringRabbitmqRedelivered", true, "CamelSpringRabbitmqType", "webhook.received",
                "traceparent", TRACEPARENT));
        if (count != null) {
            headers.put(AmqpMessages.DELIVERY_COUNT, count);
        }
        template.sendBodyAndHeaders("direct:events", envelope.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aRedeliveredEventIsRequeuedWithItsCountBeforeAnythingOfItIsRead() {
        // Not even valid JSON: it is not read before it is counted.
        redeliver("e-6", "{\"event_id\": \"e-6\", never read", null);
        redeliver("e-7", envelope("e-7", "mi-workflow"), 3);

        assertThat(publisher.on(ACTIONS)).isEmpty();
        assertThat(publisher.on(DLQ)).isEmpty();
        assertThat(publisher.on(RECEIVED)).hasSize(2);
        Message first = publisher.on(RECEIVED).get(0);
        assertThat(new String(first.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"event_id\": \"e-6\", never read");
        assertThat(first.getMessageProperties().getMessageId()).isEqualTo("e-6");
        assertThat(first.getMessageProperties().getType()).isEqualTo("webhook.received");
        assertThat(first.getMessageProperties().getHeaders())
                .containsOnlyKeys("traceparent", AmqpMessages.DELIVERY_COUNT)
                .containsEntry("traceparent", TRACEPARENT)
                .containsEntry(AmqpMessages.DELIVERY_COUNT, 1);
        assertThat(publisher.on(RECEIVED).get(1).getMessageProperties().getHeaders())
                .containsEntry(AmqpMessages.DELIVERY_COUNT, 4);
    }

    @Test
    void aRedeliveredEventCutOffMoreOftenThanTheLimitIsDeadLetteredUnread() {
        // The limit is the default, 5: this is its sixth cut-off.
        redeliver("e-8", envelope("e-8", "mi-workflow"), 5);

        assertThat(publisher.on(ACTIONS)).isEmpty();
        assertThat(publisher.on(RECEIVED)).isEmpty();
        assertThat(publisher.on(DLQ)).hasSize(1);
        Message dead = publisher.on(DLQ).get(0);
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo(envelope("e-8", "mi-workflow"));
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("e-8");
        assertThat(dead.getMessageProperties().getHeaders())
                .containsOnlyKeys(AmqpMessages.DEAD_LETTER_REASON, AmqpMessages.DEAD_LETTER_EXCEPTION,
                        AmqpMessages.DEAD_LETTERED_AT, AmqpMessages.ORIGINAL_QUEUE, "traceparent")
                .containsEntry(AmqpMessages.DEAD_LETTER_EXCEPTION, "io.werken.dispatch.DeliveryLimitException")
                .containsEntry("traceparent", TRACEPARENT);
        assertThat(dead.getMessageProperties().getHeaders().get(AmqpMessages.DEAD_LETTER_REASON)).asString()
                .contains("Event e-8").contains("cut off 6 times").contains("WERKEN_QUEUE_DELIVERY_LIMIT (5)");
    }

    @Test
    void aCountMattersOnlyOnARedelivery() {
        template.sendBodyAndHeaders("direct:events", envelope("e-9", "mi-workflow").getBytes(StandardCharsets.UTF_8),
                Map.of("CamelSpringRabbitmqMessageId", "e-9", "CamelSpringRabbitmqRedelivered", false,
                        AmqpMessages.DELIVERY_COUNT, 5));

        assertThat(publisher.on(ACTIONS)).hasSize(2);
        assertThat(publisher.on(ACTIONS)).allSatisfy(m ->
                assertThat(m.getMessageProperties().getHeaders()).doesNotContainKey(AmqpMessages.DELIVERY_COUNT));
        assertThat(publisher.on(RECEIVED)).isEmpty();
        assertThat(publisher.on(DLQ)).isEmpty();
    }
}
