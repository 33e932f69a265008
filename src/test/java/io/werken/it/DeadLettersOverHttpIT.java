package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter queue over the management port: {@code GET /dead-letters} shows the count and the first events
 * without taking them off, {@code POST /dead-letters/requeue?max=N} moves exactly N back, which dispatch then handles
 * with their event ids unchanged; bad query values are 400 problems.
 */
class DeadLettersOverHttpIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "dead-letters-it-token";

    @Test
    void listsWithoutTakingThenRequeuesExactlyTheOldestWhichIsDispatchedWithItsEventId() throws Exception {
        // One consumer, so that the event Werken dead-letters itself lands behind the two put there by hand.
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start(
                        Map.of("werken.dispatch.consumers", "1", "werken.management.admin-token", TOKEN))) {
            broker.publish(
                    werken.deadLetterQueue,
                    deadLetter("ev-http-1", "an earlier outage"),
                    envelope("ev-http-1", "mi-workflow"));
            broker.publish(
                    werken.deadLetterQueue,
                    deadLetter("ev-http-2", "another reason"),
                    envelope("ev-http-2", "gone-flow"));
            broker.publish(
                    werken.receivedQueue,
                    new AMQP.BasicProperties.Builder().messageId("ev-http-3").build(),
                    envelope("ev-http-3", "deleted-flow"));
            await().atMost(WAIT).until(() -> broker.depth(werken.deadLetterQueue) == 3);

            HttpResponse<String> firstTwo = get(werken, "/dead-letters?limit=2");
            assertThat(firstTwo.statusCode()).as(firstTwo.body()).isEqualTo(200);
            assertThat(firstTwo.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode listing = JSON.readTree(firstTwo.body());
            assertThat(listing.get("queue").asText()).isEqualTo(werken.deadLetterQueue);
            assertThat(listing.get("count").asLong()).isEqualTo(3);
            assertThat(listing.get("dead_letters")).hasSize(2);
            assertThat(listing.get("dead_letters").get(0)).isEqualTo(JSON.readTree("""
                    {"event_id": "ev-http-1", "workflow_id": "mi-workflow", "reason": "an earlier outage",
                     "dead_lettered_at": "2026-11-30T10:00:00Z"}"""));
            assertThat(listing.get("dead_letters").get(1).get("event_id").asText())
                    .isEqualTo("ev-http-2");
            assertThat(listing.get("dead_letters").get(1).get("workflow_id").asText())
                    .isEqualTo("gone-flow");

            // Nothing was taken off, and the order is as it was: the same listing again, and the default limit shows
            // all three.
            assertThat(broker.depth(werken.deadLetterQueue)).isEqualTo(3);
            JsonNode all = JSON.readTree(get(werken, "/dead-letters").body());
            assertThat(all.get("count").asLong()).isEqualTo(3);
            assertThat(all.get("dead_letters").findValuesAsText("event_id"))
                    .containsExactly("ev-http-1", "ev-http-2", "ev-http-3");
            JsonNode byWerken = all.get("dead_letters").get(2);
            assertThat(byWerken.get("workflow_id").asText()).isEqualTo("deleted-flow");
            assertThat(byWerken.get("reason").asText()).contains("'deleted-flow'");
            assertThat(byWerken.get("dead_lettered_at").asText()).isNotBlank();
            assertThat(broker.depth(werken.deadLetterQueue)).isEqualTo(3);

            HttpResponse<String> requeue = post(werken, "/dead-letters/requeue?max=1");
            assertThat(requeue.statusCode()).as(requeue.body()).isEqualTo(200);
            JsonNode moved = JSON.readTree(requeue.body());
            assertThat(moved).isEqualTo(JSON.readTree("""
                    {"requeued": 1, "requeued_event_ids": ["ev-http-1"], "held_at_start": 3, "remaining": 2,
                     "dead_lettered_meanwhile": 0, "queue": "%s", "to": "%s", "broker": "%s"}""".formatted(
                    werken.deadLetterQueue,
                    werken.receivedQueue,
                    io.werken.broker.BrokerAddress.rabbitMq(Broker.URI_VALUE).withoutCredentials())));

            // The oldest went back and was dispatched: its actions carry its event id, unchanged.
            List<GetResponse> actions = broker.take(werken.actionsQueue, 2, WAIT);
            assertThat(actions).extracting(a -> a.getProps().getCorrelationId()).containsOnly("ev-http-1");
            assertThat(actions)
                    .extracting(a -> a.getProps().getMessageId())
                    .containsExactly("ev-http-1:0", "ev-http-1:1");
            assertThat(JSON.readTree(get(werken, "/dead-letters").body())
                            .get("dead_letters")
                            .findValuesAsText("event_id"))
                    .containsExactly("ev-http-2", "ev-http-3");
            assertThat(broker.depth(werken.deadLetterQueue)).isEqualTo(2);
            assertThat(broker.depth(werken.receivedQueue)).isZero();
        }
    }

    @Test
    void brokerDeadLettersAreDescribedAndBadQueryValuesAreProblemsThatMoveNothing() throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start(Map.of("werken.management.admin-token", TOKEN))) {
            broker.publish(werken.deadLetterQueue, deadLetter("ev-bad-1", "kept"), envelope("ev-bad-1", "mi-workflow"));
            // Dead-lettered by RabbitMQ itself (Werken could not publish the dead letter): only its x-death record says
            // why.
            broker.publish(
                    werken.deadLetterQueue,
                    new AMQP.BasicProperties.Builder()
                            .messageId("ev-bad-2")
                            .headers(Map.of(
                                    "x-death",
                                    List.of(Map.of(
                                            "reason",
                                            "rejected",
                                            "queue",
                                            werken.receivedQueue,
                                            "count",
                                            1L,
                                            "time",
                                            java.util.Date.from(java.time.Instant.parse("2026-11-30T11:00:00Z"))))))
                            .build(),
                    envelope("ev-bad-2", "blog-nuevo-post"));
            JsonNode byBroker = JSON.readTree(get(werken, "/dead-letters").body())
                    .get("dead_letters")
                    .get(1);
            assertThat(byBroker).isEqualTo(JSON.readTree("""
                    {"event_id": "ev-bad-2", "workflow_id": "blog-nuevo-post", "reason": "dead-lettered by the broker: rejected",
                     "dead_lettered_at": "2026-11-30T11:00:00Z"}"""));

            for (String query : List.of("limit=abc", "limit=-1", "limit=101", "limit=", "limit=1&limit=2", "lmit=5")) {
                assertInvalidQuery(get(werken, "/dead-letters?" + query));
            }
            for (String query : List.of("", "?max=0", "?max=1001", "?max=all", "?max=1&max=1", "?limit=1")) {
                assertInvalidQuery(post(werken, "/dead-letters/requeue" + query));
            }
            HttpResponse<String> wrongMethod = get(werken, "/dead-letters/requeue?max=1");
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

            assertThat(broker.depth(werken.deadLetterQueue)).isEqualTo(2);
            JsonNode countOnly =
                    JSON.readTree(get(werken, "/dead-letters?limit=0").body());
            assertThat(countOnly.get("count").asLong()).isEqualTo(2);
            assertThat(countOnly.get("dead_letters")).isEmpty();
            assertThat(ManagementAccessIT.get(werken, "/dead-letters", null).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> unauthorized = werken.send(
                    HttpRequest.newBuilder(ManagementAccessIT.management(werken, "/dead-letters/requeue?max=1"))
                            .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            assertThat(broker.depth(werken.deadLetterQueue)).isEqualTo(2);
        }
    }

    @Test
    void poisonEventsThatDeadLetterAgainAtOnceAreEachMovedOncePerRequest() throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start(Map.of("werken.management.admin-token", TOKEN))) {
            // Dispatch dead-letters each of them again as soon as it is back: a body that is not JSON, or a workflow
            // that does not exist.
            List<String> poison = new java.util.ArrayList<>();
            for (int i = 0; i < 23; i++) {
                String eventId = "ev-poison-" + i;
                poison.add(eventId);
                byte[] body = i % 2 == 0
                        ? ("not an envelope " + i).getBytes(StandardCharsets.UTF_8)
                        : envelope(eventId, "gone-flow-" + i);
                broker.publish(werken.deadLetterQueue, deadLetter(eventId, "poison"), body);
            }
            await().atMost(WAIT).until(() -> broker.depth(werken.deadLetterQueue) == poison.size());

            HttpResponse<String> requeue = post(werken, "/dead-letters/requeue?max=900");

            assertThat(requeue.statusCode()).as(requeue.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(requeue.body());
            assertThat(answer.get("requeued").asLong()).as(requeue.body()).isEqualTo(poison.size());
            // Each event moved once, by id, and the answer says how many came back while it ran.
            assertThat(answer.get("requeued_event_ids"))
                    .extracting(JsonNode::asText)
                    .containsExactlyInAnyOrderElementsOf(poison);
            assertThat(answer.get("held_at_start").asLong()).isEqualTo(poison.size());
            assertThat(answer.get("dead_lettered_meanwhile").asLong())
                    .isEqualTo(answer.get("remaining").asLong())
                    .isBetween(0L, (long) poison.size());
            assertThat(answer.has("not_moved_again")).isFalse();
            assertThat(answer.get("broker").asText())
                    .isEqualTo(io.werken.broker.BrokerAddress.rabbitMq(Broker.URI_VALUE)
                            .withoutCredentials());
            // Each went back once and came back once: all of them on the dead-letter queue again, none twice.
            await().atMost(WAIT)
                    .until(() -> broker.depth(werken.deadLetterQueue) == poison.size()
                            && broker.depth(werken.receivedQueue) == 0);
            assertThat(broker.drain(werken.deadLetterQueue))
                    .extracting(m -> m.getProps().getMessageId())
                    .containsExactlyInAnyOrderElementsOf(poison);
        }
    }

    private static void assertInvalidQuery(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode())
                .as("%s %s", response.uri(), response.body())
                .isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:invalid-query");
        assertThat(problem.get("detail").asText()).isNotBlank();
    }

    /** The properties DeadLetterPublisher gives a dead-lettered event. */
    private static AMQP.BasicProperties deadLetter(String eventId, String reason) {
        return new AMQP.BasicProperties.Builder()
                .messageId(eventId)
                .type("webhook.dead-lettered")
                .contentType("application/json")
                .deliveryMode(2)
                .headers(Map.of(
                        "x-werken-dead-letter-reason",
                        reason,
                        "x-werken-dead-letter-exception",
                        "io.werken.broker.PublishFailedException",
                        "x-werken-dead-lettered-at",
                        "2026-11-30T10:00:00Z",
                        "x-werken-original-queue",
                        "received_webhooks"))
                .build();
    }

    private static byte[] envelope(String eventId, String workflowId) {
        return ("{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"" + workflowId
                        + "\",\"received_at\":\"2026-11-30T09:59:59Z\",\"headers\":{},\"payload\":{\"n\":1}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(RunningWerken werken, String path) throws Exception {
        return ManagementAccessIT.get(werken, path, "Bearer " + TOKEN);
    }

    private static HttpResponse<String> post(RunningWerken werken, String path) throws Exception {
        return werken.send(HttpRequest.newBuilder(ManagementAccessIT.management(werken, path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }
}
