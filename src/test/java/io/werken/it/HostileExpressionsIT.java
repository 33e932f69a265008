package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Werken as a process with the README's JVM options (192 MB heap, exit on OutOfMemoryError), given payloads that make
 * innocent expressions huge or slow: each event is dead-lettered with the budget it ran out of, and Werken stays up
 * and keeps dispatching the events behind them.
 */
class HostileExpressionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * {@code digest} writes the title beside every tag; {@code lookup} looks every id up in a list; {@code ping} is
     * the unrelated workflow that must keep flowing.
     */
    private static final String WORKFLOWS = """
            {
              "digest": {"actions": [{"type": "digest", "params": {"lines": "{{ payload.tags.map(t, t + ' / ' + payload.title) }}"}}]},
              "lookup": {"actions": [{"type": "lookup", "when": "payload.ids.exists(i, i in payload.known)"}]},
              "ping": {"actions": [{"type": "ping", "params": {"n": "{{ payload.n }}"}}]}
            }""";

    @TempDir
    Path dir;

    private String prefix;
    private WerkenProcess werken;

    @BeforeEach
    void start() throws Exception {
        prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> env = WerkenProcess.settings(prefix);
        env.put(
                "WERKEN_WORKFLOWS",
                Files.writeString(dir.resolve("workflows.json"), WORKFLOWS).toString());
        // The time budget, lower than its default so that the slow payload exceeds it on any machine.
        env.put("WERKEN_CEL_MAX_MS", "100");
        werken = WerkenProcess.start(env, "hostile-expressions");
    }

    @AfterEach
    void stop() throws Exception {
        werken.close();
        try (Broker broker = new Broker()) {
            broker.delete(
                    prefix + "received_webhooks",
                    prefix + "required_actions",
                    prefix + "received_webhooks.dlq",
                    prefix + "werken.journal");
        }
    }

    @Test
    void payloadsThatMakeExpressionsHugeOrSlowAreDeadLetteredAndWerkenStaysUp() throws Exception {
        // A 600,000-character title beside 800 tags: 480 MB of strings before the params' size is ever measured.
        String huge = "{\"title\": \"" + "t".repeat(600_000) + "\", \"tags\": ["
                + IntStream.range(0, 800).mapToObj(i -> "\"tag-" + i + "\"").collect(Collectors.joining(",")) + "]}";
        // 1,000 ids, none among 400,000 known ones: 400 million comparisons in a few thousand evaluation steps,
        // far more than the 100 ms this test allows (WERKEN_CEL_MAX_MS).
        String slow = "{\"ids\": ["
                + IntStream.rangeClosed(1, 1000).mapToObj(Integer::toString).collect(Collectors.joining(","))
                + "], \"known\": [" + "0,".repeat(399_999) + "0]}";

        String hugeId = accepted("digest", huge);
        String slowId = accepted("lookup", slow);
        String pingId = accepted("ping", "{\"n\": 7}");

        try (Broker broker = new Broker()) {
            await().atMost(WAIT).until(() -> {
                assertThat(werken.isAlive())
                        .as("Werken is running, see " + werken.log)
                        .isTrue();
                return broker.depth(prefix + "received_webhooks.dlq") >= 2;
            });
            List<GetResponse> dead = broker.take(prefix + "received_webhooks.dlq", 2, WAIT);
            assertThat(dead).extracting(d -> d.getProps().getMessageId()).containsExactlyInAnyOrder(hugeId, slowId);
            assertThat(dead).anySatisfy(d -> {
                assertThat(d.getProps().getMessageId()).isEqualTo(hugeId);
                assertThat(reason(d))
                        .endsWith(
                                " not dispatched: workflow 'digest', action 0 (digest), params/lines: the event's"
                                        + " expressions built more than 2097152 bytes of strings, lists and maps (WERKEN_CEL_MAX_BYTES)");
            });
            assertThat(dead).anySatisfy(d -> {
                assertThat(d.getProps().getMessageId()).isEqualTo(slowId);
                assertThat(reason(d))
                        .endsWith(" not dispatched: workflow 'lookup', action 0 (lookup), when: the event's"
                                + " expressions took more than 100 ms (WERKEN_CEL_MAX_MS)");
            });

            GetResponse ping = broker.take(prefix + "required_actions", 1, WAIT).get(0);
            assertThat(ping.getProps().getCorrelationId()).isEqualTo(pingId);
            assertThat(JSON.readTree(ping.getBody()).get("params").get("n").asInt())
                    .isEqualTo(7);
        }
        assertThat(werken.isAlive())
                .as("Werken is still running, see " + werken.log)
                .isTrue();
        assertThat(werken.healthStatus()).isEqualTo(200);
        assertThat(werken.output()).doesNotContain("OutOfMemoryError");
    }

    private String accepted(String workflow, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(werken.webhookUri(workflow))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("event_id").asText();
    }

    private static String reason(GetResponse dead) {
        Object reason = dead.getProps().getHeaders().get("x-werken-dead-letter-reason");
        return reason == null ? null : reason.toString();
    }
}
