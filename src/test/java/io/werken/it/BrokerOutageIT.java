package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker fails under Werken, for real: a RabbitMQ node of the test's own is absent when Werken starts, then
 * stopped for ~10 s and started again, twice, while a client streams webhooks. A 202 must still mean the actions
 * reach required_actions; while the broker is down callers get 503 with Retry-After and health is DOWN; Werken
 * reconnects by itself.
 */
class BrokerOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration RECONNECT = Duration.ofSeconds(15);
    /** Responses can be in flight when rabbitmqctl stop returns: only later ones count as "while down". */
    private static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(1);

    private static RabbitNode node;

    @BeforeAll
    static void createNode() throws Exception {
        node = RabbitNode.create();
    }

    @AfterAll
    static void removeNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void startsWithoutTheBrokerThenRidesOutTwoOutagesWithoutLosingAnAcceptedWebhook() throws Exception {
        try (RunningWerken werken = RunningWerken.start(
                Map.of("werken.rabbitmq.uri", node.uri(), "werken.rabbitmq.connection-timeout-ms", "1000"))) {

            // Started with no broker: DOWN, and webhooks are refused with 503 + Retry-After.
            assertThat(status(werken.health())).isEqualTo("DOWN");
            assertThat(werken.metric("werken_broker_up")).as("werken_broker_up").isEqualTo("0.0");
            HttpResponse<String> refused = werken.post("mi-workflow", "application/json", "{}".getBytes());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();

            // The broker appears: Werken becomes UP by itself.
            node.start();
            await().atMost(RECONNECT).until(() -> werken.health().statusCode() == 200);
            await().atMost(RECONNECT)
                    .until(() -> werken.metric("werken_broker_up").equals("1.0"));

            List<long[]> downWindows = new ArrayList<>();
            List<Duration> reconnects = new ArrayList<>();
            try (LoadStream stream =
                    new LoadStream(werken.webhookUri("mi-workflow"), 4000, 16).start(Duration.ofMillis(20))) {
                for (int outage = 0; outage < 2; outage++) {
                    long acceptedBefore = stream.accepted();
                    await().atMost(Duration.ofSeconds(30)).until(() -> stream.accepted() >= acceptedBefore + 100);

                    node.stop();
                    long downFrom = System.nanoTime() + IN_FLIGHT_GRACE.toNanos();
                    // DOWN for the whole outage.
                    await().during(OUTAGE)
                            .atMost(OUTAGE.plusSeconds(5))
                            .until(() -> werken.health().statusCode() == 503);
                    long downUntil = System.nanoTime();
                    assertThat(werken.metric("werken_broker_up"))
                            .as("werken_broker_up during the outage")
                            .isEqualTo("0.0");
                    downWindows.add(new long[] {downFrom, downUntil});

                    node.start();
                    long brokerBack = System.nanoTime();
                    await().atMost(RECONNECT).until(() -> werken.health().statusCode() == 200);
                    reconnects.add(Duration.ofNanos(System.nanoTime() - brokerBack));
                    await().atMost(RECONNECT)
                            .until(() -> werken.metric("werken_broker_up").equals("1.0"));
                }
                long acceptedAfter = stream.accepted();
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.accepted() >= acceptedAfter + 100);
                List<LoadStream.Outcome> outcomes = stream.finish();

                List<String> accepted = outcomes.stream()
                        .filter(o -> o.status() == 202)
                        .map(LoadStream.Outcome::eventId)
                        .toList();
                List<LoadStream.Outcome> unavailable =
                        outcomes.stream().filter(o -> o.status() == 503).toList();
                System.out.printf(
                        "BrokerOutageIT: %d requests, %d accepted, %d refused with 503, reconnected after %s%n",
                        outcomes.size(), accepted.size(), unavailable.size(), reconnects);

                assertThat(outcomes)
                        .extracting(LoadStream.Outcome::status)
                        .as("every answer is 202 or 503")
                        .containsOnly(202, 503);
                assertThat(unavailable).as("the outages hit the stream").isNotEmpty();
                assertThat(unavailable)
                        .allSatisfy(o -> assertThat(o.retryAfter()).isPresent());
                assertThat(accepted).doesNotContainNull().doesNotHaveDuplicates();
                for (long[] window : downWindows) {
                    assertThat(outcomes.stream()
                                    .filter(o -> o.status() == 202)
                                    .filter(o -> o.endedNanos() > window[0] && o.endedNanos() < window[1]))
                            .as("202s while the broker was down")
                            .isEmpty();
                }

                // Every accepted webhook's two actions reach required_actions (duplicates allowed, as repeats).
                ActionLedger ledger = new ActionLedger();
                try (Broker broker = new Broker(node.uri())) {
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> {
                                ledger.add(broker.drain(werken.actionsQueue));
                                return ledger.incomplete(accepted, 2).isEmpty();
                            });
                }
                System.out.printf(
                        "BrokerOutageIT: %d action messages, %d duplicates, %d events confirmed but answered 503%n",
                        ledger.messages(),
                        ledger.duplicates(),
                        ledger.eventsBeyond(accepted).size());
                assertThat(ledger.conflicting()).isEmpty();
            }
            assertThat(reconnects).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(RECONNECT));
        }
    }

    private static String status(HttpResponse<String> health) throws Exception {
        return JSON.readTree(health.body()).get("status").asText();
    }
}
