package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.core.ExchangeProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a classic received queue (no broker delivery limit), an event whose dispatch is cut off again and again (here a
 * consumer takes it and goes away without acknowledging it, as a dying process does) is counted by Werken in the event
 * itself and dead-lettered with the reason once the count passes {@code WERKEN_QUEUE_DELIVERY_LIMIT}; an event cut off
 * fewer times is dispatched as usual.
 */
class CutOffDispatchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LIMIT = 2;
    private static final String COUNT = "x-werken-delivery-count";
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final String jammed = prefix + "jammed";
    private Path workflows;

    @BeforeEach
    void workflows() throws Exception {
        // "steady" dispatches one action; "stuck" publishes to a queue the test deletes, so that Werken (one consumer,
        // one event at a time) retries it for a few seconds: the time for the test to take the copy Werken re-queued.
        workflows = Files.createTempFile("cut-off-workflows", ".json");
        Files.writeString(workflows, """
                {
                  "steady": {"actions": [{"type": "note", "params": {"n": "{{ payload.n }}"}}]},
                  "stuck": {"actions": [{"type": "jam", "queue": "%s"}]}
                }""".formatted(jammed));
    }

    @AfterEach
    void cleanUp() throws Exception {
        Files.deleteIfExists(workflows);
        try (Broker broker = new Broker()) {
            broker.delete(jammed);
        }
    }

    private RunningWerken start() throws Exception {
        return RunningWerken.start(Map.of(
                "werken.workflows", workflows.toString(),
                "werken.workflows.watch", "false",
                "werken.queue.delivery-limit", Integer.toString(LIMIT),
                "werken.dispatch.consumers", "1",
                "werken.dispatch.prefetch", "1",
                "werken.dispatch.max-redeliveries", "3",
                "werken.dispatch.redelivery-delay-ms", "500",
                "camel.main.inflight-repository-browse-enabled", "true"));
    }

    @Test
    void anEventCutOffMoreOftenThanTheLimitIsDeadLetteredWithTheReasonAndOneCutOffLessOftenIsDispatched()
            throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = start()) {
            // Werken (re)declares its queues whenever it opens a connection: open the publishing one first.
            assertThat(werken.post("steady", "application/json", "{\"n\": 0}".getBytes())
                            .statusCode())
                    .isEqualTo(202);
            broker.take(werken.actionsQueue, 1, WAIT);
            broker.delete(jammed);
            werken.stopDispatch();
            byte[] poison = envelope("cut-1", "steady", 1);
            broker.publish(
                    werken.receivedQueue,
                    new AMQP.BasicProperties.Builder()
                            .messageId("cut-1")
                            .deliveryMode(2)
                            .headers(Map.of("traceparent", TRACEPARENT))
                            .build(),
                    poison);

            for (int round = 1; round <= LIMIT + 1; round++) {
                // A consumer takes the event (the copy Werken last re-queued) and dies with it.
                GetResponse taken = broker.abandonNext(werken.receivedQueue);
                assertThat(taken)
                        .as("round %d: the event, re-queued by Werken instead of dispatched", round)
                        .isNotNull();
                assertThat(taken.getProps().getMessageId()).isEqualTo("cut-1");
                assertThat(taken.getBody()).isEqualTo(poison);
                assertThat(header(taken, "traceparent")).isEqualTo(TRACEPARENT);
                assertThat(header(taken, COUNT))
                        .as("round %d: times cut off so far", round)
                        .isEqualTo(round == 1 ? null : Integer.toString(round - 1));
                // Behind it, an event that keeps Werken busy while the test takes the next copy.
                String blocker = "stuck-" + round;
                broker.publish(
                        werken.receivedQueue,
                        new AMQP.BasicProperties.Builder()
                                .messageId(blocker)
                                .deliveryMode(2)
                                .build(),
                        envelope(blocker, "stuck", round));
                if (round == 1) {
                    werken.startDispatch();
                }
                // Werken took the redelivered event (counted it, re-queued it or dead-lettered it, and acknowledged
                // it) once it works on the event behind it.
                await().atMost(WAIT).until(() -> dispatching(werken, blocker));
            }

            GetResponse dead = deadLetter(broker, werken, "cut-1");
            assertThat(dead.getBody()).isEqualTo(poison);
            assertThat(header(dead, "x-werken-dead-letter-reason"))
                    .contains("cut-1")
                    .contains("cut off " + (LIMIT + 1) + " times")
                    .contains("WERKEN_QUEUE_DELIVERY_LIMIT");
            assertThat(header(dead, "x-werken-dead-letter-exception"))
                    .isEqualTo("io.werken.dispatch.DeliveryLimitException");
            assertThat(header(dead, "x-werken-original-queue")).isEqualTo(werken.receivedQueue);
            assertThat(header(dead, "traceparent")).isEqualTo(TRACEPARENT);
            assertThat(dead.getProps().getHeaders()).doesNotContainKey(COUNT);
            assertThat(broker.depth(werken.receivedQueue))
                    .as("nothing left of it to dispatch")
                    .isZero();

            // An event cut off once (fewer times than the limit) is dispatched, once.
            byte[] once = envelope("cut-2", "steady", 2);
            broker.publish(
                    werken.receivedQueue,
                    new AMQP.BasicProperties.Builder()
                            .messageId("cut-2")
                            .deliveryMode(2)
                            .build(),
                    once);
            assertThat(broker.abandonNext(werken.receivedQueue).getProps().getMessageId())
                    .isEqualTo("cut-2");
            GetResponse action = broker.take(werken.actionsQueue, 1, WAIT).get(0);
            assertThat(action.getProps().getCorrelationId()).isEqualTo("cut-2");
            assertThat(JSON.readTree(action.getBody()).get("action_id").asText())
                    .isEqualTo("cut-2:0");
            assertThat(broker.drain(werken.actionsQueue))
                    .as("the poison event's actions, or a repeat")
                    .isEmpty();
            assertThat(broker.drain(werken.deadLetterQueue))
                    .extracting(m -> m.getProps().getMessageId())
                    .doesNotContain("cut-1", "cut-2");
        }
    }

    /** Whether Werken's dispatch is working on the event {@code messageId} now. */
    private static boolean dispatching(RunningWerken werken, String messageId) {
        return werken.context().getInflightRepository().browse("dispatch-actions").stream()
                .anyMatch(e -> messageId.equals(e.getExchange().getProperty(ExchangeProperties.MESSAGE_ID)));
    }

    private static GetResponse deadLetter(Broker broker, RunningWerken werken, String messageId) {
        // The blockers are dead-lettered too, after their retries: look for this event among them.
        GetResponse[] found = new GetResponse[1];
        await().atMost(WAIT).until(() -> {
            List<GetResponse> dead = broker.drain(werken.deadLetterQueue);
            dead.stream()
                    .filter(m -> messageId.equals(m.getProps().getMessageId()))
                    .findFirst()
                    .ifPresent(m -> found[0] = m);
            return found[0] != null;
        });
        return found[0];
    }

    private static byte[] envelope(String eventId, String workflowId, int n) {
        return ("{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"" + workflowId
                        + "\",\"received_at\":\"2026-12-04T10:00:00Z\",\"payload\":{\"n\":" + n + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String header(GetResponse message, String name) {
        Map<String, Object> headers = message.getProps().getHeaders();
        return headers == null ? null : Objects.toString(headers.get(name), null);
    }
}
