package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.BrokerTopology;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared dedupe store against the real Redis: two Werken instances behind one "load balancer" accept a delivery
 * once, and a delivery whose publish failed is not remembered.
 */
class RedisDedupeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> redisStore(Redis redis, Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(more);
        overrides.put("werken.dedupe.store", "redis");
        overrides.put("werken.redis.uri", Redis.URI_VALUE);
        overrides.put("werken.dedupe.redis-key-prefix", redis.prefix);
        return overrides;
    }

    private static HttpResponse<String> post(RunningWerken werken, String key) throws Exception {
        return werken.send(HttpRequest.newBuilder(werken.webhookUri("mi-workflow"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\": 123}")));
    }

    @Test
    void twoInstancesReceivingTheSameDeliveryConcurrentlyPublishExactlyOneEvent() throws Exception {
        String queues = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> shared = Map.of(
                "werken.queue.received",
                queues + "received_webhooks",
                "werken.queue.actions",
                queues + "required_actions");
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try (Broker broker = new Broker();
                Redis redis = new Redis();
                RunningWerken a = RunningWerken.start(redisStore(redis, shared));
                RunningWerken b = RunningWerken.start(redisStore(redis, shared))) {
            a.stopDispatch();
            b.stopDispatch();
            String key = "delivery-" + UUID.randomUUID();
            CyclicBarrier start = new CyclicBarrier(8);
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RunningWerken instance = i % 2 == 0 ? a : b;
                responses.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                start.await(10, TimeUnit.SECONDS);
                                return post(instance, key);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        senders));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                answers.add(response.get(30, TimeUnit.SECONDS));
            }

            assertThat(answers).filteredOn(r -> r.statusCode() == 202).hasSize(1);
            assertThat(answers).extracting(HttpResponse::statusCode).allMatch(s -> s == 202 || s == 200 || s == 409);
            String eventId = JSON.readTree(answers.stream()
                            .filter(r -> r.statusCode() == 202)
                            .findFirst()
                            .orElseThrow()
                            .body())
                    .get("event_id")
                    .asText();
            for (HttpResponse<String> duplicate :
                    answers.stream().filter(r -> r.statusCode() == 200).toList()) {
                assertThat(JSON.readTree(duplicate.body()).get("event_id").asText())
                        .isEqualTo(eventId);
            }
            // Once the first is confirmed, every repeat, on either instance, is a duplicate of it.
            for (RunningWerken instance : List.of(a, b)) {
                HttpResponse<String> repeat = post(instance, key);
                assertThat(repeat.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(repeat.body()).get("event_id").asText())
                        .isEqualTo(eventId);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.depth(a.receivedQueue) >= 1);
            assertThat(broker.depth(a.receivedQueue)).as("exactly one event").isEqualTo(1);
            assertThat(redis.keys()).hasSize(1);
            String redisKey = redis.keys().iterator().next();
            assertThat(redis.get(redisKey)).isEqualTo("confirmed");
            assertThat(redis.ttl(redisKey)).as("kept for the 24 h window").isBetween(86_400L - 60, 86_400L);
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void aDeliveryWhosePublishFailedIsNotRememberedAndItsRetryGoesThrough() throws Exception {
        try (Broker broker = new Broker();
                Redis redis = new Redis();
                RunningWerken werken = RunningWerken.start(redisStore(redis, Map.of()))) {
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes())
                            .statusCode())
                    .isEqualTo(202);
            werken.stopDispatch();
            broker.delete(werken.receivedQueue);
            String key = "delivery-" + UUID.randomUUID();

            HttpResponse<String> failed = post(werken, key);

            assertThat(failed.statusCode()).isEqualTo(503);
            // Released when the exchange completes, which is just after the 503 has been written.
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() ->
                            assertThat(redis.keys()).as("nothing remembered").isEmpty());
            werken.context()
                    .getRegistry()
                    .findSingleByType(BrokerTopology.class)
                    .declare();
            HttpResponse<String> retry = post(werken, key);
            assertThat(retry.statusCode()).isEqualTo(202);
            assertThat(post(werken, key).statusCode()).isEqualTo(200);
            assertThat(broker.depth(werken.receivedQueue)).isEqualTo(1);
        }
    }

    @Test
    void withRedisUnreachableADeliveryWithAKeyIs503AndOneWithoutIsStillAccepted() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Redis redis = new Redis();
                RunningWerken werken = RunningWerken.start(Map.of(
                        "werken.dedupe.store",
                        "redis",
                        "werken.redis.uri",
                        "redis://127.0.0.1:" + closedPort,
                        "werken.dedupe.redis-key-prefix",
                        redis.prefix))) {

            HttpResponse<String> keyed = post(werken, "delivery-" + UUID.randomUUID());

            WebhookRejectionsIT.assertProblem(keyed, 503, "dedupe-store-unavailable", "retry after 5 seconds");
            assertThat(keyed.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes())
                            .statusCode())
                    .isEqualTo(202);
        }
    }
}
