package io.werken.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.broker.AmqpMessages;
import io.werken.broker.PublishFailedException;
import io.werken.journal.JournalAction;
import io.werken.journal.JournalRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

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
        properties.put(
                "camel.main.routes-include-pattern",
                "classpath:routes/dispatch-actions.camel.yaml,classpath:routes/dispatch-errors.camel.yaml,classpath:routes/dead-letter.camel.yaml");
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
        template.sendBodyAndHeaders(
                "direct:events",
                envelope.getBytes(StandardCharsets.UTF_8),
                Map.of(
                        "CamelSpringRabbitmqMessageId",
                        messageId,
                        "CamelSpringRabbitmqRoutingOverrideKey",
                        "elsewhere"));
    }

    private static String envelope(String eventId, String workflowId) {
        return "{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"" + workflowId
                + "\",\"received_at\":\"2026-11-26T00:00:00Z\",\"payload\":{\"n\":1}}";
    }

    @Test
    void theEventsTraceIsContinuedOnEveryActionWithTheDispatchsSpan() {
        String sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        template.sendBodyAndHeaders(
                "direct:events",
                envelope("e-t", "mi-workflow").getBytes(StandardCharsets.UTF_8),
                Map.of("CamelSpringRabbitmqMessageId", "e-t", "traceparent", sent));

        assertThat(publisher.on(ACTIONS))
                .hasSize(2)
                .allSatisfy(m -> assertThat((String) m.getMessageProperties().getHeader("traceparent"))
                        .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
                        .isNotEqualTo(sent));
    }

    @Test
    void anEventBecomesItsActionsInOneConfirmedBatch() {
        deliver("e-1", envelope("e-1", "mi-workflow"));

        assertThat(publisher.attempts(ACTIONS)).isEqualTo(1);
        assertThat(publisher.on(ACTIONS))
                .extracting(m -> m.getMessageProperties().getMessageId())
                .containsExactly("e-1:0", "e-1:1");
        assertThat(publisher.on(ACTIONS))
                .extracting(m -> m.getMessageProperties().getCorrelationId())
                .containsOnly("e-1");
        assertThat(publisher.on(ACTIONS))
                .extracting(m -> m.getMessageProperties().getType())
                .containsExactly("enviar_email", "log_evento");
        assertThat(publisher.on(ACTIONS)).allSatisfy(m -> {
            assertThat(m.getMessageProperties().getAppId()).isEqualTo("werken");
            assertThat(m.getMessageProperties().getContentType()).isEqualTo("application/json");
            // Only the trace context: a new trace, as the event came without one, the same on every action.
            assertThat(m.getMessageProperties().getHeaders()).containsOnlyKeys("traceparent");
            assertThat((String) m.getMessageProperties().getHeader("traceparent"))
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        });
        assertThat(publisher.on(ACTIONS).stream()
                        .map(m -> m.getMessageProperties().getHeader("traceparent"))
                        .distinct())
                .hasSize(1);
        assertThat(publisher.on(DLQ)).isEmpty();
    }

    private static final String JOURNAL = RouteTestWiring.TestJournal.JOURNAL_QUEUE;

    private static JournalRecord record(Message message) throws java.io.IOException {
        assertThat(message.getMessageProperties().getType()).isEqualTo("werken.journal.event");
        return io.werken.core.WerkenJson.mapper().readValue(message.getBody(), JournalRecord.class);
    }

    @Test
    void eachDispatchedEventsJournalRecordIsPublishedWithItsActionsInOneBatch() throws Exception {
        String sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        template.sendBodyAndHeaders(
                "direct:events",
                envelope("e-j", "mi-workflow").getBytes(StandardCharsets.UTF_8),
                Map.of("CamelSpringRabbitmqMessageId", "e-j", "traceparent", sent));

        assertThat(publisher.on(JOURNAL)).hasSize(1);
        JournalRecord record = record(publisher.on(JOURNAL).get(0));
        assertThat(record.eventId()).isEqualTo("e-j");
        assertThat(record.workflowId()).isEqualTo("mi-workflow");
        assertThat(record.outcome()).isEqualTo("dispatched");
        assertThat(record.reason()).isNull();
        assertThat(record.receivedAt()).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(record.dispatchedAt()).isNotNull();
        assertThat(record.traceparent()).as("the trace as the event carried it").isEqualTo(sent);
        assertThat(record.journal()).isEqualTo("full");
        assertThat(new String(record.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(record.workflowRevision()).isNotNull();
        assertThat(record.actions())
                .extracting(JournalAction::index, JournalAction::type, JournalAction::queue, JournalAction::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, "enviar_email", ACTIONS, "published"),
                        org.assertj.core.groups.Tuple.tuple(1, "log_evento", ACTIONS, "published"));
        // The params exactly as published on the action messages.
        com.fasterxml.jackson.databind.JsonNode published = io.werken.core.WerkenJson.mapper()
                .readTree(publisher.on(ACTIONS).get(0).getBody())
                .get("params");
        assertThat(record.actions().get(0).params()).isEqualTo(published);
    }

    @Test
    void whenTheJournalRecordFailsTheEventIsDispatchedAgainAndItsActionsComeAgainWithTheSameIds() throws Exception {
        publisher.failWith((queue, attempt) -> queue.equals(JOURNAL) && attempt == 1
                ? new PublishFailedException("no confirm for the journal record")
                : null);

        deliver("e-jr", envelope("e-jr", "mi-workflow"));

        assertThat(publisher.attempts(JOURNAL)).isEqualTo(2);
        assertThat(publisher.on(JOURNAL)).hasSize(1);
        // At least once: the first attempt's actions were confirmed, the event was not (its record was not), so
        // workers get them twice, with the ids that let them recognise the second.
        assertThat(publisher.on(ACTIONS))
                .extracting(m -> m.getMessageProperties().getMessageId())
                .containsExactly("e-jr:0", "e-jr:1", "e-jr:0", "e-jr:1");
    }

    @Test
    void aDeadLetteredEventsJournalRecordSaysWhyAndGoesWithTheDeadLetter() throws Exception {
        deliver("e-jd", envelope("e-jd", "no-such-workflow"));

        assertThat(publisher.on(DLQ)).hasSize(1);
        assertThat(publisher.on(JOURNAL)).hasSize(1);
        JournalRecord record = record(publisher.on(JOURNAL).get(0));
        assertThat(record.eventId()).isEqualTo("e-jd");
        assertThat(record.outcome()).isEqualTo("dead_lettered");
        assertThat(record.reason()).startsWith("unknown-workflow: ").contains("'no-such-workflow'");
        assertThat(new String(record.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    }

    @Test
    void aMessageThatIsNotAnEventHasNoJournalRecord() {
        deliver("junk", "not json");

        assertThat(publisher.on(DLQ)).hasSize(1);
        assertThat(publisher.on(JOURNAL)).isEmpty();
    }

    @Test
    void aReplayCarriesReplayOfOnEveryActionAndItsRecord() throws Exception {
        deliver(
                "e-rp",
                "{\"event_id\":\"e-rp\",\"workflow_id\":\"mi-workflow\",\"received_at\":\"2026-11-26T00:00:00Z\","
                        + "\"replay_of\":\"e-original\",\"payload\":{\"n\":1}}");

        assertThat(publisher.on(ACTIONS))
                .hasSize(2)
                .allSatisfy(m -> assertThat(io.werken.core.WerkenJson.mapper()
                                .readTree(m.getBody())
                                .get("replay_of")
                                .asText())
                        .isEqualTo("e-original"));
        assertThat(record(publisher.on(JOURNAL).get(0)).replayOf()).isEqualTo("e-original");
    }

    @Test
    void aLiveEventsActionsHaveNoReplayOf() throws Exception {
        deliver("e-live", envelope("e-live", "mi-workflow"));

        assertThat(publisher.on(ACTIONS))
                .hasSize(2)
                .allSatisfy(m -> assertThat(io.werken.core.WerkenJson.mapper()
                                .readTree(m.getBody())
                                .has("replay_of"))
                        .isFalse());
    }

    @Test
    void aReplayOnItsOriginalRevisionIsDispatchedWithTheDefinitionItCarries() throws Exception {
        deliver(
                "e-pin",
                "{\"event_id\":\"e-pin\",\"workflow_id\":\"gone-workflow\",\"workflow_revision\":\"abc123\","
                        + "\"received_at\":\"2026-11-26T00:00:00Z\",\"replay_of\":\"e-old\",\"payload\":{\"n\":7},"
                        + "\"workflow_definition\":{\"actions\":[{\"type\":\"old_action\",\"params\":{\"n\":\"{{payload.n}}\"}}],"
                        + "\"verify\":{\"scheme\":\"github\",\"secrets\":[\"env:A_SECRET_THAT_IS_GONE\"]}}}");

        assertThat(publisher.on(DLQ)).isEmpty();
        assertThat(publisher.on(ACTIONS)).hasSize(1);
        com.fasterxml.jackson.databind.JsonNode action = io.werken.core.WerkenJson.mapper()
                .readTree(publisher.on(ACTIONS).get(0).getBody());
        assertThat(action.get("type").asText()).isEqualTo("old_action");
        assertThat(action.get("workflow_revision").asText()).isEqualTo("abc123");
        assertThat(action.get("params").get("n").asInt()).isEqualTo(7);
        assertThat(record(publisher.on(JOURNAL).get(0)).workflowRevision()).isEqualTo("abc123");
    }

    @Test
    void aFailedPublishIsRetriedAndThenSucceeds() {
        publisher.failWith((queue, attempt) ->
                queue.equals(ACTIONS) && attempt <= 2 ? new PublishFailedException("no confirm") : null);

        deliver("e-2", envelope("e-2", "mi-workflow"));

        assertThat(publisher.attempts(ACTIONS)).isEqualTo(3);
        assertThat(publisher.on(ACTIONS)).hasSize(2);
        assertThat(publisher.on(DLQ)).isEmpty();
    }

    @Test
    void whenRetriesAreExhaustedTheEventIsDeadLetteredWithTheReason() {
        publisher.failWith(
                (queue, attempt) -> queue.equals(ACTIONS) ? new PublishFailedException("no confirm for e-3") : null);

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
                .asString()
                .contains("'no-such-workflow'");
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
        Map<String, Object> headers = new java.util.HashMap<>(Map.of(
                "CamelSpringRabbitmqMessageId",
                messageId,
                "CamelSpringRabbitmqRedelivered",
                true,
                "CamelSpringRabbitmqType",
                "webhook.received",
                "traceparent",
                TRACEPARENT));
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
                .containsOnlyKeys(
                        AmqpMessages.DEAD_LETTER_REASON,
                        AmqpMessages.DEAD_LETTER_EXCEPTION,
                        AmqpMessages.DEAD_LETTERED_AT,
                        AmqpMessages.ORIGINAL_QUEUE,
                        "traceparent")
                .containsEntry(AmqpMessages.DEAD_LETTER_EXCEPTION, "io.werken.dispatch.DeliveryLimitException")
                .containsEntry("traceparent", TRACEPARENT);
        assertThat(dead.getMessageProperties().getHeaders().get(AmqpMessages.DEAD_LETTER_REASON))
                .asString()
                .contains("Event e-8")
                .contains("cut off 6 times")
                .contains("WERKEN_QUEUE_DELIVERY_LIMIT (5)");
    }

    @Test
    void aCountMattersOnlyOnARedelivery() {
        template.sendBodyAndHeaders(
                "direct:events",
                envelope("e-9", "mi-workflow").getBytes(StandardCharsets.UTF_8),
                Map.of(
                        "CamelSpringRabbitmqMessageId",
                        "e-9",
                        "CamelSpringRabbitmqRedelivered",
                        false,
                        AmqpMessages.DELIVERY_COUNT,
                        5));

        assertThat(publisher.on(ACTIONS)).hasSize(2);
        assertThat(publisher.on(ACTIONS))
                .allSatisfy(m -> assertThat(m.getMessageProperties().getHeaders())
                        .doesNotContainKey(AmqpMessages.DELIVERY_COUNT));
        assertThat(publisher.on(RECEIVED)).isEmpty();
        assertThat(publisher.on(DLQ)).isEmpty();
    }

    /** A consumer channel as the broker sees it: what dispatch acknowledged and rejected, by delivery tag. */
    private static final class RecordingChannel implements java.lang.reflect.InvocationHandler {
        final java.util.List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
            switch (method.getName()) {
                case "basicAck" -> sent.add("ack " + args[0] + ((Boolean) args[1] ? " multiple" : ""));
                case "basicReject" -> sent.add("reject " + args[0]);
                case "isOpen" -> {
                    return true;
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                default -> {}
            }
            return null;
        }

        com.rabbitmq.client.Channel channel() {
            return (com.rabbitmq.client.Channel) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {com.rabbitmq.client.Channel.class}, this);
        }
    }

    private java.util.concurrent.CompletableFuture<org.apache.camel.Exchange> deliverOn(
            com.rabbitmq.client.Channel channel, long tag, String messageId, String envelope) {
        return template.asyncSend("direct:events", exchange -> {
            exchange.setProperty("CamelSpringRabbitmqChannel", channel);
            exchange.getMessage().setHeader("CamelSpringRabbitmqDeliveryTag", tag);
            exchange.getMessage().setHeader("CamelSpringRabbitmqMessageId", messageId);
            exchange.getMessage().setBody(envelope.getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void eventsAreAcknowledgedOnlyOnceTheirBatchesAreConfirmedAndEachTagOnce() throws Exception {
        RecordingChannel recording = new RecordingChannel();
        com.rabbitmq.client.Channel channel = recording.channel();
        publisher.holdConfirms();

        // In tag order, as a consumer's one thread takes them: each waits for its confirm before the next is sent.
        // The first two publish their actions and their journal records; the third its actions, while its record
        // waits for the journal's group commit (two messages of records unconfirmed at most) and goes once one is.
        var first = deliverOn(channel, 1, "e-a1", envelope("e-a1", "mi-workflow"));
        org.awaitility.Awaitility.await().until(() -> publisher.waitingForConfirm() == 2);
        var second = deliverOn(channel, 2, "e-a2", envelope("e-a2", "mi-workflow"));
        org.awaitility.Awaitility.await().until(() -> publisher.waitingForConfirm() == 4);
        var third = deliverOn(channel, 3, "e-a3", envelope("e-a3", "mi-workflow"));
        org.awaitility.Awaitility.await().until(() -> publisher.waitingForConfirm() == 5);

        assertThat(recording.sent).isEmpty();
        publisher.releaseConfirms();
        java.util.concurrent.CompletableFuture.allOf(first, second, third).get();

        // However the confirms' threads ran, the three tags are acknowledged, each once, none rejected.
        java.util.Set<Long> acked = new java.util.TreeSet<>();
        long last = 0;
        for (String sent : recording.sent) {
            assertThat(sent).startsWith("ack ");
            long tag = Long.parseLong(sent.split(" ")[1]);
            assertThat(tag).isGreaterThan(last);
            for (long t = sent.endsWith("multiple") ? last + 1 : tag; t <= tag; t++) {
                assertThat(acked.add(t)).as("tag %d acknowledged once", t).isTrue();
            }
            last = tag;
        }
        assertThat(acked).containsExactly(1L, 2L, 3L);
        assertThat(publisher.on(ACTIONS)).hasSize(6);
        assertThat(publisher.on(JOURNAL))
                .extracting(m -> m.getMessageProperties().getCorrelationId())
                .containsExactlyInAnyOrder("e-a1", "e-a2", "e-a3");
    }

    @Test
    void aDeadLetteredEventIsAcknowledgedAndOneWhoseDeadLetterFailsIsRejected() throws Exception {
        RecordingChannel recording = new RecordingChannel();
        com.rabbitmq.client.Channel channel = recording.channel();

        deliverOn(channel, 1, "e-d1", envelope("e-d1", "no-such-workflow")).get();
        assertThat(recording.sent).containsExactly("ack 1");

        publisher.failWith((queue, attempt) -> new PublishFailedException("broker gone"));
        deliverOn(channel, 2, "e-d2", envelope("e-d2", "mi-workflow")).get();
        assertThat(recording.sent).containsExactly("ack 1", "reject 2");
    }
}
