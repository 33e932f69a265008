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
}
