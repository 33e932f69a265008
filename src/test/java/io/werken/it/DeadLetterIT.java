package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.broker.BrokerTopology;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events that cannot be dispatched land on received_webhooks.dlq with the reason, and do not hold up the rest. */
class DeadLetterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aPoisonMessageIsDeadLetteredAndTheEventsBehindItFlow() throws Exception {
        // One consumer: the event behind the poison must get past it, not around it.
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start(Map.of("werken.dispatch.consumers", "1"))) {
            werken.stopDispatch();
            byte[] poison = "this is not an envelope {".getBytes(StandardCharsets.UTF_8);
            broker.publish(
                    werken.receivedQueue,
                    new AMQP.BasicProperties.Builder().messageId("poison-1").build(),
                    poison);
            byte[] vanished = """
                    {"event_id":"ev-vanished","workflow_id":"deleted-flow","received_at":"2026-11-26T00:00:00Z","payload":{}}""".getBytes(StandardCharsets.UTF_8);
            broker.publish(
                    werken.receivedQueue,
                    new AMQP.BasicProperties.Builder().messageId("ev-vanished").build(),
                    vanished);
            HttpResponse<String> behind = werken.post("mi-workflow", "application/json", "{\"n\": 1}".getBytes());
            assertThat(behind.statusCode()).isEqualTo(202);
            String eventId = JSON.readTree(behind.body()).get("event_id").asText();

            werken.startDispatch();

            List<GetResponse> actions = broker.take(werken.actionsQueue, 2, WAIT);
            assertThat(actions).extracting(a -> a.getProps().getCorrelationId()).containsOnly(eventId);

            List<GetResponse> dead = broker.take(werken.deadLetterQueue, 2, WAIT);
            GetResponse poisonDead = dead.stream()
                    .filter(d -> "poison-1".equals(d.getProps().getMessageId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(poisonDead.getBody()).isEqualTo(poison);
            assertThat(header(poisonDead, "x-werken-dead-letter-reason")).contains("not valid JSON");
            assertThat(header(poisonDead, "x-werken-original-queue")).isEqualTo(werken.receivedQueue);
            assertThat(header(poisonDead, "x-werken-dead-lettered-at")).isNotBlank();
            // Werken's documented dead-letter headers and nothing else (no Spring AMQP bookkeeping).
            assertThat(poisonDead.getProps().getHeaders())
                    .containsOnlyKeys(
                            "x-werken-dead-letter-reason",
                            "x-werken-dead-letter-exception",
                            "x-werken-dead-lettered-at",
                            "x-werken-original-queue");

            GetResponse vanishedDead = dead.stream()
                    .filter(d -> "ev-vanished".equals(d.getProps().getMessageId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(vanishedDead.getBody()).isEqualTo(vanished);
            assertThat(header(vanishedDead, "x-werken-dead-letter-reason")).contains("'deleted-flow'");

            assertThat(broker.depth(werken.receivedQueue)).isZero();
        }
    }

    @Test
    void anEventWhoseActionsCannotBePublishedIsDeadLetteredAfterBoundedRetries() throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start(Map.of(
                        "werken.dispatch.max-redeliveries", "2",
                        "werken.dispatch.redelivery-delay-ms", "10"))) {
            // Werken (re)declares its queues whenever it opens a connection: open the publishing one first.
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes())
                            .statusCode())
                    .isEqualTo(202);
            broker.take(werken.actionsQueue, 2, WAIT);
            broker.delete(werken.actionsQueue);

            HttpResponse<String> response = werken.post("mi-workflow", "application/json", "{\"n\": 2}".getBytes());
            assertThat(response.statusCode()).isEqualTo(202);
            String eventId = JSON.readTree(response.body()).get("event_id").asText();

            GetResponse dead = broker.take(werken.deadLetterQueue, 1, WAIT).get(0);
            assertThat(dead.getProps().getMessageId()).isEqualTo(eventId);
            assertThat(JSON.readTree(dead.getBody()).get("event_id").asText()).isEqualTo(eventId);
            assertThat(header(dead, "x-werken-dead-letter-reason"))
                    .contains("could not route")
                    .contains(werken.actionsQueue);
            assertThat(broker.depth(werken.receivedQueue)).isZero();
        }
    }

    @Test
    void anOperatorRequeuesDeadLetteredEventsOnceTheCauseIsFixed() throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start(Map.of("werken.dispatch.max-redeliveries", "0"))) {
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes())
                            .statusCode())
                    .isEqualTo(202);
            broker.take(werken.actionsQueue, 2, WAIT);
            broker.delete(werken.actionsQueue);
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response =
                        werken.post("mi-workflow", "application/json", ("{\"n\": " + i + "}").getBytes());
                assertThat(response.statusCode()).isEqualTo(202);
                eventIds.add(JSON.readTree(response.body()).get("event_id").asText());
            }
            await().atMost(WAIT).until(() -> broker.depth(werken.deadLetterQueue) == 3);

            // The cause is fixed: the action queue is back.
            werken.context()
                    .getRegistry()
                    .findSingleByType(BrokerTopology.class)
                    .declare();
            werken.stopDispatch();
            Map<String, String> env =
                    Map.of("WERKEN_RABBITMQ_URI", Broker.URI_VALUE, "WERKEN_QUEUE_RECEIVED", werken.receivedQueue);

            Map.Entry<Integer, String> partial = WerkenProcess.command(env, "requeue-dead-letters", "--max", "2");

            assertThat(partial.getKey()).as(partial.getValue()).isZero();
            assertThat(partial.getValue()).contains("Re-queued 2 dead-lettered event(s)");
            assertThat(broker.depth(werken.deadLetterQueue)).isEqualTo(1);
            assertThat(broker.depth(werken.receivedQueue)).isEqualTo(2);
            GetResponse requeued = broker.peek(werken.receivedQueue);
            assertThat(requeued.getProps().getMessageId()).isIn(eventIds);
            assertThat(JSON.readTree(requeued.getBody()).get("event_id").asText())
                    .isEqualTo(requeued.getProps().getMessageId());
            assertThat(
                            requeued.getProps().getHeaders() == null
                                    ? Map.of()
                                    : requeued.getProps().getHeaders())
                    .doesNotContainKeys(
                            "x-werken-dead-letter-reason",
                            "x-werken-dead-letter-exception",
                            "x-werken-dead-lettered-at",
                            "x-werken-original-queue");

            Map.Entry<Integer, String> rest = WerkenProcess.command(env, "requeue-dead-letters");
            assertThat(rest.getKey()).as(rest.getValue()).isZero();
            assertThat(broker.depth(werken.deadLetterQueue)).isZero();

            werken.startDispatch();
            List<GetResponse> actions = broker.take(werken.actionsQueue, 6, WAIT);
            assertThat(actions)
                    .extracting(a -> a.getProps().getCorrelationId())
                    .containsExactlyInAnyOrderElementsOf(List.of(
                            eventIds.get(0),
                            eventIds.get(0),
                            eventIds.get(1),
                            eventIds.get(1),
                            eventIds.get(2),
                            eventIds.get(2)));
            assertThat(broker.depth(werken.deadLetterQueue)).isZero();
        }
    }

    @Test
    void theRequeueCommandMovesPoisonEventsThatDeadLetterAgainAtOnceOnceEach() throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start()) {
            List<String> poison = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                String eventId = "ev-bounce-" + i;
                poison.add(eventId);
                // A workflow that does not exist: dispatch dead-letters the event again the moment it is back.
                broker.publish(
                        werken.deadLetterQueue,
                        new AMQP.BasicProperties.Builder().messageId(eventId).build(),
                        ("{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"no-such-flow\",\"received_at\":"
                                        + "\"2026-12-01T00:00:00Z\",\"payload\":{}}")
                                .getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(WAIT).until(() -> broker.depth(werken.deadLetterQueue) == poison.size());

            // No --max: at most what the queue held when the command started.
            Map.Entry<Integer, String> run = WerkenProcess.command(
                    Map.of("WERKEN_RABBITMQ_URI", Broker.URI_VALUE, "WERKEN_QUEUE_RECEIVED", werken.receivedQueue),
                    "requeue-dead-letters");

            assertThat(run.getKey()).as(run.getValue()).isZero();
            String where = " from " + werken.deadLetterQueue + " to " + werken.receivedQueue + " on "
                    + io.werken.broker.BrokerAddress.rabbitMq(Broker.URI_VALUE).withoutCredentials();
            assertThat(run.getValue())
                    .contains("Re-queued " + poison.size() + " dead-lettered event(s)" + where + " ("
                            + werken.deadLetterQueue + " held " + poison.size() + " at the start)");
            // Each event once, each line naming the broker (without its password) and the queues.
            List<String> moved = run.getValue()
                    .lines()
                    .filter(line -> line.startsWith("Re-queued event_id="))
                    .toList();
            assertThat(moved)
                    .containsExactlyInAnyOrderElementsOf(poison.stream()
                            .map(id -> "Re-queued event_id=" + id + where)
                            .toList());
            assertThat(run.getValue()).doesNotContain("guest");
            await().atMost(WAIT)
                    .until(() -> broker.depth(werken.deadLetterQueue) == poison.size()
                            && broker.depth(werken.receivedQueue) == 0);
            assertThat(broker.drain(werken.deadLetterQueue))
                    .extracting(m -> m.getProps().getMessageId())
                    .containsExactlyInAnyOrderElementsOf(poison);
        }
    }

    @Test
    void requeueingToAMissingQueueLeavesTheEventsWhereTheyAre() throws Exception {
        String prefix = "it-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".";
        try (Broker broker = new Broker()) {
            broker.declareQueue(prefix + "received_webhooks.dlq", Map.of());
            broker.publish(
                    prefix + "received_webhooks.dlq",
                    new AMQP.BasicProperties.Builder().messageId("ev-1").build(),
                    "{}".getBytes());

            Map.Entry<Integer, String> result = WerkenProcess.command(
                    Map.of(
                            "WERKEN_RABBITMQ_URI",
                            Broker.URI_VALUE,
                            "WERKEN_QUEUE_RECEIVED",
                            prefix + "received_webhooks"),
                    "requeue-dead-letters");

            assertThat(result.getKey()).isEqualTo(1);
            assertThat(result.getValue()).contains("event_id=ev-1 stays on " + prefix + "received_webhooks.dlq");
            assertThat(broker.depth(prefix + "received_webhooks.dlq")).isEqualTo(1);
            broker.delete(prefix + "received_webhooks.dlq");
        }
    }

    private static String header(GetResponse message, String name) {
        Object value = message.getProps().getHeaders().get(name);
        return value == null ? null : value.toString();
    }
}
